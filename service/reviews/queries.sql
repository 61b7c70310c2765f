-- name: insert_review
-- Start a review; $1 team, $2 first day, $3 last day, $4 focus kind or null, $5 focus audience or null, $6 by,
-- $7 the families' survey it is about.
insert into reviews (team_id, period_start, period_end, focus_kind, focus_audience, created_by, survey_id)
values ($1, $2, $3, $4, $5, $6, $7)
returning id

-- name: review_by_id
-- One review with its team's name and who started it; $1 review id.
select v.id, v.team_id, tm.name as team_name, v.period_start, v.period_end, v.focus_kind, v.focus_audience,
       v.reflections, coalesce(s.display_name, '') as created_by_name, v.created_at, v.survey_id
from reviews v
join teams tm on tm.id = v.team_id
left join staff s on s.id = v.created_by
where v.id = $1

-- name: team_reviews
-- A team's reviews, latest period first; $1 team id.
select v.id, v.team_id, tm.name as team_name, v.period_start, v.period_end, v.focus_kind, v.focus_audience,
       v.reflections, coalesce(s.display_name, '') as created_by_name, v.created_at, v.survey_id
from reviews v
join teams tm on tm.id = v.team_id
left join staff s on s.id = v.created_by
where v.team_id = $1
order by v.period_start desc, v.id desc

-- name: set_reflections
-- Store the team's reflections; $1 review id, $2 {"prompt id": "text"}.
update reviews set reflections = $2 where id = $1

-- name: insert_action
-- Agree an action; $1 review, $2 team, $3 what, $4 owner, $5 review date or null, $6 target question ids,
-- $7 source ('families', 'debrief' or 'culture'), $8 the debrief answer whose raised lesson it answers, or null.
-- An action already answering that lesson is kept and nothing is inserted (no id returned).
insert into review_actions (review_id, team_id, what, owner, review_on, target_questions, source, lesson_answer_id)
values ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict (lesson_answer_id) where lesson_answer_id is not null do nothing
returning id

-- name: action_for_lesson
-- The action that answers a lesson raised in a debrief, if any; $1 debrief answer id.
select id from review_actions where lesson_answer_id = $1

-- name: lessons_acted_on
-- The raised lessons (debrief answer ids) a team already has an action for; $1 team id.
select lesson_answer_id from review_actions where team_id = $1 and lesson_answer_id is not null

-- name: action_by_id
-- One action, with the debrief of the lesson it answers (if any); $1 action id.
select a.id, a.review_id, a.team_id, a.what, a.owner, a.review_on, a.status, a.target_questions, a.source,
       a.lesson_answer_id, da.debrief_id as lesson_debrief_id, d.name as lesson_debrief_name
from review_actions a
left join debrief_answers da on da.id = a.lesson_answer_id left join debriefs d on d.id = da.debrief_id
where a.id = $1

-- name: set_action_status
-- Mark an action open, done or dropped; $1 action id, $2 status.
update review_actions set status = $2, updated_at = now() where id = $1

-- name: review_actions
-- The actions agreed at one review, in the order they were agreed; $1 review id.
select a.id, a.review_id, a.team_id, a.what, a.owner, a.review_on, a.status, a.target_questions, a.source,
       a.lesson_answer_id, da.debrief_id as lesson_debrief_id, d.name as lesson_debrief_name
from review_actions a
left join debrief_answers da on da.id = a.lesson_answer_id left join debriefs d on d.id = da.debrief_id
where a.review_id = $1 order by a.id

-- name: earlier_open_actions
-- Actions still open from the team's reviews of the same survey whose period ended before $2, with that review's
-- period and focus; $1 team id, $3 the survey (an action's target questions are its review's survey's).
select a.id, a.review_id, a.team_id, a.what, a.owner, a.review_on, a.status, a.target_questions, a.source,
       a.lesson_answer_id, da.debrief_id as lesson_debrief_id, d.name as lesson_debrief_name,
       v.period_start, v.period_end, v.focus_kind, v.focus_audience
from review_actions a join reviews v on v.id = a.review_id
left join debrief_answers da on da.id = a.lesson_answer_id left join debriefs d on d.id = da.debrief_id
where a.team_id = $1 and a.status = 'open' and v.period_end < $2 and v.survey_id = $3
order by v.period_start, a.id

-- name: followed_actions
-- For the admin overview: every action with target questions that was not dropped, with its review's period and
-- survey and the period of the same team's next review of that survey (null when there is none yet). No parameters.
select a.id, a.what, a.status, a.target_questions, a.team_id, tm.name as team_name,
       v.period_start, v.period_end, v.focus_kind, v.focus_audience, v.survey_id,
       n.period_start as next_start, n.period_end as next_end
from review_actions a
join reviews v on v.id = a.review_id
join teams tm on tm.id = a.team_id
left join lateral (
    select w.period_start, w.period_end from reviews w
    where w.team_id = a.team_id and w.survey_id = v.survey_id and w.period_start > v.period_end
    order by w.period_start, w.id limit 1
) n on true
where cardinality(a.target_questions) > 0 and a.status <> 'dropped'
order by a.what, a.id

-- name: facilitators
-- Staff ids a team manager allowed to run the team's reviews; $1 team id.
select staff_id from review_facilitators where team_id = $1

-- name: grant_facilitator
-- Allow a team member to run reviews; $1 team, $2 staff, $3 granted by.
insert into review_facilitators (team_id, staff_id, granted_by) values ($1, $2, $3) on conflict do nothing

-- name: revoke_facilitators
-- Take the permission from everyone in the team except $2 (ids to keep); $1 team.
delete from review_facilitators where team_id = $1 and not (staff_id = any($2::bigint[]))

-- name: insert_entry
-- Publish a "you said, we did" entry; $1 team, $2 review, $3 touchpoint ids or null, $4 languages, $5 texts,
-- $6 figure question or null, $7 figure percent, $8 figure base, $9 by.
insert into you_said_we_did (team_id, review_id, touchpoint_ids, languages, texts, figure_question, figure_percent,
                             figure_base, created_by)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
returning id

-- name: update_entry
-- Change an entry's texts and where it shows; $1 entry, $2 touchpoint ids or null, $3 languages, $4 texts.
update you_said_we_did set touchpoint_ids = $2, languages = $3, texts = $4, updated_at = now() where id = $1

-- name: set_entry_status
-- Withdraw an entry or publish it again; $1 entry, $2 'published' or 'withdrawn'.
update you_said_we_did
set status = $2, updated_at = now(), published_at = case when $2 = 'published' then now() else published_at end
where id = $1

-- name: entry_by_id
-- One entry, with the survey of the review it came from (its figure is that survey's); $1 entry id.
select e.id, e.team_id, e.review_id, e.touchpoint_ids, e.languages, e.texts, e.figure_question, e.figure_percent,
       e.figure_base, e.status, e.published_at, v.survey_id
from you_said_we_did e left join reviews v on v.id = e.review_id where e.id = $1

-- name: team_entries
-- A team's entries, newest first; $1 team id.
select e.id, e.team_id, e.review_id, e.touchpoint_ids, e.languages, e.texts, e.figure_question, e.figure_percent,
       e.figure_base, e.status, e.published_at
from you_said_we_did e where e.team_id = $1 order by e.published_at desc, e.id desc

-- name: review_entries
-- The entries published from one review, newest first; $1 review id.
select e.id, e.team_id, e.review_id, e.touchpoint_ids, e.languages, e.texts, e.figure_question, e.figure_percent,
       e.figure_base, e.status, e.published_at
from you_said_we_did e where e.review_id = $1 order by e.published_at desc, e.id desc

-- name: published_with_figure
-- A team's published entries that carry a figure from a review, newest first; $1 team id.
select e.id, e.team_id, e.review_id, e.touchpoint_ids, e.languages, e.texts, e.figure_question, e.figure_percent,
       e.figure_base, e.status, e.published_at
from you_said_we_did e
where e.team_id = $1 and e.status = 'published' and e.figure_question is not null and e.review_id is not null
order by e.published_at desc, e.id desc

-- name: published_for_touchpoint
-- Published entries a touchpoint's respondents see, newest first: the team's entries for every touchpoint, and
-- those naming this one. $1 team id, $2 touchpoint id, $3 how many.
select e.id, e.team_id, e.review_id, e.touchpoint_ids, e.languages, e.texts, e.figure_question, e.figure_percent,
       e.figure_base, e.status, e.published_at
from you_said_we_did e
where e.team_id = $1 and e.status = 'published' and (e.touchpoint_ids is null or $2 = any(e.touchpoint_ids))
order by e.published_at desc, e.id desc
limit $3
