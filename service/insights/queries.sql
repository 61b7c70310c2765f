-- name: held_batches
-- Bursts waiting for a manager's decision: touchpoint and day, how many answers; $1 team id.
select r.touchpoint_id, t.contact_kind, s.display_name as practitioner_name, r.submitted_on, count(*)::int as n
from responses r
join touchpoints t on t.id = r.touchpoint_id
left join staff s on s.id = t.practitioner_id
where t.team_id = $1 and r.held and not r.held_reviewed
group by 1, 2, 3, 4
order by r.submitted_on desc
