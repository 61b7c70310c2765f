"""The demo loads one closed debrief with a raised lesson waiting for the manager, so a newcomer sees it."""

import datetime as dt

from service.db.migrate import migrate
from service.db.pool import create_pool
from service.debriefs import service as debriefs
from service.demo import DEMO_TEAM, load_demo
from service.settings import load_settings
from service.surveys.loading import load_surveys
from service.surveys.service import record_versions


async def test_the_demo_loads_a_closed_debrief_with_a_raised_lesson(new_database):
    url = await new_database()
    await migrate(url)
    surveys = load_surveys(load_settings({}).surveys_dir)
    pool = await create_pool(url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await record_versions(conn, surveys)
            await load_demo(conn, surveys, base_url="https://heard.example.org", today=dt.date.today(), responses=20)
        async with pool.acquire() as conn:
            team_id = await conn.fetchval("select id from teams where name = $1", DEMO_TEAM)
            row = await conn.fetchrow("select id, name from debriefs where team_id = $1", team_id)
            found = await debriefs.debrief(conn, debrief_id=row["id"], today=dt.date.today())
            waiting = await debriefs.waiting(conn, team_id=team_id, today=dt.date.today())
    finally:
        await pool.close()

    assert found.closed and found.answered == 4
    assert [w.lesson.lesson for w in waiting] == [
        "Partner agencies need the conference report three working days before, every time."
    ]
    assert waiting[0].days > 0
