"""The demo shows a newcomer reflection and the culture pulse: a few reflections for one practitioner (one shared
with her manager) and two quarters of pulse answers, shown to the team with the change between them."""

from __future__ import annotations

from service.culture.service import pulse_for
from service.demo import DEMO_TEAM, load_demo
from service.figures import grid
from service.figures.pulse import ended_quarter
from service.reflection import service as reflection
from service.surveys.loading import load_surveys
from service.surveys.service import record_versions
from tests import factories


async def test_the_demo_loads_reflections_and_two_quarters_of_culture_pulse(new_database, settings):
    from service.db.migrate import migrate
    from service.db.pool import create_pool

    dsn = await new_database()  # a database of its own: the demo team is made once per database
    await migrate(dsn)
    pool = await create_pool(dsn, min_size=1, max_size=2)
    registry = load_surveys(settings.surveys_dir)
    today = settings.today()
    try:
        async with pool.acquire() as conn:
            await record_versions(conn, registry)
            await load_demo(conn, registry, base_url="https://heard.example.org", today=today, responses=150)
            team = await conn.fetchval("select id from teams where name = $1", DEMO_TEAM)
            amira, sam, tom = [
                await conn.fetchval("select id from staff where email = $1", f"{who}@demo.heard.invalid")
                for who in ("amira.khan", "sam.okafor", "tom.evans")
            ]
            own, _ = await reflection.journal(conn, staff_id=amira)
            _, shared_with_sam = await reflection.journal(conn, staff_id=sam)
            _, shared_with_tom = await reflection.journal(conn, staff_id=tom)
        viewer = await factories.viewer(pool, sam)
        first, last = ended_quarter(grid.last_whole_month(today))
        async with pool.acquire() as conn:
            culture = await pulse_for(
                conn, registry, viewer=viewer, settings=settings, team_id=team, first=first, last=last
            )
    finally:
        await pool.close()

    assert len(own) == 3
    assert [e.title for e in shared_with_sam] == ["Conference where dad walked out"] and shared_with_tom == []
    assert culture.responses is not None and culture.previous_responses is not None
    assert any(s.share is not None and s.previous is not None for s in culture.statements)
