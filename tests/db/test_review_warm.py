"""The nightly warm-up fills every team's weekly rollup, so a first review opening reads no raw week."""

import datetime as dt

from service.reviews import queries
from service.reviews.summary import warm_rollups
from tests import factories


async def test_warming_rolls_up_every_ended_week_of_every_team(client, pool):
    team = await factories.team(pool)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await factories.responses(pool, touchpoint, [{"listened": 4}] * 7, days_ago=20)
    await factories.responses(pool, touchpoint, [{"listened": 2}] * 3, days_ago=40)
    today = dt.date.today()

    async with pool.acquire() as conn, conn.transaction():
        teams = await warm_rollups(conn, today=today)
        rolled = await queries.rolled_weeks(conn, team_id=team, first=today - dt.timedelta(weeks=104), end=today)

    assert teams >= 1
    assert sorted(w.responses for w in rolled if w.touchpoint_id == touchpoint.id) == [3, 7]
