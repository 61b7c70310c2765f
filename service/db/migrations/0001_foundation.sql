-- The foundation: teams and staff (enough for touchpoints to name them),
-- touchpoints, the survey versions responses point at, and responses.

create table teams (
    id         bigint generated always as identity primary key,
    name       text not null,
    created_at timestamptz not null default now()
);

create table staff (
    id           bigint generated always as identity primary key,
    email        text not null unique check (email = lower(email)),
    display_name text not null,
    created_at   timestamptz not null default now()
);

create table team_members (
    team_id  bigint not null references teams (id),
    staff_id bigint not null references staff (id),
    primary key (team_id, staff_id)
);

-- One place feedback is asked for. The code is the only thing a family sees.
create table touchpoints (
    id              bigint generated always as identity primary key,
    code            text not null unique check (code ~ '^[23456789abcdefghjkmnpqrstuvwxyz]{13}$'),
    team_id         bigint not null references teams (id),
    contact_kind    text not null,
    practitioner_id bigint references staff (id),
    survey_id       text not null,
    audience        text check (audience in ('under8', '8to12', '13to17', 'parent')), -- null: ask who is answering
    language        text not null default 'en-GB',
    follow_browser_language boolean not null default true,
    status          text not null default 'active' check (status in ('active', 'paused', 'expired', 'revoked')),
    expires_on      date,
    created_at      timestamptz not null default now()
);
create index touchpoints_team on touchpoints (team_id);

-- Every survey definition a response may have answered, exactly as it was.
create table survey_versions (
    survey_id     text not null,
    version_hash  text not null,
    version       text not null,
    definition    jsonb not null,
    first_seen_at timestamptz not null default now(),
    primary key (survey_id, version_hash)
);

-- One person's answers. No IP address, no user agent, no time of day: a time
-- plus a touchpoint can identify a family, so only the date is kept.
create table responses (
    id                  bigint generated always as identity primary key,
    submission_id       uuid not null unique, -- from the form: a retry or double tap is stored once
    touchpoint_id       bigint not null references touchpoints (id),
    survey_id           text not null,
    survey_version_hash text not null,
    audience            text not null check (audience in ('under8', '8to12', '13to17', 'parent')),
    language            text not null,
    submitted_on        date not null,
    answers             jsonb not null, -- closed answers: {"question id": scale point or option id}
    foreign key (survey_id, survey_version_hash) references survey_versions (survey_id, version_hash)
);
create index responses_touchpoint_day on responses (touchpoint_id, submitted_on);

-- Free text apart from the closed answers: it is what retention deletes
-- first, and what safeguarding and redaction read.
create table free_text_answers (
    response_id bigint not null references responses (id) on delete cascade,
    question_id text not null,
    body        text not null,
    primary key (response_id, question_id)
);
