-- name: staff_by_email
-- A staff account for signing in; $1 email (lowercase).
select id, email, display_name, password_hash, is_admin, disabled, shares_with_manager
from staff where email = $1

-- name: insert_staff
-- Create a staff account; $1 email, $2 display name, $3 password hash, $4 is admin.
insert into staff (email, display_name, password_hash, is_admin)
values ($1, $2, $3, $4)
returning id

-- name: set_password
-- Replace a password and end every session of the account; $1 staff id, $2 password hash.
with ended as (delete from staff_sessions where staff_id = $1)
update staff set password_hash = $2 where id = $1

-- name: set_disabled
-- Disable or re-enable an account; disabling ends its sessions. $1 staff id, $2 disabled.
with ended as (delete from staff_sessions where staff_id = $1 and $2)
update staff set disabled = $2 where id = $1

-- name: set_sharing
-- A practitioner's choice to share their own results with their managers; $1 staff id, $2 shares.
update staff set shares_with_manager = $2 where id = $1

-- name: insert_session
-- Start a session; $1 token hash, $2 staff id, $3 csrf token, $4 expires at.
insert into staff_sessions (token_hash, staff_id, csrf_token, expires_at)
values ($1, $2, $3, $4)

-- name: session_staff
-- Who a live session belongs to, unless the account is disabled; $1 token hash.
select s.id, s.email, s.display_name, s.is_admin, s.shares_with_manager, ss.csrf_token
from staff_sessions ss
join staff s on s.id = ss.staff_id
where ss.token_hash = $1 and ss.expires_at > now() and not s.disabled

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

-- name: forget_failures
-- Clear an account's failures after it signs in, and drop old rows; $1 subject, $2 older than.
delete from sign_in_failures where subject = $1 or failed_at < $2

-- name: add_membership
-- Give a person a role in a team; $1 team, $2 staff id, $3 role.
insert into team_members (team_id, staff_id, role) values ($1, $2, $3)
on conflict do nothing

-- name: remove_membership
-- Take a role away; $1 team, $2 staff id, $3 role.
delete from team_members where team_id = $1 and staff_id = $2 and role = $3

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
select s.id, s.email, s.display_name, s.is_admin, s.disabled,
       coalesce(array_agg(t.name || ': ' || tm.role order by t.name, tm.role) filter (where tm.role is not null), '{}') as roles
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

-- name: audit
-- Record something a staff member did; $1 staff id, $2 action, $3 detail.
insert into audit_log (staff_id, action, detail) values ($1, $2, $3)

-- name: team_by_name
-- A team's id by its exact name; $1 name.
select id from teams where name = $1
