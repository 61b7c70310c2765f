-- name: touchpoint_by_code
-- The touchpoint a family's link points at; $1 code. Includes whether it has expired today ($2 today).
select t.id, t.code, t.team_id, tm.name as team_name, t.contact_kind, t.practitioner_id,
       t.survey_id, t.audience, t.language, t.follow_browser_language,
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
