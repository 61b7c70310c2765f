-- Safeguarding: free text that may disclose harm goes to a queue for the
-- team's safeguarding leads; people may ask to be contacted. The queue keeps
-- the exact arrival time (the response itself keeps only the date).

create table safeguarding_items (
    id            bigint generated always as identity primary key,
    response_id   bigint references responses (id) on delete set null,
    touchpoint_id bigint not null references touchpoints (id),
    team_id       bigint not null references teams (id),
    kind          text not null check (kind in ('disclosure', 'contact_request')),
    question_id   text,
    body          text not null,          -- the full, unredacted words
    contact_name  text,                   -- contact requests only
    contact_how   text,                   -- contact requests only
    categories    text[] not null default '{}',
    audience      text not null,
    language      text not null,
    arrived_at    timestamptz not null default now(),
    escalated_at  timestamptz,
    closed_at     timestamptz,
    closed_by     bigint references staff (id),
    outcome       text
);
create index safeguarding_items_open on safeguarding_items (team_id, arrived_at) where closed_at is null;

-- What retention keeps when it deletes raw responses: counts per month, so
-- long-run figures still add up.
create table response_counts_by_month (
    month         date not null,
    touchpoint_id bigint not null references touchpoints (id),
    audience      text not null,
    responses     integer not null,
    primary key (month, touchpoint_id, audience)
);

create table answer_counts_by_month (
    month         date not null,
    touchpoint_id bigint not null references touchpoints (id),
    audience      text not null,
    survey_id     text not null,
    question_id   text not null,
    value         text not null,
    answers       integer not null,
    primary key (month, touchpoint_id, audience, survey_id, question_id, value)
);
