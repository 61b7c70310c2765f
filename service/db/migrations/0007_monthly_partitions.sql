-- Responses and their free text are kept in one partition per month, so
-- retention drops a whole month at once instead of deleting rows one by one
-- (no bloat, no long delete, no vacuum debt). service/db/partitions.py makes
-- the months: the current one and the next two at every start and every
-- night; a row whose month has no partition yet waits in the default
-- partition until then.
--
-- What partitioning changes:
--  * a unique index must contain the partition key, so "one submission id is
--    stored once" moves to its own small table, submission_ids, which the
--    insert claims first in the same statement;
--  * nothing may reference a month that retention will drop, so free text and
--    safeguarding items keep the response id without a foreign key: they are
--    written in the response's own transaction, free text is dropped with its
--    month, and a queue item outlives its response on purpose (an open
--    disclosure is never deleted).

alter table responses rename to responses_unpartitioned;
alter table free_text_answers rename to free_text_answers_unpartitioned;
alter table safeguarding_items drop constraint safeguarding_items_response_id_fkey;
-- Summaries leave out answers that went to the queue, asking per response.
create index safeguarding_items_response on safeguarding_items (response_id) where response_id is not null;
-- Index names belong to the schema: free them for the new tables.
alter table responses_unpartitioned rename constraint responses_pkey to responses_unpartitioned_pkey;
alter table free_text_answers_unpartitioned rename constraint free_text_answers_pkey
    to free_text_answers_unpartitioned_pkey;
drop index responses_touchpoint_day, responses_day_touchpoint, responses_held;

create table submission_ids (
    submission_id uuid primary key, -- from the form: a retry or double tap is stored once
    submitted_on  date not null     -- retention forgets the id with its response
);
create index submission_ids_day on submission_ids (submitted_on);

create table responses (
    id                  bigint generated always as identity,
    submission_id       uuid not null,
    touchpoint_id       bigint not null references touchpoints (id),
    survey_id           text not null,
    survey_version_hash text not null,
    audience            text not null check (audience in ('under8', '8to12', '13to17', 'parent')),
    language            text not null,
    submitted_on        date not null,
    answers             jsonb not null,
    held                boolean not null default false,
    held_reviewed       boolean not null default false,
    primary key (id, submitted_on),
    foreign key (survey_id, survey_version_hash) references survey_versions (survey_id, version_hash)
) partition by range (submitted_on);
create table responses_default partition of responses default;
create index responses_touchpoint_day on responses (touchpoint_id, submitted_on);
create index responses_day_touchpoint on responses (submitted_on, touchpoint_id);
create index responses_held on responses (touchpoint_id, submitted_on) where held;

create table free_text_answers (
    response_id  bigint not null,
    submitted_on date not null, -- the response's date: the month it is kept and dropped with
    question_id  text not null,
    body         text not null,
    -- date first: "the latest comments" read each month's newest rows and stop early
    primary key (submitted_on, response_id, question_id)
) partition by range (submitted_on);
create table free_text_answers_default partition of free_text_answers default;

insert into submission_ids (submission_id, submitted_on)
select submission_id, submitted_on from responses_unpartitioned;

insert into responses (id, submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                       submitted_on, answers, held, held_reviewed)
overriding system value
select id, submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
       submitted_on, answers, held, held_reviewed
from responses_unpartitioned;

select setval(pg_get_serial_sequence('responses', 'id'),
              coalesce((select max(id) from responses_unpartitioned), 0) + 1, false);

insert into free_text_answers (response_id, submitted_on, question_id, body)
select f.response_id, r.submitted_on, f.question_id, f.body
from free_text_answers_unpartitioned f
join responses_unpartitioned r on r.id = f.response_id;

drop table free_text_answers_unpartitioned;
drop table responses_unpartitioned;
