"""Suppression on real summaries: for random response sets, no figure a page
or export shows reveals a count from 1 to k-1, directly or by subtracting
shown figures from a shown total."""

import csv
import datetime as dt
import io
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.insights.export import summary_csv
from service.insights.queries import Filter
from service.insights.service import summary
from tests import factories

K_TEAM, K_PRACTITIONER = 5, 10
TODAY = dt.date.today()


def _check_row(counts, total, k):
    """Shown counts are 0 or >= k; the hidden ones add up to 0 or >= k."""
    shown = [c for c in counts if c is not None]
    assert all(c == 0 or c >= k for c in shown), counts
    hidden_sum = total - sum(shown)
    assert hidden_sum == 0 or hidden_sum >= k, (counts, total)


def _check_summary(result, k):
    if result.hidden:
        assert result.questions == [] and result.by_audience == []
        return
    assert result.responses >= k
    _check_row([c.count for c in result.by_audience], result.responses, k)
    if result.by_touchpoint:
        shown = [c.count for c in result.by_touchpoint]
        assert all(c is None or c == 0 or c >= k for c in shown)
    for period in result.periods:
        assert period.responses >= k, "every period shown has at least k responses"
    assert sum(p.responses for p in result.periods) == result.responses
    for view in result.questions:
        _check_row([c.count for c in view.cells], result.responses, k)


answer = st.fixed_dictionaries({}, optional={
    "listened": st.integers(1, 5), "understood": st.integers(1, 5), "respect": st.integers(1, 5),
    "better": st.integers(1, 5), "contact": st.sampled_from(["yes", "no", "not_sure"])})
response = st.tuples(st.integers(0, 2), st.integers(1, 90), answer)  # (touchpoint, days ago, answers)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(response, min_size=0, max_size=60))
async def test_team_and_practitioner_summaries_never_reveal_small_counts(client, pool, app, responses):
    team = await factories.team(pool)
    sharer = await factories.staff(pool, team_id=team, shares=True)
    private = await factories.staff(pool, team_id=team)
    touchpoints = [
        await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=sharer),
        await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=private),
        await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None),
    ]
    for index, days, answers in responses:
        await factories.responses(pool, touchpoints[index], [answers], days_ago=days)

    async with pool.acquire() as conn:
        team_view = await summary(conn, app.state.surveys, scope=Filter(team_id=team), today=TODAY, k=K_TEAM,
                                  touchpoint_ids=[t.id for t in touchpoints], breakdown_k=K_PRACTITIONER)
        own_view = await summary(conn, app.state.surveys, scope=Filter(team_id=team, practitioner_id=private),
                                 today=TODAY, k=K_PRACTITIONER)

    _check_summary(team_view, K_TEAM)
    _check_summary(own_view, K_PRACTITIONER)
    shown_touchpoints = [c.count for c in team_view.by_touchpoint]
    if not team_view.hidden:
        _check_row(shown_touchpoints, team_view.responses, K_TEAM)
    for row in team_view.breakdown or []:
        assert row.responses is None or row.responses >= K_PRACTITIONER
        assert row.practitioner_id == sharer, "only the practitioner who shares is broken down"
    exported = list(csv.reader(io.StringIO(summary_csv(team_view, team_name="t", hidden_label="hidden"))))
    for row in exported[1:]:
        assert row[5] == "hidden" or int(row[5]) == 0 or int(row[5]) >= K_TEAM


async def test_only_whole_weeks_that_have_ended_are_counted(client, pool, app):
    team = await factories.team(pool)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())  # this week so far is left out
    await factories.responses(pool, touchpoint, [{"listened": 5}] * 6, on=monday)
    await factories.responses(pool, touchpoint, [{"listened": 1}] * 7, on=monday - dt.timedelta(days=1))

    async with pool.acquire() as conn:
        result = await summary(conn, app.state.surveys, scope=Filter(team_id=team), today=TODAY, k=K_TEAM)

    assert result.responses == 7
    assert result.window.end == monday


async def test_summary_counts_equal_independent_sql(client, pool, app):
    team = await factories.team(pool)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    rng = random.Random(3)
    answers = [{"listened": rng.randint(1, 5), "respect": rng.randint(1, 5)} for _ in range(200)]
    await factories.responses(pool, touchpoint, answers, days_ago=20)

    async with pool.acquire() as conn:
        result = await summary(conn, app.state.surveys, scope=Filter(team_id=team), today=TODAY, k=K_TEAM)
        positive = await conn.fetchval(
            "select count(*) from responses where touchpoint_id = $1 and (answers->>'listened')::int >= 4",
            touchpoint.id)

    listened = next(v for v in result.questions if v.question.id == "listened")
    assert listened.cells[0].count == positive
    assert result.responses == 200
