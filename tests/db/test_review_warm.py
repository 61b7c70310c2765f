"""The nightly warm-up fills every team's monthly rollup, so a first review opening reads no raw month."""

import datetime as dt

from service.figures import grid, queries
from service.figures.service import warm_rollups
from tests import factories


async def test_warming_rolls_up_every_ended_month_of_every_team(client, pool):
    team = await factories.team(pool)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    today = dt.date.today()
    last = grid.last_whole_month(today)
    await factories.responses(pool, touchpoint, [{"listened": 4}] * 7, on=last.replace(day=3))
    await factories.responses(pool, touchpoint, [{"listened": 2}] * 3, on=grid.add_months(last, -1).replace(day=20))

    async with pool.acquire() as conn, conn.transaction():
        teams = await warm_rollups(conn, today=today)
        rolled = await queries.rolled_months(
            conn, team_id=team, first=grid.add_months(last, -23), end=grid.add_months(last, 1)
        )

    assert teams >= 1
    assert sorted(m.responses for m in rolled if m.touchpoint_id == touchpoint.id) == [3, 7]
