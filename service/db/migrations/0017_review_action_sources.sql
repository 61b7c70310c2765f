-- Where a learning review's action came from (issue 17): what families said,
-- a debrief, or the team's culture pulse. Every action agreed before this
-- came from families' feedback (the only source reviews had). An action that
-- answers a lesson raised in a debrief names that lesson (the debrief answer
-- that raised it), at most one action per lesson, so answering the lesson
-- "will do" twice never makes two actions. If the debrief is deleted the
-- action stays, still marked as from a debrief.
alter table review_actions
    add column source text not null default 'families' check (source in ('families', 'debrief', 'culture')),
    add column lesson_answer_id bigint references debrief_answers (id) on delete set null,
    add constraint review_actions_lesson_from_a_debrief check (lesson_answer_id is null or source = 'debrief');
create unique index review_actions_one_per_lesson on review_actions (lesson_answer_id)
    where lesson_answer_id is not null;
