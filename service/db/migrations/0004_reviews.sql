-- Team learning reviews, their actions, and "you said, we did" entries.

-- Team members a team manager allows to start and write reviews (managers always may).
create table review_facilitators (
    team_id    bigint not null references teams (id),
    staff_id   bigint not null references staff (id),
    granted_by bigint references staff (id),
    granted_at timestamptz not null default now(),
    primary key (team_id, staff_id)
);

-- A team's meeting about a period of feedback. The period is whole days,
-- first to last inclusive; the focus narrows the summary (null: everything).
create table reviews (
    id             bigint generated always as identity primary key,
    team_id        bigint not null references teams (id),
    period_start   date not null,
    period_end     date not null,
    focus_kind     text,
    focus_audience text check (focus_audience in ('under8', '8to12', '13to17', 'parent')),
    created_by     bigint references staff (id),
    created_at     timestamptz not null default now(),
    -- The team's answers to the reflection prompts: {"prompt id": "text"}.
    reflections    jsonb not null default '{}',
    check (period_end >= period_start)
);
create index reviews_team_period on reviews (team_id, period_start);

-- What the team agreed to try. The owner is free text (a role or a name, as
-- the team chooses); target questions are survey question ids the action aims to move.
create table review_actions (
    id               bigint generated always as identity primary key,
    review_id        bigint not null references reviews (id),
    team_id          bigint not null references teams (id),
    what             text not null,
    owner            text not null default '',
    review_on        date,
    status           text not null default 'open' check (status in ('open', 'done', 'dropped')),
    target_questions text[] not null default '{}',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index review_actions_team on review_actions (team_id, status);
create index review_actions_review on review_actions (review_id);

-- A reply to the people who gave feedback. Texts per language:
-- {"cy": {"you_said": "...", "we_did": "...", "child": "..."}}; `languages`
-- keeps the order they were written in (the first is the fallback).
-- touchpoint_ids null: every touchpoint of the team.
create table you_said_we_did (
    id             bigint generated always as identity primary key,
    team_id        bigint not null references teams (id),
    review_id      bigint references reviews (id),
    touchpoint_ids bigint[],
    languages      text[] not null check (cardinality(languages) >= 1),
    texts          jsonb not null,
    -- An optional figure from the review's summary, stored with the count it
    -- rests on; publishing refuses one based on fewer than k responses.
    figure_question text,
    figure_percent  real,
    figure_base     int,
    status         text not null default 'published' check (status in ('published', 'withdrawn')),
    published_at   timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    created_by     bigint references staff (id)
);
create index you_said_we_did_team on you_said_we_did (team_id, published_at desc) where status = 'published';

-- Summaries read a team's responses by date; this lets a review period be
-- found without reading the team's other touchpoints' dates one by one.
create index responses_day_touchpoint on responses (submitted_on, touchpoint_id);
