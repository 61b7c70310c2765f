"""How long a learning review's summary takes as a team's responses grow:
10,000, 100,000 and 1,000,000 responses, each in a fresh database.

    .venv/bin/python infra/scale/timing.py                 # embedded PostgreSQL under /tmp/heard-scale
    .venv/bin/python infra/scale/timing.py --sizes 10000 100000
    .venv/bin/python infra/scale/timing.py --server-url postgresql://user@host/postgres   # creates databases there

For each size it creates a database `heard_scale_<n>`, migrates it, generates
n responses for one team over the last two years (infra/scale/generate.py,
one INSERT ... SELECT from generate_series inside PostgreSQL), and then times,
six times each, what the review page computes:

- quarter: the summary of the last 13 whole weeks compared with the 13 weeks
  before (the previous review), with comments: about one eighth of the
  responses in each period, as for a real quarterly review;
- everything: a summary whose period holds every response of the team
  (two years), compared with the two years before (empty): the worst case.

The first run of each also counts the period's ended weeks into the weekly
rollup (review_week_counts), as the first opening of a review page does; the
runs after it read the rollup. It prints the first run, then the median and
the fastest of the others. Timings are wall-clock on this machine, whatever
else is running; run it when the machine is quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402  (this folder is not a package)

from service.db.pool import _init_connection as init_connection  # noqa: E402
from service.reviews.queries import Scope  # noqa: E402
from service.reviews.service import default_period  # noqa: E402
from service.reviews.summary import review_summary, warm_rollups  # noqa: E402
from service.settings import REPO_ROOT  # noqa: E402
from service.surveys.loading import load_surveys  # noqa: E402

DAYS = 730
RUNS = 5


def _database(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path="/" + name))


async def _fresh(server_url: str, name: str) -> str:
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'drop database if exists "{name}"')
        await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()
    return _database(server_url, name)


async def _time(pool, surveys, scope: Scope, previous: Scope) -> list[float]:
    """[first run, then RUNS more]: the first also counts the period's ended weeks into the weekly rollup."""
    times = []
    for _ in range(RUNS + 1):
        async with pool.acquire() as conn, conn.transaction():
            started = time.perf_counter()
            result = await review_summary(conn, surveys, scope=scope, k=5, previous_scope=previous)
            times.append(time.perf_counter() - started)
        assert result.responses, "the generated team has responses in the period"
    return times


async def measure(server_url: str, size: int, today: dt.date, warm: bool = False) -> dict[str, list[float]]:
    dsn = await _fresh(server_url, f"heard_scale_{size}")
    started = time.perf_counter()
    team_id = await generate(dsn, responses=size, days=DAYS, today=today)
    print(f"{size:>9,} responses generated in {time.perf_counter() - started:.1f} s", flush=True)
    surveys = load_surveys(REPO_ROOT / "surveys")
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1, init=init_connection, command_timeout=3600)
    try:
        start, last = default_period(today)
        quarter = Scope(team_id, start, last + dt.timedelta(days=1))
        before = Scope(team_id, start - dt.timedelta(weeks=13), start)
        everything = Scope(team_id, today - dt.timedelta(days=DAYS + 1), last + dt.timedelta(days=1))
        earlier = Scope(team_id, everything.start - dt.timedelta(days=DAYS), everything.start)
        async with pool.acquire() as conn:
            in_quarter = await conn.fetchval("select count(*) from responses where submitted_on >= $1 "
                                             "and submitted_on < $2", quarter.start, quarter.end)
        print(f"{'':>9} {in_quarter:,} of them in the review quarter", flush=True)
        if warm:  # as the nightly `heard reviews warm` does, before anyone opens a review
            async with pool.acquire() as conn, conn.transaction():
                started = time.perf_counter()
                await warm_rollups(conn, today=today)
            print(f"{'':>9} nightly warm-up took {time.perf_counter() - started:.1f} s", flush=True)
        return {"quarter": await _time(pool, surveys, quarter, before),
                "everything": await _time(pool, surveys, everything, earlier)}
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--server-url", help="a PostgreSQL server to create the databases on "
                                             "(default: an embedded one under --data-dir)")
    parser.add_argument("--data-dir", default="/tmp/heard-scale")
    parser.add_argument("--warm", action="store_true",
                        help="run the nightly warm-up first, so 'first' is a first opening on a deployed system")
    args = parser.parse_args()
    server_url = args.server_url
    if not server_url:
        from service.db.embedded import start_embedded

        server_url = start_embedded(Path(args.data_dir), database="postgres")

    async def run() -> list[tuple[int, dict[str, list[float]]]]:
        return [(size, await measure(server_url, size, dt.date.today(), args.warm)) for size in args.sizes]

    results = asyncio.run(run())
    print(f"\n{'responses':>10}  {'quarter: first':>14}  {'then median':>11}  {'fastest':>7}"
          f"  {'everything: first':>17}  {'then median':>11}  {'fastest':>7}")
    for size, times in results:
        q, e = times["quarter"], times["everything"]
        print(f"{size:>10,}  {q[0]:>12.3f} s  {statistics.median(q[1:]):>9.3f} s  {min(q[1:]):>5.3f} s"
              f"  {e[0]:>15.3f} s  {statistics.median(e[1:]):>9.3f} s  {min(e[1:]):>5.3f} s")


if __name__ == "__main__":
    main()
