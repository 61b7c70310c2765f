-- name: response_counts
-- Responses per period, audience and touchpoint for a team, optionally only one practitioner's touchpoints.
-- $1 team id, $2 practitioner id or null, $3 window start, $4 window end (exclusive), $5 touchpoint id or null,
-- $6 audience or null, $7 period length in days.
select ((r.submitted_on - $3::date) / $7::int)::int as period, r.audience, r.touchpoint_id, count(*)::int as n
from responses r
join touchpoints t on t.id = r.touchpoint_id
where t.team_id = $1 and not r.held
  and ($2::bigint is null or t.practitioner_id = $2)
  and r.submitted_on >= $3 and r.submitted_on < $4
  and ($5::bigint is null or r.touchpoint_id = $5)
  and ($6::text is null or r.audience = $6)
group by 1, 2, 3

-- name: answer_counts
-- Closed answers counted per period, audience, survey, question and value; same parameters as response_counts.
select ((r.submitted_on - $3::date) / $7::int)::int as period, r.audience, r.survey_id,
       a.key as question_id, a.value #>> '{}' as value, count(*)::int as n
from responses r
join touchpoints t on t.id = r.touchpoint_id
cross join lateral jsonb_each(r.answers) a
where t.team_id = $1 and not r.held
  and ($2::bigint is null or t.practitioner_id = $2)
  and r.submitted_on >= $3 and r.submitted_on < $4
  and ($5::bigint is null or r.touchpoint_id = $5)
  and ($6::text is null or r.audience = $6)
group by 1, 2, 3, 4, 5

-- name: shared_practitioner_counts
-- For a team manager: closed answers per practitioner, ONLY for practitioners who chose to share.
-- $1 team id, $2 window start, $3 window end (exclusive).
select t.practitioner_id, s.display_name, r.audience, r.survey_id, a.key as question_id,
       a.value #>> '{}' as value, count(*)::int as n
from responses r
join touchpoints t on t.id = r.touchpoint_id
join staff s on s.id = t.practitioner_id and s.shares_with_manager
cross join lateral jsonb_each(r.answers) a
where t.team_id = $1 and not r.held and r.submitted_on >= $2 and r.submitted_on < $3
group by 1, 2, 3, 4, 5, 6

-- name: shared_practitioner_responses
-- Responses per sharing practitioner (and how many came from everyone else); $1 team, $2 start, $3 end.
select case when s.shares_with_manager then t.practitioner_id end as practitioner_id,
       case when s.shares_with_manager then s.display_name end as display_name,
       count(*)::int as n
from responses r
join touchpoints t on t.id = r.touchpoint_id
left join staff s on s.id = t.practitioner_id
where t.team_id = $1 and not r.held and r.submitted_on >= $2 and r.submitted_on < $3
group by 1, 2

-- name: team_touchpoints
-- A team's touchpoints for labels and filters; $1 team id.
select t.id, t.code, t.contact_kind, t.audience, t.status, t.practitioner_id, s.display_name as practitioner_name,
       coalesce(s.shares_with_manager, false) as practitioner_shares
from touchpoints t left join staff s on s.id = t.practitioner_id
where t.team_id = $1
order by t.created_at, t.id

-- name: free_texts
-- Written answers in a view, in a stable shuffled order (never by time), leaving out anything in the
-- safeguarding queue; same parameters as response_counts except $7, the most to return.
select f.question_id, f.body
from free_text_answers f
join responses r on r.id = f.response_id and r.submitted_on = f.submitted_on
join touchpoints t on t.id = r.touchpoint_id
where t.team_id = $1 and not r.held
  and ($2::bigint is null or t.practitioner_id = $2)
  and r.submitted_on >= $3 and r.submitted_on < $4
  and f.submitted_on >= $3 and f.submitted_on < $4 -- (the same dates: only those months' free text is read)
  and ($5::bigint is null or r.touchpoint_id = $5)
  and ($6::text is null or r.audience = $6)
  and not exists (select 1 from safeguarding_items s where s.response_id = r.id)
order by md5(f.response_id::text || f.question_id)
limit $7

-- name: held_batches
-- Bursts waiting for a manager's decision: touchpoint and day, how many answers; $1 team id.
select r.touchpoint_id, t.contact_kind, s.display_name as practitioner_name, r.submitted_on, count(*)::int as n
from responses r
join touchpoints t on t.id = r.touchpoint_id
left join staff s on s.id = t.practitioner_id
where t.team_id = $1 and r.held and not r.held_reviewed
group by 1, 2, 3, 4
order by r.submitted_on desc

-- name: decide_held
-- A manager includes a held day's answers in the results, or keeps them out; $1 team, $2 touchpoint, $3 day,
-- $4 include.
update responses r set held = not $4, held_reviewed = true
from touchpoints t
where t.id = r.touchpoint_id and t.team_id = $1 and r.touchpoint_id = $2 and r.submitted_on = $3 and r.held
