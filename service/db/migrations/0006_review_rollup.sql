-- Weekly answer counts per touchpoint, for weeks that have ended, so a
-- review's summary reads thousands of rows instead of millions. Filled by the
-- summary itself when it first needs a week; every summary compares each
-- week's stored response count with the responses table and counts a week
-- again when it differs (retention or deletion removed responses).
create table review_week_counts (
    touchpoint_id bigint not null references touchpoints (id),
    week          date not null, -- the Monday
    audience      text not null,
    survey_id     text not null,
    question_id   text not null, -- '' counts responses
    value         text not null,
    n             int not null,
    primary key (touchpoint_id, week, audience, survey_id, question_id, value)
);

-- Which touchpoint-weeks are counted above, and from how many responses.
create table review_weeks (
    touchpoint_id bigint not null references touchpoints (id),
    week          date not null,
    responses     int not null,
    primary key (touchpoint_id, week)
);
