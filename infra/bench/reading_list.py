"""How long the reading list's first screen takes with 10,000 unread items in one team.

    .venv/bin/python infra/bench/reading_list.py            # embedded PostgreSQL in a temporary directory
    .venv/bin/python infra/bench/reading_list.py --items 50000 --runs 30

It makes a fresh database, migrates it, and loads (one INSERT ... SELECT from
generate_series inside PostgreSQL) a team with --items unread items (one in
twenty flagged, arrival spread over the last two weeks, a few hundred words
each), as many closed ones, and a second team as busy, so the index has
company. Then it times, server-side, what GET /staff/reading does after the
session check: the service call (the first 20 items, the unread count and the
oldest, deadlines, and the audit-log entry, in one transaction) plus rendering
the page, over --runs runs after two warm-up runs, and prints the median and
the maximum in milliseconds. The target is a first screen in under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).parent))

from harness import Postgres, prepare_database  # noqa: E402  (this folder is not a package)

LOAD = """
insert into reading_items (team_id, touchpoint_id, kind, body, categories, audience, language, arrived_on, arrived_at,
                           outcome, closed_at, closed_by, waited_hours, on_time)
select $1, $2, 'answer',
       repeat('They listened to me and the plan makes sense now, thank you. ', 5) || n,
       case when n % 20 = 0 then array['unsafe'] else '{}'::text[] end,
       'parent', 'en-GB', (now() - make_interval(mins => n % 20160))::date,
       case when $3 then null else now() - make_interval(mins => n % 20160) end,
       case when $3 then 'read' end, case when $3 then now() end, case when $3 then $4::bigint end,
       case when $3 then 1 end, case when $3 then true end
from generate_series(1, $5) as n
"""


async def load(dsn: str, items: int) -> tuple[int, int]:
    """The team to read, and the reader's staff id."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            team, touchpoint = await conn.fetchrow("select team_id, id from touchpoints limit 1")
            reader = await conn.fetchval(
                "insert into staff (email, display_name) values ('reader@bench.example', 'Rhian Reader') returning id"
            )
            await conn.execute(
                "insert into team_members (team_id, staff_id, role) values ($1, $2, 'reader')", team, reader
            )
            other = await conn.fetchval("insert into teams (name) values ('Another team') returning id")
            await conn.execute(
                "insert into touchpoints (code, team_id, contact_kind, survey_id) "
                "values ('bbbbbbbbbbbbb', $1, 'home_visit', 'after-meeting')",
                other,
            )
            other_touchpoint = await conn.fetchval("select id from touchpoints where team_id = $1", other)
            await conn.execute(LOAD, team, touchpoint, False, reader, items)
            await conn.execute(LOAD, team, touchpoint, True, reader, items)
            await conn.execute(LOAD, other, other_touchpoint, False, reader, items)
        await conn.execute("vacuum analyze")  # as autovacuum would have done by the time a reader looks
        return team, reader
    finally:
        await conn.close()


async def time_first_screen(dsn: str, team: int, reader: int, runs: int) -> list[float]:
    from service.app import create_app
    from service.db.pool import create_pool, transaction
    from service.reading import service
    from service.reading.routes import _context
    from service.safeguarding.hours import WorkingWeek
    from service.settings import load_settings
    from service.staff.queries import Membership, SessionStaff
    from service.staff.service import Viewer
    from service.web.templating import render

    settings = load_settings({}, database_url=dsn, log_level="WARNING")
    create_app(settings)  # sets the templates' globals (static files, triage hours) as the server does
    state = type("State", (), {"settings": settings})()
    staff = SessionStaff(
        id=reader,
        email="reader@bench.example",
        display_name="Rhian Reader",
        is_admin=False,
        shares_with_manager=False,
        csrf_token="x",
    )
    viewer = Viewer(staff, {team: Membership(team, "Benchmark team", ["reader"])})
    week = WorkingWeek.of(settings)
    pool = await create_pool(dsn, min_size=1, max_size=2)
    timings = []
    try:
        for run in range(runs + 2):
            started = time.perf_counter()
            async with transaction(pool) as conn:
                screen = await service.first_screen(
                    conn, viewer=viewer, week=week, within_hours=settings.read_within_hours
                )
            html = render(
                "reading/list.html", viewer=viewer, screen=screen, outcomes_for=service.outcomes_for, **_context(state)
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert len(screen.items) == 20 and screen.unread >= 10_000 and "Reading list" in html
            if run >= 2:  # the first two warm the caches (plans, templates)
                timings.append(elapsed)
    finally:
        await pool.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="unread items in the team (default 10,000)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs (default 20)")
    args = parser.parse_args()
    postgres = Postgres(prefix="heard-bench-reading-")
    dsn = postgres.create_database("heard_reading_bench")
    asyncio.run(prepare_database(dsn))
    loaded = time.perf_counter()
    team, reader = asyncio.run(load(dsn, args.items))
    print(
        f"loaded {args.items:,} unread items (+{args.items:,} closed, +{args.items:,} in another team) "
        f"in {time.perf_counter() - loaded:.1f} s"
    )
    timings = asyncio.run(time_first_screen(dsn, team, reader, args.runs))
    print(
        f"reading list first screen (service + render, server-side), {len(timings)} runs: "
        f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms (target: under 100 ms)"
    )


if __name__ == "__main__":
    main()
