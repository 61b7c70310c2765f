"""How long a learning review's summary takes as a team's responses grow:
10,000, 100,000 and 1,000,000 responses, each in a fresh database.

    .venv/bin/python infra/scale/timing.py                 # embedded PostgreSQL under /tmp/heard-scale
    .venv/bin/python infra/scale/timing.py --sizes 10000 100000
    .venv/bin/python infra/scale/timing.py --server-url postgresql://user@host/postgres   # creates databases there

For each size it creates a database `heard_scale_<n>`, migrates it, generates
n responses for one team over the last two years (infra/scale/generate.py,
one INSERT ... SELECT from generate_series inside PostgreSQL; the team's
touchpoints belong to six practitioners, some sharing with the manager), and
then times, RUNS + 1 times each, what the review page computes through the
figures engine (service.figures.service.review_summary), as the team manager
sees it:

- quarter: the last 3 whole months compared with the 3 months before, with
  comments: about one eighth of the responses in each period, as for a real
  quarterly review;
- everything: the 24 whole months before this one (about every response of
  the team) compared with the 24 before them (empty): the worst case.

The first run of each also counts the period's months into the monthly
rollup (figure_month_counts), as the first opening of a review page does;
the runs after it read the rollup. With --warm the nightly warm-up
(`heard reviews warm`) runs first, so "first" is a first opening on a
deployed system. It prints the first run, then the median and the fastest of
the others, wall-clock, and the CPU time the summary used in this process and
its PostgreSQL backend (read from /proc, so only for a server on this
machine): on a loaded machine the wall clock is mostly waiting for a core.
Run it when the machine is quiet; it prints the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402  (this folder is not a package)

from service.db.pool import _init_connection as init_connection  # noqa: E402
from service.figures import grid  # noqa: E402
from service.figures.service import ReviewSlice, review_summary, warm_rollups  # noqa: E402
from service.settings import REPO_ROOT, load_settings  # noqa: E402
from service.staff.service import start_session, viewer_for_token  # noqa: E402
from service.surveys.loading import load_surveys  # noqa: E402

SURVEY = "after-meeting"  # the survey infra/scale/generate.py answers

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


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds a local PostgreSQL backend has used (None when it is not on this machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _time(pool, surveys, settings, viewer, scope: ReviewSlice) -> tuple[list[float], list[float | None]]:
    """Wall-clock and CPU seconds (this process and its PostgreSQL backend) of [first run, then RUNS more]:
    the first also counts the period's months into the monthly rollup. On a loaded machine the wall clock
    is mostly waiting for a core; CPU time says what the summary itself costs."""
    times, cpu = [], []
    for _ in range(RUNS + 1):
        async with pool.acquire() as conn, conn.transaction():
            backend = conn.get_server_pid()
            server_before, client_before = _backend_cpu(backend), time.process_time()
            started = time.perf_counter()
            result = await review_summary(conn, surveys, viewer=viewer, settings=settings, scope=scope)
            times.append(time.perf_counter() - started)
            server_after = _backend_cpu(backend)
            cpu.append(
                time.process_time() - client_before + server_after - server_before
                if server_before is not None and server_after is not None
                else None
            )
        assert result.responses, "the generated team has responses in the period, shown to its manager"
    return times, cpu


async def measure(
    server_url: str, size: int, today: dt.date, warm: bool = False
) -> dict[str, tuple[list[float], list[float | None]]]:
    dsn = await _fresh(server_url, f"heard_scale_{size}")
    started = time.perf_counter()
    team_id = await generate(dsn, responses=size, days=DAYS, today=today)
    print(f"{size:>9,} responses generated in {time.perf_counter() - started:.1f} s", flush=True)
    surveys = load_surveys(REPO_ROOT / "surveys")
    settings = load_settings({}, database_url=dsn)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1, init=init_connection, command_timeout=3600)
    try:
        async with pool.acquire() as conn:
            manager = await conn.fetchval(
                "select staff_id from team_members where team_id = $1 and role = 'team_manager'", team_id
            )
            viewer = await viewer_for_token(conn, token=(await start_session(conn, staff_id=manager)).token)
        first, last = grid.window(today, grid.REVIEW_MONTHS)
        quarter = ReviewSlice(team_id, first, last, survey_id=SURVEY)
        everything = ReviewSlice(team_id, *grid.window(today, 24), survey_id=SURVEY)
        async with pool.acquire() as conn:
            in_quarter = await conn.fetchval(
                "select count(*) from responses where submitted_on >= $1 and submitted_on < $2",
                first,
                grid.add_months(last, 1),
            )
        print(f"{'':>9} {in_quarter:,} of them in the review quarter", flush=True)
        if warm:  # as the nightly `heard reviews warm` does, before anyone opens a review
            async with pool.acquire() as conn, conn.transaction():
                started = time.perf_counter()
                await warm_rollups(conn, today=today)
            print(f"{'':>9} nightly warm-up took {time.perf_counter() - started:.1f} s", flush=True)
        return {
            "quarter": await _time(pool, surveys, settings, viewer, quarter),
            "everything": await _time(pool, surveys, settings, viewer, everything),
        }
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--server-url",
        help="a PostgreSQL server to create the databases on (default: an embedded one under --data-dir)",
    )
    parser.add_argument("--data-dir", default="/tmp/heard-scale")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="run the nightly warm-up first, so 'first' is a first opening on a deployed system",
    )
    args = parser.parse_args()
    server_url = args.server_url
    if not server_url:
        from service.db.embedded import start_embedded

        server_url = start_embedded(Path(args.data_dir), database="postgres")

    async def run():
        return [(size, await measure(server_url, size, dt.date.today(), args.warm)) for size in args.sizes]

    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    results = asyncio.run(run())
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    def cpu(values: list[float | None]) -> str:
        known = [v for v in values if v is not None]
        return f"{statistics.median(known):.3f} s" if known else "?"

    print(
        f"\n{'responses':>10}  {'period':>10}  {'first':>8}  {'then median':>11}  {'fastest':>8}"
        f"  {'CPU first':>9}  {'CPU then (median)':>17}"
    )
    for size, found in results:
        for period in ("quarter", "everything"):
            wall, used = found[period]
            print(
                f"{size:>10,}  {period:>10}  {wall[0]:>6.3f} s  {statistics.median(wall[1:]):>9.3f} s"
                f"  {min(wall[1:]):>6.3f} s  {cpu(used[:1]):>9}  {cpu(used[1:]):>17}"
            )


if __name__ == "__main__":
    main()
