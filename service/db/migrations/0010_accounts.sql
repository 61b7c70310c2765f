-- Staff accounts a council's IT can sign off: first passwords that work once
-- and expire, two-step verification (TOTP) with hashed recovery codes,
-- sessions that are part-way through signing in, single sign-on through
-- OpenID Connect, and an audit log that can be read by date.

alter table staff
    -- A password an administrator set (and so has seen): it works once, only
    -- to choose a new one, and not after password_expires_at.
    add column password_is_first boolean not null default false,
    add column password_expires_at timestamptz,
    -- RFC 6238 secret (base32). Set but not enabled while someone is enrolling.
    add column totp_secret text,
    add column totp_enabled_at timestamptz,
    -- The last 30-second step a code was accepted for: a code is never accepted twice.
    add column totp_last_step bigint,
    -- The OpenID Connect subject ("sub") an account was first signed in with.
    add column oidc_subject text;
create unique index staff_oidc_subject on staff (oidc_subject) where oidc_subject is not null;

-- Recovery codes: only their SHA-256 (they are long random strings); each works once.
create table staff_recovery_codes (
    staff_id  bigint not null references staff (id),
    code_hash text not null,
    primary key (staff_id, code_hash)
);

-- What a session still needs before it opens staff pages: 'code' (a two-step
-- code), 'new_password' (replace a first password), 'enrol' (set up two-step
-- verification), or nothing more ('done').
alter table staff_sessions add column stage text not null default 'done'
    check (stage in ('code', 'new_password', 'enrol', 'done'));

-- OpenID Connect: one row per sign-in started at the provider, used once.
create table oidc_attempts (
    state_hash    text primary key,
    nonce         text not null,
    code_verifier text not null,
    next_path     text not null,
    expires_at    timestamptz not null
);

create index audit_log_at on audit_log (at);
