-- name: insert_response
-- Store one response once: a repeated submission id stores nothing and returns no row.
-- $1 submission id, $2 touchpoint, $3 survey id, $4 version hash, $5 audience, $6 language, $7 date, $8 closed answers.
insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language, submitted_on, answers)
values ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict (submission_id) do nothing
returning id

-- name: insert_free_text
-- One free-text answer of a response; $1 response id, $2 question id, $3 what the person wrote.
insert into free_text_answers (response_id, question_id, body)
values ($1, $2, $3)
