-- name: day_fingerprints
-- Responses not held back, per touchpoint and day of a team, from $2 to before $3; $1 team. All responses minus
-- held ones, so both counts come from indexes alone (no table reads); months are added up in Python.
select touchpoint_id, day, sum(n)::int as responses
from (
    select r.touchpoint_id, r.submitted_on as day, count(*) as n
    from touchpoints t
    join responses r on r.touchpoint_id = t.id and r.submitted_on >= $2 and r.submitted_on < $3
    where t.team_id = $1
    group by 1, 2
    union all
    select r.touchpoint_id, r.submitted_on, -count(*)
    from touchpoints t
    join responses r on r.touchpoint_id = t.id and r.held and r.submitted_on >= $2 and r.submitted_on < $3
    where t.team_id = $1
    group by 1, 2
) counts
group by 1, 2

-- name: lock_rollup
-- Bring one team's monthly counts up to date one transaction at a time (released at commit); $1 team id.
select pg_advisory_xact_lock(hashtextextended('heard-figures-rollup:' || $1::bigint, 0))

-- name: rolled_months
-- The touchpoint-months already counted in figure_month_counts, with their response counts; $1 team, $2 first
-- month, $3 the month after the last.
select m.touchpoint_id, m.month, m.responses
from figure_months m
join touchpoints t on t.id = m.touchpoint_id
where t.team_id = $1 and m.month >= $2 and m.month < $3

-- name: forget_months
-- Drop the counts of touchpoint-months that changed or emptied; $1 touchpoint ids, $2 months (pairwise).
with gone as (
    delete from figure_month_counts c
    using unnest($1::bigint[], $2::date[]) as k(touchpoint_id, month)
    where c.touchpoint_id = k.touchpoint_id and c.month = k.month
)
delete from figure_months m
using unnest($1::bigint[], $2::date[]) as k(touchpoint_id, month)
where m.touchpoint_id = k.touchpoint_id and m.month = k.month

-- name: roll_months
-- Count these touchpoint-months into figure_month_counts per atom (practitioner and contact kind at answer time,
-- audience, survey), each count with the sum of its responses' record keys; rows with question_id '' count
-- responses. Identical answer sets are counted first, so each is taken apart once. $1 touchpoint ids, $2 months,
-- $3 their response counts (pairwise).
with wanted as (
    select * from unnest($1::bigint[], $2::date[], $3::int[]) as k(touchpoint_id, month, responses)
), sets as (
    select r.touchpoint_id, k.month, r.practitioner_id, r.contact_kind, r.audience, r.survey_id, r.answers,
           count(*)::int as n, sum(r.record_key)::bigint as key_sum
    from wanted k
    join responses r on r.touchpoint_id = k.touchpoint_id and r.submitted_on >= k.month
                    and r.submitted_on < (k.month + interval '1 month')::date and not r.held
    group by 1, 2, 3, 4, 5, 6, 7
), counted as (
    insert into figure_month_counts (touchpoint_id, month, practitioner_id, contact_kind, audience, survey_id,
                                     question_id, value, n, key_sum)
    select s.touchpoint_id, s.month, s.practitioner_id, s.contact_kind, s.audience, s.survey_id, e.key,
           e.value #>> '{}', sum(s.n)::int, sum(s.key_sum)::bigint
    from sets s cross join lateral jsonb_each(s.answers) e
    group by 1, 2, 3, 4, 5, 6, 7, 8
    union all
    select s.touchpoint_id, s.month, s.practitioner_id, s.contact_kind, s.audience, s.survey_id, '', '',
           sum(s.n)::int, sum(s.key_sum)::bigint
    from sets s
    group by 1, 2, 3, 4, 5, 6
)
insert into figure_months (touchpoint_id, month, responses)
select touchpoint_id, month, responses from wanted
on conflict (touchpoint_id, month) do update set responses = excluded.responses

-- name: atom_counts
-- A team's counts per atom and measure for whole months, from the rollup; $1 team, $2 first month, $3 the month
-- after the last.
select c.month, c.touchpoint_id, c.practitioner_id, c.contact_kind, c.audience, c.survey_id, c.question_id,
       c.value, sum(c.n)::int as n, sum(c.key_sum)::bigint as key_sum
from figure_month_counts c
join touchpoints t on t.id = c.touchpoint_id
where t.team_id = $1 and c.month >= $2 and c.month < $3
group by 1, 2, 3, 4, 5, 6, 7, 8

-- name: sharing
-- Which of these staff share their results with their managers, with their names; $1 staff ids.
select id, display_name, shares_with_manager from staff where id = any($1::bigint[])

-- name: team_staff_names
-- Display names of a team's staff, kept by the redactor (feedback about "Sarah" the worker is legitimate); $1 team.
select distinct s.display_name from staff s join team_members m on m.staff_id = s.id where m.team_id = $1

-- name: comments
-- Written answers of a slice, with the same response's closed answers (to tell praise from criticism), in an order
-- that says nothing about arrival: a hash of the words keyed by the response's secret record key. Never their
-- dates or ids. Answers that went to the safeguarding queue stay there. $1 team, $2 the months (first days) to read,
-- $3 audience or null, $4 contact kind (at answer time) or null, $5 touchpoint or null, $6 practitioner (at answer
-- time) or null, $7 how many, $8 the survey (staff's culture pulse answers never mix with families').
select f.question_id, f.body, r.survey_id, r.audience, r.answers
from free_text_answers f
join responses r on r.id = f.response_id and r.submitted_on = f.submitted_on
join touchpoints t on t.id = r.touchpoint_id
where t.team_id = $1 and not r.held
  and f.submitted_on >= (select min(m) from unnest($2::date[]) m)
  and f.submitted_on < (select max(m) from unnest($2::date[]) m) + interval '1 month'
  and date_trunc('month', f.submitted_on)::date = any($2::date[])
  and ($3::text is null or r.audience = $3)
  and ($4::text is null or r.contact_kind = $4)
  and ($5::bigint is null or r.touchpoint_id = $5)
  and ($6::bigint is null or r.practitioner_id = $6)
  and r.survey_id = $8
  and not exists (select 1 from safeguarding_items s where s.response_id = f.response_id)
order by md5(f.question_id || ':' || f.body || ':' || r.record_key::text), md5(f.body)
limit $7

-- name: review_slice
-- A review's team, months, focus and survey; $1 review id.
select v.team_id, v.period_start, v.period_end, v.focus_kind, v.focus_audience, v.survey_id
from reviews v where v.id = $1

-- name: team_reviews
-- A team's review ids (each is an output staff may open); $1 team id.
select id from reviews where team_id = $1 order by id

-- name: all_team_ids
-- Every team, for jobs that keep each team's monthly rollup current.
select id from teams order by id

-- name: atom_counts_live
-- The same as atom_counts, read straight from the responses (for the read replica, where nothing is rolled up):
-- $1 team, $2 first day, $3 the day after the last.
with sets as (
    select date_trunc('month', r.submitted_on)::date as month, r.touchpoint_id, r.practitioner_id, r.contact_kind,
           r.audience, r.survey_id, r.answers, count(*)::int as n, sum(r.record_key)::bigint as key_sum
    from responses r
    join touchpoints t on t.id = r.touchpoint_id
    where t.team_id = $1 and not r.held and r.submitted_on >= $2 and r.submitted_on < $3
    group by 1, 2, 3, 4, 5, 6, 7
)
select s.month, s.touchpoint_id, s.practitioner_id, s.contact_kind, s.audience, s.survey_id, e.key as question_id,
       e.value #>> '{}' as value, sum(s.n)::int as n, sum(s.key_sum)::bigint as key_sum
from sets s cross join lateral jsonb_each(s.answers) e
group by 1, 2, 3, 4, 5, 6, 7, 8
union all
select s.month, s.touchpoint_id, s.practitioner_id, s.contact_kind, s.audience, s.survey_id, '', '',
       sum(s.n)::int, sum(s.key_sum)::bigint
from sets s
group by 1, 2, 3, 4, 5, 6

-- name: team_shape
-- Which months, contact kinds (at answer time) and audiences a team's counted responses have, from $2 to before
-- $3; $1 team, $4 the survey. What a viewer may ask for is enumerated only where figures are not all zero
-- (requests_for).
select distinct date_trunc('month', r.submitted_on)::date as month, r.contact_kind, r.audience
from responses r
join touchpoints t on t.id = r.touchpoint_id
where t.team_id = $1 and not r.held and r.submitted_on >= $2 and r.submitted_on < $3 and r.survey_id = $4
