-- name: staff_by_email
-- A staff account for signing in; $1 email (lowercase).
select id, email, display_name, password_hash, is_admin, disabled, shares_with_manager, password_is_first,
       password_expires_at, totp_enabled_at is not null as totp_enabled, oidc_subject
from staff where email = $1

-- name: staff_by_id
-- A staff account by id; $1 staff id.
select id, email, display_name, password_hash, is_admin, disabled, shares_with_manager, password_is_first,
       password_expires_at, totp_enabled_at is not null as totp_enabled, oidc_subject
from staff where id = $1

-- name: insert_staff
-- Create a staff account; $1 email, $2 display name, $3 password hash, $4 is admin.
insert into staff (email, display_name, password_hash, is_admin)
values ($1, $2, $3, $4)
returning id

-- name: set_password
-- Replace a password and end every session of the account; $1 staff id, $2 password hash, $3 it is a first
-- password an administrator set, $4 when it stops working (null: never).
with ended as (delete from staff_sessions where staff_id = $1)
update staff set password_hash = $2, password_is_first = $3, password_expires_at = $4 where id = $1

-- name: claim_first_password
-- A first password works once: forget it as it is used, unless another sign-in used it first; $1 staff id,
-- $2 the hash that was checked. Returns the id when this sign-in claimed it.
update staff set password_hash = null where id = $1 and password_hash = $2 and password_is_first
returning id

-- name: set_disabled
-- Disable or re-enable an account; disabling ends its sessions. $1 staff id, $2 disabled.
with ended as (delete from staff_sessions where staff_id = $1 and $2)
update staff set disabled = $2 where id = $1

-- name: set_sharing
-- A practitioner's choice to share their own results with their managers; $1 staff id, $2 shares.
update staff set shares_with_manager = $2 where id = $1

-- name: insert_session
-- Start a session; $1 token hash, $2 staff id, $3 csrf token, $4 expires at, $5 stage ('done' or a step still to do).
insert into staff_sessions (token_hash, staff_id, csrf_token, expires_at, stage)
values ($1, $2, $3, $4, $5)

-- name: session_staff
-- Who a live, fully signed-in session belongs to, unless the account is disabled; $1 token hash.
select s.id, s.email, s.display_name, s.is_admin, s.shares_with_manager, ss.csrf_token
from staff_sessions ss
join staff s on s.id = ss.staff_id
where ss.token_hash = $1 and ss.expires_at > now() and not s.disabled and ss.stage = 'done'

-- name: session_any_stage
-- A live session at whatever stage of signing in it is; $1 token hash.
select s.id, s.email, s.display_name, s.is_admin, ss.csrf_token, ss.stage
from staff_sessions ss
join staff s on s.id = ss.staff_id
where ss.token_hash = $1 and ss.expires_at > now() and not s.disabled

-- name: set_session_stage
-- Move a session on to its next stage, and set how long it lasts; $1 token hash, $2 stage, $3 expires at.
update staff_sessions set stage = $2, expires_at = $3 where token_hash = $1

-- name: delete_session
-- Sign out; $1 token hash.
delete from staff_sessions where token_hash = $1

-- name: memberships
-- The teams a person belongs to and their roles there; $1 staff id.
select tm.team_id, t.name as team_name, array_agg(tm.role order by tm.role) as roles
from team_members tm
join teams t on t.id = tm.team_id
where tm.staff_id = $1
group by tm.team_id, t.name
order by t.name

-- name: record_failure
-- Remember a failed sign-in; $1 subject.
insert into sign_in_failures (subject) values ($1)

-- name: recent_failures
-- Failed sign-ins for a subject since a moment; $1 subject, $2 since.
select count(*) from sign_in_failures where subject = $1 and failed_at > $2

-- name: lock_subject
-- Serialise sign-in attempts for one subject until the transaction ends, so counting and recording a
-- failure are one step however many requests arrive together; $1 subject.
select pg_advisory_xact_lock(hashtextextended('heard-sign-in:' || $1, 0))

-- name: forget_failures
-- Clear an account's failures after it signs in, and drop old rows; $1 subject, $2 older than.
delete from sign_in_failures where subject = $1 or failed_at < $2

-- name: add_membership
-- Give a person a role in a team; $1 team, $2 staff id, $3 role.
insert into team_members (team_id, staff_id, role) values ($1, $2, $3)
on conflict do nothing

-- name: remove_membership
-- Take a role away; $1 team, $2 staff id, $3 role. Returns the staff id when there was such a role.
delete from team_members where team_id = $1 and staff_id = $2 and role = $3
returning staff_id

-- name: insert_team
-- Create a team; $1 name.
insert into teams (name) values ($1) returning id

-- name: all_teams
-- Every team with how many people are in it, for admins.
select t.id, t.name, count(distinct tm.staff_id) as members
from teams t left join team_members tm on tm.team_id = t.id
group by t.id order by t.name

-- name: all_staff
-- Every staff account with their team roles, for admins.
select s.id, s.email, s.display_name, s.is_admin, s.disabled, s.totp_enabled_at is not null as totp_enabled,
       coalesce(array_agg(t.name || ': ' || tm.role order by t.name, tm.role) filter (where tm.role is not null), '{}') as roles,
       coalesce(jsonb_agg(jsonb_build_object('team_id', t.id, 'team_name', t.name, 'role', tm.role)
                          order by t.name, tm.role) filter (where tm.role is not null), '[]') as grants
from staff s
left join team_members tm on tm.staff_id = s.id
left join teams t on t.id = tm.team_id
group by s.id order by s.display_name

-- name: team_people
-- A team's members and roles; $1 team id.
select s.id, s.display_name, s.shares_with_manager, array_agg(tm.role order by tm.role) as roles
from team_members tm join staff s on s.id = tm.staff_id
where tm.team_id = $1 and not s.disabled
group by s.id order by s.display_name

-- name: team_practitioners
-- A team's practitioners (whom a touchpoint may belong to), by name; $1 team id.
select s.id, s.display_name, s.shares_with_manager, array_agg(tm.role order by tm.role) as roles
from team_members tm join staff s on s.id = tm.staff_id
where tm.team_id = $1 and not s.disabled
group by s.id having bool_or(tm.role = 'practitioner') order by s.display_name

-- name: team_names
-- The names of a team's members (to take out of a note before it is kept); $1 team id.
select distinct s.display_name
from team_members tm join staff s on s.id = tm.staff_id
where tm.team_id = $1 and not s.disabled

-- name: audit
-- Record something a staff member did; $1 staff id, $2 action, $3 detail.
insert into audit_log (staff_id, action, detail) values ($1, $2, $3)

-- name: team_by_name
-- A team's id by its exact name; $1 name.
select id from teams where name = $1

-- name: set_admin
-- Make an account an administrator or not; $1 staff id, $2 is admin.
update staff set is_admin = $2 where id = $1

-- name: lock_enabled_admins
-- The enabled administrators, locked until the transaction ends, so two changes at once cannot remove
-- the last one.
select id from staff where is_admin and not disabled order by id for update

-- name: set_totp_secret
-- Start (or restart) setting up two-step verification: a new secret, not yet enabled; $1 staff id, $2 secret.
update staff set totp_secret = $2, totp_enabled_at = null, totp_last_step = null where id = $1

-- name: totp_state
-- An account's two-step secret and whether it is on; $1 staff id.
select totp_secret, totp_enabled_at is not null as enabled from staff where id = $1

-- name: enable_totp
-- Two-step verification is on from now; $1 staff id.
update staff set totp_enabled_at = now() where id = $1 and totp_secret is not null

-- name: disable_totp
-- Two-step verification off: forget the secret and the recovery codes; $1 staff id.
with forgotten as (delete from staff_recovery_codes where staff_id = $1)
update staff set totp_secret = null, totp_enabled_at = null, totp_last_step = null where id = $1

-- name: accept_totp_step
-- Accept a code for one 30-second step only once (a code seen over a shoulder cannot be replayed);
-- $1 staff id, $2 step. Returns the id when accepted.
update staff set totp_last_step = $2
where id = $1 and (totp_last_step is null or totp_last_step < $2)
returning id

-- name: replace_recovery_codes
-- New recovery codes instead of any old ones; $1 staff id, $2 their hashes.
with forgotten as (delete from staff_recovery_codes where staff_id = $1)
insert into staff_recovery_codes (staff_id, code_hash) select $1, unnest($2::text[])

-- name: use_recovery_code
-- A recovery code works once; $1 staff id, $2 its hash. Returns the id when it was a live code.
delete from staff_recovery_codes where staff_id = $1 and code_hash = $2
returning staff_id

-- name: recovery_codes_left
-- How many recovery codes an account has left; $1 staff id.
select count(*) from staff_recovery_codes where staff_id = $1

-- name: insert_oidc_attempt
-- Remember a sign-in started at the organisation's provider; $1 state hash, $2 nonce, $3 PKCE verifier,
-- $4 where to go afterwards, $5 expires at.
insert into oidc_attempts (state_hash, nonce, code_verifier, next_path, expires_at) values ($1, $2, $3, $4, $5)

-- name: take_oidc_attempt
-- The sign-in a provider sends someone back from, used once; forgets expired ones too; $1 state hash.
with expired as (delete from oidc_attempts where expires_at < now() and state_hash <> $1)
delete from oidc_attempts where state_hash = $1 and expires_at > now()
returning nonce, code_verifier, next_path

-- name: set_oidc_subject
-- Link an account to the provider's subject the first time it signs in that way; $1 staff id, $2 subject.
update staff set oidc_subject = $2 where id = $1 and oidc_subject is null

-- name: audit_entries
-- The audit log, newest first, filtered; $1 action or null, $2 who did it (staff id) or null, $3 about whom
-- (staff id in the detail) or null, $4 from (inclusive) or null, $5 until (exclusive) or null, $6 at most.
select a.id, a.at, a.staff_id, s.display_name as actor_name, s.email as actor_email, a.action, a.detail
from audit_log a
left join staff s on s.id = a.staff_id
where ($1::text is null or a.action = $1)
  and ($2::bigint is null or a.staff_id = $2)
  and ($3::bigint is null or a.detail ->> 'staff_id' = $3::bigint::text)
  and ($4::timestamptz is null or a.at >= $4)
  and ($5::timestamptz is null or a.at < $5)
order by a.at desc, a.id desc
limit $6

-- name: audit_actions
-- Every kind of action the audit log holds, for the filter.
select distinct action from audit_log order by action
