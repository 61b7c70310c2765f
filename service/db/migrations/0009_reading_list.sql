-- The reading list: every written answer, and every request to be contacted,
-- is read by a person within set working hours, whatever the flagger thought
-- of it. Readers are the team's safeguarding leads and people given the new
-- "reader" role; never the practitioner the touchpoint is about.

alter table team_members drop constraint team_members_role_check;
alter table team_members add constraint team_members_role_check
    check (role in ('practitioner', 'team_manager', 'safeguarding_lead', 'reader'));

-- What a reader did before a concern reached the safeguarding queue.
alter table safeguarding_items add column reader_note text;

create table reading_items (
    id                   bigint generated always as identity primary key,
    team_id              bigint not null references teams (id),
    touchpoint_id        bigint not null references touchpoints (id),
    -- Who the touchpoint named when the words were written: they never read them.
    practitioner_id      bigint references staff (id),
    kind                 text not null check (kind in ('answer', 'contact_request')),
    -- While the item is open: the response it came with (and the form's
    -- submission id, which the thank-you page and the contact form know).
    -- Both are dropped when the item is closed, with the time of arrival, so
    -- a closed item cannot date a response.
    response_id          bigint,
    submission_id        uuid,
    answer_item_id       bigint references reading_items (id) on delete set null, -- a contact request's answer
    safeguarding_item_id bigint references safeguarding_items (id) on delete set null,
    question_id          text,
    body                 text not null,          -- the full, unredacted words
    contact_name         text,
    contact_how          text,
    categories           text[] not null default '{}', -- what the flagger saw: flagged items come first
    flagged              boolean generated always as (cardinality(categories) > 0) stored,
    held                 boolean not null default false, -- sent over the flood limit: kept, out of summaries
    audience             text not null,
    language             text not null,
    arrived_on           date not null,
    arrived_at           timestamptz default now(), -- null once closed
    escalated_at         timestamptz,               -- null once closed (`escalated` stays)
    escalated            boolean not null default false,
    dealing_by           bigint references staff (id), -- "I'm dealing with this"
    dealing_since        timestamptz,
    outcome              text check (outcome in ('read', 'concern', 'learning')),
    note                 text,    -- what the reader did (a safeguarding concern)
    waited_hours         integer, -- working hours from arrival to outcome, rounded up (kept for counts)
    on_time              boolean, -- the outcome came before the deadline
    closed_at            timestamptz,
    closed_by            bigint references staff (id),
    check ((closed_at is null) = (outcome is null))
);
-- The first screen: a team's open items, flagged first, then oldest first.
create index reading_items_open on reading_items (team_id, flagged desc, id) where closed_at is null;
-- The team page's line and the list's heading: how many wait, since when (an index-only scan).
create index reading_items_open_arrival on reading_items (team_id, arrived_at) where closed_at is null;
create index reading_items_submission on reading_items (submission_id) where submission_id is not null;
create index reading_items_response on reading_items (response_id) where response_id is not null;
create index reading_items_closed on reading_items (arrived_on) where closed_at is not null;

-- Answers a reader kept for the team's learning review: redacted, dated by month only.
create table reading_review_comments (
    id            bigint generated always as identity primary key,
    team_id       bigint not null references teams (id),
    touchpoint_id bigint not null references touchpoints (id),
    month         date not null check (extract(day from month) = 1),
    audience      text not null,
    language      text not null,
    question_id   text,
    body          text not null -- redacted
);
create index reading_review_comments_team on reading_review_comments (team_id, month);

-- What retention keeps when it deletes closed reading items: counts of
-- outcomes and timings per team and month.
create table reading_counts_by_month (
    month        date not null,
    team_id      bigint not null references teams (id),
    kind         text not null,
    outcome      text not null,
    flagged      boolean not null,
    on_time      boolean not null,
    items        integer not null,
    waited_hours bigint not null,
    primary key (month, team_id, kind, outcome, flagged, on_time)
);
