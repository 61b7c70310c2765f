-- name: store_response
-- Store one response and everything it brings in one statement (one round trip, atomic by itself): the submission
-- id is claimed first, so a repeated id (a double tap, a retry) stores nothing and returns no row; the free text
-- goes beside it and into the team's reading list; free text that may disclose harm goes to the team's safeguarding
-- queue too; and when this answer starts a burst, the day's earlier answers to the touchpoint are held too (the
-- flood began before it was seen).
-- The response gets a random id and a secret record key (column defaults) and the touchpoint's practitioner and
-- contact kind as they are at this moment.
-- $1 submission id, $2 touchpoint, $3 survey id, $4 version hash, $5 audience, $6 language, $7 date,
-- $8 closed answers, $9 held (part of a burst: out of summaries until a manager includes it), $10 burst starts here,
-- $11/$12 free text question ids/words, $13 team, $14/$15/$16 flagged question ids/words/categories (comma-joined),
-- $17 the day it arrived (the reading list counts from it; $7 is the day it was answered, earlier when it waited
-- on a device without a connection).
with claimed as (
    insert into submission_ids (submission_id, submitted_on)
    values ($1, $7)
    on conflict (submission_id) do nothing
    returning submission_id
), response as (
    insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                           submitted_on, answers, held, practitioner_id, contact_kind)
    select submission_id, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::date, $8::jsonb, $9::boolean,
           t.practitioner_id, t.contact_kind -- who and what the answer is about, fixed now (reassigning moves no history)
    from claimed, touchpoints t
    where t.id = $2
    returning id, submitted_on
), free_text as (
    insert into free_text_answers (response_id, submitted_on, question_id, body)
    select r.id, r.submitted_on, t.question_id, t.body
    from response r, unnest($11::text[], $12::text[]) as t (question_id, body)
), queued as (
    insert into safeguarding_items (response_id, touchpoint_id, team_id, kind, question_id, body, categories,
                                    audience, language)
    select r.id, $2, $13, 'disclosure', f.question_id, f.body, string_to_array(f.categories, ','), $5, $6
    from response r, unnest($14::text[], $15::text[], $16::text[]) as f (question_id, body, categories)
    returning id, question_id
), reading as (
    -- Every written answer goes to the team's reading list, flagged or not (service/reading).
    insert into reading_items (team_id, touchpoint_id, practitioner_id, kind, response_id, submission_id,
                               safeguarding_item_id, question_id, body, categories, held, audience, language,
                               arrived_on, waited_days)
    select $13, $2, (select practitioner_id from touchpoints where id = $2), 'answer', r.id, $1, q.id,
           t.question_id, t.body, coalesce(string_to_array(f.categories, ','), '{}'), $9, $5, $6, $17::date,
           nullif($17::date - $7::date, 0) -- days it waited on a device (sw.js), if any
    from response r
    cross join unnest($11::text[], $12::text[]) as t (question_id, body)
    left join unnest($14::text[], $16::text[]) as f (question_id, categories) on f.question_id = t.question_id
    left join queued q on q.question_id = t.question_id
), held_day as (
    update responses set held = true
    where $10::boolean and touchpoint_id = $2 and submitted_on = $7 and not held
      and exists (select 1 from response)
)
select id from response

-- name: store_closed_answers
-- store_response for the usual answer: no written words and no burst starting (one in three written answers or
-- fewer in practice). The same first two steps, without the empty inserts, which cost PostgreSQL about a sixth
-- more per answer; $1..$9 as in store_response.
with claimed as (
    insert into submission_ids (submission_id, submitted_on)
    values ($1, $7)
    on conflict (submission_id) do nothing
    returning submission_id
), response as (
    insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                           submitted_on, answers, held, practitioner_id, contact_kind)
    select submission_id, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::date, $8::jsonb, $9::boolean,
           t.practitioner_id, t.contact_kind
    from claimed, touchpoints t
    where t.id = $2
    returning id
)
select id from response

-- name: store_written_answers
-- store_response for an answer with written words, none of them flagged, and no burst starting (most written
-- answers): the same rows, without the safeguarding insert, the joins to it and the burst update, which cost
-- PostgreSQL about a tenth more per written answer; $1..$9 as in store_response, $10/$11 question ids/words,
-- $12 team, $13 the day it arrived.
with claimed as (
    insert into submission_ids (submission_id, submitted_on)
    values ($1, $7)
    on conflict (submission_id) do nothing
    returning submission_id
), response as (
    insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                           submitted_on, answers, held, practitioner_id, contact_kind)
    select submission_id, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::date, $8::jsonb, $9::boolean,
           t.practitioner_id, t.contact_kind
    from claimed, touchpoints t
    where t.id = $2
    returning id, submitted_on, practitioner_id
), free_text as (
    insert into free_text_answers (response_id, submitted_on, question_id, body)
    select r.id, r.submitted_on, t.question_id, t.body
    from response r, unnest($10::text[], $11::text[]) as t (question_id, body)
), reading as (
    insert into reading_items (team_id, touchpoint_id, practitioner_id, kind, response_id, submission_id,
                               question_id, body, categories, held, audience, language, arrived_on, waited_days)
    select $12, $2, r.practitioner_id, 'answer', r.id, $1, t.question_id, t.body, '{}', $9, $5, $6, $13::date,
           nullif($13::date - $7::date, 0)
    from response r, unnest($10::text[], $11::text[]) as t (question_id, body)
)
select id from response

-- name: touchpoint_baseline
-- A touchpoint's average answers per day over the 28 days before today; $1 touchpoint, $2 today.
select count(*)::float / 28 from responses
where touchpoint_id = $1 and submitted_on >= $2::date - 28 and submitted_on < $2::date

-- name: submission_stored
-- Whether a submission id has been stored (claimed), e.g. for a form the person came Back to; $1 submission id.
select exists (select 1 from submission_ids where submission_id = $1)

-- name: instance_key
-- A key only Heard's instances know (made by migration 0012); $1 its name.
select key from instance_keys where name = $1

-- name: version_life
-- The days a survey version was current, in a time zone: from the day it was first seen to the day the next version
-- was first seen (null: still current); no row for an unknown version. $1 survey id, $2 version hash, $3 time zone.
select (v.first_seen_at at time zone $3)::date as starts,
       ((select min(n.first_seen_at) from survey_versions n
         where n.survey_id = v.survey_id and n.first_seen_at > v.first_seen_at) at time zone $3)::date as ends
from survey_versions v
where v.survey_id = $1 and v.version_hash = $2

-- name: decide_held
-- A manager includes a held day's answers in the results, or keeps them out; $1 team, $2 touchpoint, $3 day,
-- $4 include.
update responses r set held = not $4, held_reviewed = true
from touchpoints t
where t.id = r.touchpoint_id and t.team_id = $1 and r.touchpoint_id = $2 and r.submitted_on = $3 and r.held

-- name: forget_old_submission_ids
-- Retention: submission ids of responses before a date (their months are dropped); $1 cutoff.
with gone as (delete from submission_ids where submitted_on < $1 returning 1)
select count(*) from gone
