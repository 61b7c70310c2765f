-- name: insert_response
-- Store one response once: the submission id is claimed first, so a repeated id (a double tap, a retry) stores
-- nothing and returns no row.
-- $1 submission id, $2 touchpoint, $3 survey id, $4 version hash, $5 audience, $6 language, $7 date, $8 closed answers,
-- $9 held (part of a burst, out of summaries until a manager includes it).
with claimed as (
    insert into submission_ids (submission_id, submitted_on)
    values ($1, $7)
    on conflict (submission_id) do nothing
    returning submission_id
)
insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language, submitted_on,
                       answers, held)
select submission_id, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::date, $8::jsonb, $9::boolean
from claimed
returning id

-- name: insert_free_text
-- One free-text answer of a response; $1 response id, $2 the response's date, $3 question id, $4 what was written.
insert into free_text_answers (response_id, submitted_on, question_id, body)
values ($1, $2, $3, $4)

-- name: touchpoint_baseline
-- A touchpoint's average answers per day over the 28 days before today; $1 touchpoint, $2 today.
select count(*)::float / 28 from responses
where touchpoint_id = $1 and submitted_on >= $2::date - 28 and submitted_on < $2::date

-- name: hold_day
-- A burst began: hold all of today's answers to the touchpoint for a manager to look at; $1 touchpoint, $2 today.
update responses set held = true where touchpoint_id = $1 and submitted_on = $2 and not held
