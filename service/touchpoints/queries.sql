-- name: touchpoint_by_code
-- The touchpoint a family's link points at; $1 code. Includes whether it has expired today ($2 today).
select t.id, t.code, t.team_id, tm.name as team_name, t.contact_kind, t.practitioner_id,
       t.survey_id, t.audience, t.language, t.follow_browser_language, t.shared_device, t.idle_seconds,
       case when t.status = 'active' and t.expires_on < $2 then 'expired' else t.status end as status
from touchpoints t
join teams tm on tm.id = t.team_id
where t.code = $1

-- name: insert_touchpoint
-- Create a touchpoint; $1 code, $2 team, $3 contact kind, $4 practitioner or null, $5 survey id,
-- $6 audience or null (ask), $7 language, $8 expires on or null.
insert into touchpoints (code, team_id, contact_kind, practitioner_id, survey_id, audience, language, expires_on)
values ($1, $2, $3, $4, $5, $6, $7, $8)
returning id

-- name: set_touchpoint_status
-- Pause, resume, expire or revoke; $1 code, $2 status.
update touchpoints set status = $2 where code = $1

-- name: touchpoint_by_id
-- One touchpoint for the staff pages; $1 touchpoint id.
select t.id, t.code, t.team_id, tm.name as team_name, t.contact_kind, t.practitioner_id,
       s.display_name as practitioner_name, t.survey_id, t.audience, t.language, t.follow_browser_language,
       t.shared_device, t.status, t.expires_on, t.idle_seconds, t.exit_pin_hash is not null as has_exit_pin
from touchpoints t
join teams tm on tm.id = t.team_id
left join staff s on s.id = t.practitioner_id
where t.id = $1

-- name: team_touchpoint_list
-- A team's touchpoints, or only one practitioner's; $1 team id, $2 practitioner id or null.
select t.id, t.code, t.team_id, tm.name as team_name, t.contact_kind, t.practitioner_id,
       s.display_name as practitioner_name, t.survey_id, t.audience, t.language, t.follow_browser_language,
       t.shared_device, t.status, t.expires_on, t.idle_seconds, t.exit_pin_hash is not null as has_exit_pin
from touchpoints t
join teams tm on tm.id = t.team_id
left join staff s on s.id = t.practitioner_id
where t.team_id = $1 and ($2::bigint is null or t.practitioner_id = $2) and t.contact_kind <> 'debrief' -- debriefs' reading-list touchpoint
order by t.created_at desc, t.id desc

-- name: codes_to_show
-- A practitioner's own touchpoints whose code can be shown now (active, not expired), in the teams they are in;
-- $1 staff id, $2 team ids, $3 today.
select t.id, t.code, t.team_id, tm.name as team_name, t.contact_kind, t.practitioner_id,
       s.display_name as practitioner_name, t.survey_id, t.audience, t.language, t.follow_browser_language,
       t.shared_device, t.status, t.expires_on, t.idle_seconds, t.exit_pin_hash is not null as has_exit_pin
from touchpoints t
join teams tm on tm.id = t.team_id
left join staff s on s.id = t.practitioner_id
where t.practitioner_id = $1 and t.team_id = any($2::bigint[]) and t.contact_kind <> 'debrief'
  and t.status = 'active' and (t.expires_on is null or t.expires_on >= $3)
order by t.team_id, t.created_at desc, t.id desc

-- name: update_touchpoint
-- Change what a touchpoint asks; $1 id, $2 contact kind, $3 practitioner or null, $4 audience or null,
-- $5 language, $6 expires on or null, $7 follow browser language, $8 on a shared device.
update touchpoints
set contact_kind = $2, practitioner_id = $3, audience = $4, language = $5, expires_on = $6,
    follow_browser_language = $7, shared_device = $8
where id = $1

-- name: set_status_by_id
-- Pause, resume, expire or revoke; a revoked touchpoint stays revoked. $1 id, $2 status.
update touchpoints set status = $2 where id = $1 and status <> 'revoked'

-- name: is_team_practitioner
-- Whether a person is a practitioner in a team; $1 team id, $2 staff id.
select exists (select 1 from team_members where team_id = $1 and staff_id = $2 and role = 'practitioner')

-- name: set_exit_pin
-- Set the PIN that takes a shared device out of its touchpoint (stored hashed); $1 id, $2 Argon2id hash.
update touchpoints set exit_pin_hash = $2 where id = $1

-- name: set_idle_seconds
-- How long a shared device waits without a touch before asking "still there?"; $1 id, $2 seconds.
update touchpoints set idle_seconds = $2 where id = $1

-- name: exit_pin_hash
-- The hashed exit PIN of a touchpoint, or null when none was set; $1 touchpoint id.
select exit_pin_hash from touchpoints where id = $1

-- name: device_sent
-- A device sent answers to a shared touchpoint today: remember the day; $1 touchpoint, $2 device id, $3 today.
insert into device_last_sent (touchpoint_id, device_id, last_sent_on) values ($1, $2, $3)
on conflict (touchpoint_id, device_id) do update
set last_sent_on = greatest(device_last_sent.last_sent_on, excluded.last_sent_on)

-- name: devices_last_sent
-- The devices that sent answers to a touchpoint and the last day each did, latest first; $1 touchpoint id.
select device_id, last_sent_on from device_last_sent where touchpoint_id = $1
order by last_sent_on desc, device_id
