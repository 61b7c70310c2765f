-- name: insert_item
-- Put something in the team's safeguarding queue; $1 response id or null, $2 touchpoint, $3 team, $4 kind,
-- $5 question id or null, $6 body, $7 contact name, $8 how to reach, $9 categories, $10 audience, $11 language,
-- $12 when the words arrived (null: now), $13 what a reader did before it reached the queue (null: no reader).
insert into safeguarding_items (response_id, touchpoint_id, team_id, kind, question_id, body, contact_name,
                                contact_how, categories, audience, language, arrived_at, reader_note)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, now()), $13)
returning id

-- name: queue
-- Items for the teams a lead covers, open ones first, oldest first, each with its state: "new" (open, no lead has
-- opened it), "looking" (open, a lead has opened it: the first one is named) or "done" (closed). Opening is read
-- from the audit log, where every view of an item is recorded (service.view_item). $1 team ids, $2 the states
-- wanted ("new", "looking", "done").
with opened as (
    select distinct on (a.detail ->> 'item_id') (a.detail ->> 'item_id')::bigint as item_id, a.staff_id
    from audit_log a
    where a.detail ? 'item_id'
      and (a.action like 'read a possible disclosure from %' or a.action like 'read a request to be contacted from %')
    order by a.detail ->> 'item_id', a.at
), shown as (
    select i.*, o.staff_id as opened_by,
           case when i.closed_at is not null then 'done' when o.item_id is not null then 'looking' else 'new' end
               as state
    from safeguarding_items i left join opened o on o.item_id = i.id
    where i.team_id = any($1::bigint[])
)
select i.id, i.kind, i.team_id, tm.name as team_name, t.contact_kind, s.display_name as practitioner_name,
       i.question_id, i.body, i.contact_name, i.contact_how, i.categories, i.audience, i.language, i.arrived_at,
       i.escalated_at, i.closed_at, i.outcome, c.display_name as closed_by_name, i.reader_note, i.state,
       r.display_name as opened_by_name
from shown i
join teams tm on tm.id = i.team_id
join touchpoints t on t.id = i.touchpoint_id
left join staff s on s.id = t.practitioner_id
left join staff c on c.id = i.closed_by
left join staff r on r.id = i.opened_by
where i.state = any($2::text[])
order by i.closed_at is not null, i.arrived_at

-- name: item
-- One queue item; $1 id.
select i.id, i.kind, i.team_id, tm.name as team_name, t.contact_kind, s.display_name as practitioner_name,
       i.question_id, i.body, i.contact_name, i.contact_how, i.categories, i.audience, i.language, i.arrived_at,
       i.escalated_at, i.closed_at, i.outcome, c.display_name as closed_by_name, i.reader_note
from safeguarding_items i
join teams tm on tm.id = i.team_id
join touchpoints t on t.id = i.touchpoint_id
left join staff s on s.id = t.practitioner_id
left join staff c on c.id = i.closed_by
where i.id = $1

-- name: close_item
-- Record what the lead did and close the item, and the reading-list items that came with it; a closed item keeps
-- only the date it arrived (and was escalated), so it cannot date its response; $1 id, $2 staff id, $3 outcome,
-- $4 time zone.
with closed as (
    update safeguarding_items
    set closed_at = now(), closed_by = $2, outcome = $3, arrived_at = date_trunc('day', arrived_at, $4),
        escalated_at = date_trunc('day', escalated_at, $4)
    where id = $1 and closed_at is null
    returning id
), reading as (
    update reading_items
    set outcome = 'concern', note = $3, closed_at = now(), closed_by = $2, response_id = null, submission_id = null,
        arrived_at = null, escalated_at = null, dealing_by = null, dealing_since = null
    where safeguarding_item_id in (select id from closed) and closed_at is null
)
select count(*) from closed

-- name: add_reader_note
-- A reader's note on an item already in the queue (the flagger caught it too); $1 id, $2 note.
update safeguarding_items set reader_note = concat_ws(E'\n', reader_note, $2) where id = $1

-- name: open_unescalated
-- Open items not yet escalated, arrived before a moment, for escalation; $1 arrived before.
select i.id, i.team_id, tm.name as team_name, i.kind, i.arrived_at
from safeguarding_items i join teams tm on tm.id = i.team_id
where i.closed_at is null and i.escalated_at is null and i.arrived_at < $1
order by i.arrived_at
for update of i skip locked

-- name: mark_escalated
-- Remember an item was escalated; $1 ids.
update safeguarding_items set escalated_at = now() where id = any($1::bigint[])

-- name: audit_trail
-- Who viewed and acted on an item; $1 item id.
select a.at, s.display_name, a.action
from audit_log a left join staff s on s.id = a.staff_id
where a.detail ->> 'item_id' = $1::text
order by a.at

-- name: delete_old_closed_items
-- Retention: closed safeguarding items that arrived before a moment (open ones are never deleted); $1 cutoff.
with gone as (
    delete from safeguarding_items where closed_at is not null and arrived_at < $1 returning 1
)
select count(*) from gone

-- name: aggregate_old_responses
-- Retention: add responses before a date to the monthly counts; $1 cutoff.
insert into response_counts_by_month (month, touchpoint_id, audience, responses)
select date_trunc('month', submitted_on)::date, touchpoint_id, audience, count(*)
from responses where submitted_on < $1
group by 1, 2, 3
on conflict (month, touchpoint_id, audience)
do update set responses = response_counts_by_month.responses + excluded.responses

-- name: aggregate_old_answers
-- Retention: add the closed answers of responses before a date to the monthly counts; $1 cutoff.
insert into answer_counts_by_month (month, touchpoint_id, audience, survey_id, question_id, value, answers)
select date_trunc('month', r.submitted_on)::date, r.touchpoint_id, r.audience, r.survey_id, a.key,
       a.value #>> '{}', count(*)
from responses r cross join lateral jsonb_each(r.answers) a
where r.submitted_on < $1
group by 1, 2, 3, 4, 5, 6
on conflict (month, touchpoint_id, audience, survey_id, question_id, value)
do update set answers = answer_counts_by_month.answers + excluded.answers
