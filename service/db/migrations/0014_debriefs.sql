-- Debriefs (issue 17): everyone involved in a piece of work, partner agencies
-- included, says what went well and what did not; the group reads the
-- combined answers once the debrief closes; lessons raised with management go
-- to the team's next learning review and the manager's answer goes back.

-- One debrief. The name is the opener's ("child protection conference for the
-- M. family, 12 Nov"): shown to staff and to the people invited by the link,
-- never on a family's page. The code is the invitation (a touchpoint-style
-- short code, QR and link). It closes when the opener (or a team manager)
-- closes it, or at the end of its deadline day.
create table debriefs (
    id           bigint generated always as identity primary key,
    team_id      bigint not null references teams (id),
    code         text not null unique check (code ~ '^[23456789abcdefghjkmnpqrstuvwxyz]{13}$'),
    name         text not null check (length(name) between 1 and 200),
    deadline     date not null,
    opened_by    bigint references staff (id),
    opened_on    date not null default current_date,
    closed_at    timestamptz,
    closed_by    bigint references staff (id)
);
create index debriefs_team on debriefs (team_id, deadline);

-- One person's answers, with no account, no IP address, no time of day: the
-- agency they chose (shown beside their answers only when 3 or more answered),
-- the language and the words, redacted of names, numbers and addresses for
-- the group (the full words wait in the team's reading list like every
-- written answer). A form sent twice is stored once.
create table debrief_answers (
    id            bigint generated always as identity primary key,
    debrief_id    bigint not null references debriefs (id) on delete cascade,
    submission_id uuid not null unique,
    role          text,
    language      text not null,
    answered_on   date not null,
    texts         jsonb not null -- {"question id": "redacted words"}
);
create index debrief_answers_debrief on debrief_answers (debrief_id);

-- A manager's response to a lesson raised with management (one per answer's
-- "raise" words): will do / already doing / not now, because... It is given in a
-- learning review and shown to the debrief's group.
create table debrief_responses (
    answer_id     bigint primary key references debrief_answers (id) on delete cascade,
    review_id     bigint references reviews (id),
    response      text not null check (response in ('will_do', 'already_doing', 'not_now')),
    because       text not null default '',
    responded_by  bigint references staff (id),
    responded_on  date not null default current_date,
    check (response <> 'not_now' or length(because) > 0)
);

-- Written answers reach the team's reading list (service/reading) like every
-- written answer, which files them under a touchpoint: each team has one
-- touchpoint of kind 'debrief' for that, revoked from the start (its code
-- opens nothing) and left out of every touchpoint list and filter.
create unique index touchpoints_debrief_team on touchpoints (team_id) where contact_kind = 'debrief';

-- Keys the group's pooled answers are shuffled with (a keyed hash, so the order
-- says nothing about who answered first).
insert into instance_keys (name, key)
values ('debriefs', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
