-- The staff side: passwords, roles per team, server-side sessions, sign-in
-- throttling, and an audit log.

alter table staff
    add column password_hash text,
    add column is_admin boolean not null default false,
    add column disabled boolean not null default false,
    -- A practitioner's own choice: let their team managers see their own
    -- results. Off by default: this is for their learning, not performance management.
    add column shares_with_manager boolean not null default false;

alter table team_members drop constraint team_members_pkey;
alter table team_members
    add column role text not null default 'practitioner'
        check (role in ('practitioner', 'team_manager', 'safeguarding_lead'));
alter table team_members add primary key (team_id, staff_id, role);
create index team_members_staff on team_members (staff_id);

-- The cookie holds a random token; only its SHA-256 is stored here.
create table staff_sessions (
    token_hash   text primary key,
    staff_id     bigint not null references staff (id),
    csrf_token   text not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null
);
create index staff_sessions_staff on staff_sessions (staff_id);

-- Failed sign-ins, per account and per (hashed) source, kept for a short window.
create table sign_in_failures (
    subject   text not null, -- 'account:<email>' or 'source:<hash>'
    failed_at timestamptz not null default now()
);
create index sign_in_failures_subject on sign_in_failures (subject, failed_at);

create table audit_log (
    id       bigint generated always as identity primary key,
    at       timestamptz not null default now(),
    staff_id bigint references staff (id),
    action   text not null,
    detail   jsonb not null default '{}'
);
