-- name: insert_contact_request
-- A request to be contacted joins the team's reading list, linked to the written answer it came with (found by the
-- form's submission id, if the answer had words); $1 touchpoint, $2 submission id or null, $3 safeguarding item or
-- null, $4 message, $5 name, $6 how to reach, $7 categories, $8 held, $9 audience, $10 language, $11 date.
insert into reading_items (team_id, touchpoint_id, practitioner_id, kind, answer_item_id, safeguarding_item_id, body,
                           contact_name, contact_how, categories, held, audience, language, arrived_on)
select t.team_id, t.id, t.practitioner_id, 'contact_request',
       (select min(a.id) from reading_items a
        where $2::uuid is not null and a.submission_id = $2::uuid and a.kind = 'answer' and a.touchpoint_id = t.id),
       $3, $4, $5, $6, $7, $8, $9, $10, $11
from touchpoints t where t.id = $1
returning id

-- name: first_screen
-- The open items a reader works through, per team: flagged first, then oldest first, never those about the reader's
-- own touchpoints; $1 team ids, $2 the reader's staff id, $3 how many.
select i.id, i.kind, i.team_id, tm.name as team_name, t.contact_kind, i.question_id, i.body, i.contact_name,
       i.contact_how, i.categories, i.held, i.audience, i.language, i.arrived_on, i.arrived_at, i.escalated,
       i.dealing_by, d.display_name as dealing_name, i.dealing_since, i.answer_item_id, a.body as answer_body,
       i.safeguarding_item_id, i.outcome, i.note, i.closed_at, c.display_name as closed_by_name, i.waited_days
from unnest($1::bigint[]) as team (id)
cross join lateral (
    select * from reading_items r
    where r.team_id = team.id and r.closed_at is null and r.practitioner_id is distinct from $2
    order by r.flagged desc, r.id
    limit $3
) i
join teams tm on tm.id = i.team_id
join touchpoints t on t.id = i.touchpoint_id
left join staff d on d.id = i.dealing_by
left join staff c on c.id = i.closed_by
left join reading_items a on a.id = i.answer_item_id
where t.practitioner_id is distinct from $2
order by i.flagged desc, i.id
limit $3

-- name: item
-- One item with what a reader sees of it; $1 id.
select i.id, i.kind, i.team_id, tm.name as team_name, t.contact_kind, i.question_id, i.body, i.contact_name,
       i.contact_how, i.categories, i.held, i.audience, i.language, i.arrived_on, i.arrived_at, i.escalated,
       i.dealing_by, d.display_name as dealing_name, i.dealing_since, i.answer_item_id, a.body as answer_body,
       i.safeguarding_item_id, i.outcome, i.note, i.closed_at, c.display_name as closed_by_name, i.waited_days,
       i.practitioner_id, t.practitioner_id as touchpoint_practitioner_id, i.touchpoint_id, i.response_id
from reading_items i
join teams tm on tm.id = i.team_id
join touchpoints t on t.id = i.touchpoint_id
left join staff d on d.id = i.dealing_by
left join staff c on c.id = i.closed_by
left join reading_items a on a.id = i.answer_item_id
where i.id = $1

-- name: open_counts
-- How many items are open in each team, and since when the oldest waits; $1 team ids.
select team_id, count(*) as unread, min(arrived_at) as oldest
from reading_items
where team_id = any($1::bigint[]) and closed_at is null
group by team_id

-- name: set_dealing
-- "I'm dealing with this" (or, with null, no longer); only on an open item nobody else has; $1 id, $2 staff id or
-- null, $3 who asks.
update reading_items set dealing_by = $2, dealing_since = case when $2::bigint is null then null else now() end
where id = $1 and closed_at is null and (dealing_by is null or dealing_by = $3)

-- name: close_item
-- Record the outcome and close the item; what could date its response goes (the link, the time of arrival and of
-- escalation): only the date and the working hours it waited stay; $1 id, $2 staff id, $3 outcome, $4 note,
-- $5 working hours waited (rounded up), $6 on time.
update reading_items
set outcome = $3, note = $4, waited_hours = $5, on_time = $6, closed_at = now(), closed_by = $2,
    response_id = null, submission_id = null, arrived_at = null, escalated_at = null, dealing_by = null,
    dealing_since = null
where id = $1 and closed_at is null

-- name: link_safeguarding_item
-- Remember which safeguarding item a reading item went to; $1 reading item id, $2 safeguarding item id.
update reading_items set safeguarding_item_id = $2 where id = $1

-- name: insert_review_comment
-- An answer kept for the team's learning review, redacted, dated by month only; $1 team, $2 touchpoint,
-- $3 month, $4 audience, $5 language, $6 question id, $7 redacted words.
insert into reading_review_comments (team_id, touchpoint_id, month, audience, language, question_id, body)
values ($1, $2, $3, $4, $5, $6, $7)

-- name: review_comments
-- The comments readers kept for a team's learning review over whole months, in an order that does not follow
-- arrival; $1 team, $2 first month, $3 last month.
select month, touchpoint_id, audience, language, question_id, body
from reading_review_comments
where team_id = $1 and month between date_trunc('month', $2::date)::date and $3::date
order by md5(body), md5(id::text)

-- name: needs_support
-- Whether a submission from the last hour wrote words the flagger caught (the thank-you page shows where help
-- is); $1 submission id.
select exists (
    select 1 from reading_items
    where submission_id = $1 and flagged and closed_at is null and arrived_at > now() - interval '1 hour'
)

-- name: open_unescalated
-- Open items not yet escalated, arrived before a moment; another instance skips rows being escalated;
-- $1 arrived before.
select i.id, i.team_id, tm.name as team_name, i.kind, i.flagged, i.arrived_at
from reading_items i join teams tm on tm.id = i.team_id
where i.closed_at is null and not i.escalated and i.arrived_at < $1
order by i.id
for update of i skip locked

-- name: mark_escalated
-- Remember items were escalated; $1 ids.
update reading_items set escalated = true, escalated_at = now() where id = any($1::bigint[])

-- name: count_old_items
-- Retention: add closed items that arrived before a date to the monthly counts; $1 cutoff.
insert into reading_counts_by_month (month, team_id, kind, outcome, flagged, on_time, items, waited_hours)
select date_trunc('month', arrived_on)::date, team_id, kind, outcome, flagged, coalesce(on_time, false), count(*),
       coalesce(sum(waited_hours), 0)
from reading_items where closed_at is not null and arrived_on < $1
group by 1, 2, 3, 4, 5, 6
on conflict (month, team_id, kind, outcome, flagged, on_time)
do update set items = reading_counts_by_month.items + excluded.items,
              waited_hours = reading_counts_by_month.waited_hours + excluded.waited_hours

-- name: delete_old_items
-- Retention: closed items that arrived before a date go, words and all (open ones stay until read); $1 cutoff.
with gone as (
    delete from reading_items where closed_at is not null and arrived_on < $1 returning 1
)
select count(*) from gone

-- name: delete_old_review_comments
-- Retention: kept comments from months before a date; $1 cutoff.
with gone as (delete from reading_review_comments where month < $1 returning 1)
select count(*) from gone

-- name: monthly_counts
-- What retention kept of a team's reading: outcomes and timings per month; $1 team.
select month, kind, outcome, flagged, on_time, items, waited_hours
from reading_counts_by_month where team_id = $1
order by month, kind, outcome, flagged, on_time

-- name: audit_trail
-- Who read and acted on an item, in the audit log's words; $1 item id.
select a.at, s.display_name, a.action
from audit_log a left join staff s on s.id = a.staff_id
where a.detail ->> 'reading_item_id' = $1::text
order by a.at

-- name: insert_written_answers
-- Written answers that came some other way than a family's response (a debrief's, service/debriefs) join the team's
-- reading list, flagged ones first like any other; $1 team, $2 touchpoint they are filed under, $3/$4/$5 question
-- ids/words/categories (comma-joined, empty when not flagged), $6 audience, $7 language, $8 date.
insert into reading_items (team_id, touchpoint_id, kind, question_id, body, categories, audience, language, arrived_on)
select $1, $2, 'answer', t.question_id, t.body, coalesce(string_to_array(nullif(t.categories, ''), ','), '{}'), $6, $7,
       $8
from unnest($3::text[], $4::text[], $5::text[]) as t (question_id, body, categories)
