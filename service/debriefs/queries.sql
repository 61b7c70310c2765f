-- name: insert_debrief
-- Open a debrief; $1 team, $2 invitation code, $3 name of the piece of work, $4 deadline, $5 opener, $6 today.
insert into debriefs (team_id, code, name, deadline, opened_by, opened_on)
values ($1, $2, $3, $4, $5, $6)
returning id

-- name: debrief_by_id
-- One debrief with its team, opener and how many answered; closed when closed by hand or its deadline day has
-- passed; $1 id, $2 today.
select d.id, d.team_id, tm.name as team_name, d.code, d.name, d.deadline, d.opened_by,
       s.display_name as opener_name, d.opened_on, d.closed_at is not null or d.deadline < $2 as closed,
       coalesce(d.closed_at::date, d.deadline + 1) as closes_on,
       (select count(*) from debrief_answers a where a.debrief_id = d.id) as answered
from debriefs d
join teams tm on tm.id = d.team_id
left join staff s on s.id = d.opened_by
where d.id = $1

-- name: debrief_by_code
-- The debrief an invitation link points at (as debrief_by_id); $1 code, $2 today.
select d.id, d.team_id, tm.name as team_name, d.code, d.name, d.deadline, d.opened_by,
       s.display_name as opener_name, d.opened_on, d.closed_at is not null or d.deadline < $2 as closed,
       coalesce(d.closed_at::date, d.deadline + 1) as closes_on,
       (select count(*) from debrief_answers a where a.debrief_id = d.id) as answered
from debriefs d
join teams tm on tm.id = d.team_id
left join staff s on s.id = d.opened_by
where d.code = $1

-- name: team_debriefs
-- The debriefs of some teams, open ones first, then newest (as debrief_by_id); $1 team ids, $2 today.
select d.id, d.team_id, tm.name as team_name, d.code, d.name, d.deadline, d.opened_by,
       s.display_name as opener_name, d.opened_on, d.closed_at is not null or d.deadline < $2 as closed,
       coalesce(d.closed_at::date, d.deadline + 1) as closes_on,
       (select count(*) from debrief_answers a where a.debrief_id = d.id) as answered
from debriefs d
join teams tm on tm.id = d.team_id
left join staff s on s.id = d.opened_by
where d.team_id = any($1::bigint[])
order by (d.closed_at is not null or d.deadline < $2), d.id desc

-- name: close_debrief
-- Close a debrief by hand (once); $1 id, $2 who closes it.
update debriefs set closed_at = now(), closed_by = $2 where id = $1 and closed_at is null

-- name: insert_answer
-- One person's answers, stored once per submission id (a double tap or retry stores nothing and returns no row);
-- $1 debrief, $2 submission id, $3 role or null, $4 language, $5 date, $6 the redacted words by question id.
insert into debrief_answers (debrief_id, submission_id, role, language, answered_on, texts)
values ($1, $2, $3, $4, $5, $6)
on conflict (submission_id) do nothing
returning id

-- name: answers
-- A debrief's answers with any manager's response to their raised lesson, in an order set by a keyed hash (never
-- the order they arrived in); $1 debrief, $2 the shuffling key.
select a.id, a.role, a.texts, r.response, r.because
from debrief_answers a
left join debrief_responses r on r.answer_id = a.id
where a.debrief_id = $1
order by sha256($2 || int8send(a.id))

-- name: raised_waiting
-- Lessons raised with management in a team's closed debriefs that no manager has answered yet, oldest first, with
-- the day they were raised (the debrief closed); $1 team, $2 today.
select a.id as answer_id, d.id as debrief_id, d.name as debrief_name, a.texts ->> 'raise' as lesson,
       coalesce(d.closed_at::date, d.deadline + 1) as raised_on
from debrief_answers a
join debriefs d on d.id = a.debrief_id
where d.team_id = $1 and (d.closed_at is not null or d.deadline < $2)
  and coalesce(a.texts ->> 'raise', '') <> ''
  and not exists (select 1 from debrief_responses r where r.answer_id = a.id)
order by raised_on, a.id

-- name: responded_in_review
-- The lessons a manager answered in one learning review; $1 review.
select a.id as answer_id, d.id as debrief_id, d.name as debrief_name, a.texts ->> 'raise' as lesson,
       coalesce(d.closed_at::date, d.deadline + 1) as raised_on, r.response, r.because
from debrief_responses r
join debrief_answers a on a.id = r.answer_id
join debriefs d on d.id = a.debrief_id
where r.review_id = $1
order by a.id

-- name: lesson
-- One raised lesson, to answer: its team and whether its debrief is closed; $1 answer id, $2 today.
select a.id as answer_id, d.id as debrief_id, d.team_id, d.name as debrief_name, a.texts ->> 'raise' as lesson,
       d.closed_at is not null or d.deadline < $2 as closed
from debrief_answers a join debriefs d on d.id = a.debrief_id
where a.id = $1

-- name: respond
-- A manager's response to a raised lesson, given in a learning review (a later one replaces it); $1 answer,
-- $2 review, $3 response, $4 because, $5 who, $6 today.
insert into debrief_responses (answer_id, review_id, response, because, responded_by, responded_on)
values ($1, $2, $3, $4, $5, $6)
on conflict (answer_id) do update
set review_id = excluded.review_id, response = excluded.response, because = excluded.because,
    responded_by = excluded.responded_by, responded_on = excluded.responded_on

-- name: shuffle_key
-- The key the group's answers are shuffled with (made by migration 0014).
select key from instance_keys where name = 'debriefs'
