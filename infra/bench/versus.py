"""Heard at this checkout against Heard at another commit: same machine, same run, same database.

    .venv/bin/python infra/bench/versus.py COMMIT [--rounds 6] [--duration 5] [--loads submit,form]

The benchmark (bench.py) holds Heard to a bare app. Its figures move by a tenth or more between runs on a
shared machine, so it cannot show whether a change made Heard a few percent cheaper. This runs the two
versions side by side instead:
- COMMIT is checked out in a temporary git worktree (its catalogs compiled, node_modules borrowed from
  this checkout);
- both are started as `heard serve` starts Heard (uvicorn, 2 workers) against one fresh PostgreSQL, migrated
  by this checkout (so COMMIT must have the same migrations);
- each load (bench.py's: "form", "submit", "text") runs on one version, then the other, the order swapped
  every round.

It prints, per load, each version's server CPU per request (both workers) and requests per second, the ratio
this/COMMIT (the median of the rounds' pairs), and PostgreSQL's CPU and transactions per request. An A/A run
(`versus.py HEAD` on a clean checkout) shows the spread to expect between two identical versions.

Bounded: about (3 s warm-up + duration x rounds) per load and version; 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness
from bench import measure, warm_up

LOADS = ("form", "submit", "text")


def checkout(commit: str, directory: Path) -> None:
    """COMMIT in its own worktree, ready to run with this checkout's virtual environment."""
    subprocess.run(
        ["git", "worktree", "add", "--quiet", "--detach", str(directory), commit], cwd=harness.REPO, check=True
    )
    (directory / "node_modules").symlink_to(harness.REPO / "node_modules")
    subprocess.run(
        [str(harness.VENV_BIN / "python"), "-m", "service", "i18n", "compile"],
        cwd=directory,
        env={**harness.os.environ, "PYTHONPATH": str(directory)},
        check=True,
        capture_output=True,
    )


def remove(directory: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(directory)], cwd=harness.REPO, check=False)


def start_other(dsn: str, port: int, work: Path, directory: Path, workers: int) -> harness.Process:
    """COMMIT's Heard, started as harness.start_heard starts this one, but as `python -m service serve` from its
    worktree: the working directory and PYTHONPATH make `service` the worktree's package, in the workers too."""
    environment = {**harness.heard_environment(dsn, port), "PYTHONPATH": str(directory)}
    command = [str(harness.VENV_BIN / "python"), "-m", "service", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    return harness.Process("other", command, environment, work / "other.log", cwd=directory)


def postgres_cpu(postmaster: int) -> float:
    """CPU seconds PostgreSQL has used: the postmaster, its live backends, and those that have exited (counted
    by the postmaster when it reaps them); a backend that exits while being read is skipped."""
    import psutil

    root = psutil.Process(postmaster)
    times = root.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in root.children():
        with contextlib.suppress(psutil.NoSuchProcess):
            child_times = child.cpu_times()
            total += child_times.user + child_times.system
    return total


async def transactions(dsn: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval("select xact_commit from pg_stat_database where datname = current_database()")
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commit", help="the other version: a commit, branch or tag")
    parser.add_argument("--rounds", type=int, default=6, help="rounds; each load on both, order swapped (default 6)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per load and version (default 5)")
    parser.add_argument("--loads", default="submit,form", help=f"comma-separated, of {', '.join(LOADS)}")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    args = parser.parse_args()
    loads = args.loads.split(",")
    if not set(loads) <= set(LOADS) or not 1 <= args.rounds <= 12 or not 1 <= args.duration <= 30:
        parser.error(f"--loads of {', '.join(LOADS)}; --rounds 1..12; --duration 1..30")
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (infra/bench/run.sh does this)", file=sys.stderr)
        return 2
    args.work = Path(tempfile.mkdtemp(prefix="heard-versus-"))
    args.profile, args.windows, args.workers = None, [], 2
    directory = args.work / "other"
    checkout(args.commit, directory)
    try:
        return compare(args, loads, directory)
    finally:
        remove(directory)


def compare(args: argparse.Namespace, loads: list[str], directory: Path) -> int:
    postgres = harness.Postgres(prefix="heard-versus-pg-")
    args.dsn = postgres.create_database("heard_versus")
    code = harness.run(harness.prepare_database(args.dsn))
    postmaster = int((postgres.pgdata / "postmaster.pid").read_text().split()[0])
    ours_port, other_port = harness.free_port(), harness.free_port()
    ours = harness.start_heard(args.dsn, ours_port, args.work, workers=args.workers)
    other = start_other(args.dsn, other_port, args.work, directory, args.workers)
    # bench.measure checks the safeguarding queue for the app named "Heard" only: this checkout's
    name = {"this": "Heard", "other": f"Heard at {args.commit}"}
    with harness.running(ours, other):
        servers = {}
        for key, port, process in (("this", ours_port, ours), ("other", other_port, other)):
            harness.wait_ready(port, process)
            base = f"http://127.0.0.1:{port}"
            servers[key] = (base, harness.scan_form(base, code), process.pid)
            warm_up(name[key], base, code, servers[key][1], args)
        figures: dict[str, dict[str, list[dict]]] = {key: {load: [] for load in loads} for key in servers}
        for round_number in range(args.rounds):
            order = ["this", "other"] if round_number % 2 == 0 else ["other", "this"]
            for load in loads:
                for key in order:
                    base, scan, pid = servers[key]
                    pg_cpu, xacts = postgres_cpu(postmaster), harness.run(transactions(args.dsn))
                    result = measure(name[key], load, base, code, scan, args, pid, first=False)
                    time.sleep(0.6)  # PostgreSQL publishes its counters every half second
                    count = max(result.get("completed") or round(result["rps"] * args.duration), 1)
                    result["pg_cpu_ms"] = 1000 * (postgres_cpu(postmaster) - pg_cpu) / count
                    result["xacts"] = (harness.run(transactions(args.dsn)) - xacts) / count
                    figures[key][load].append(result)
    return report(args, loads, figures)


def report(args: argparse.Namespace, loads: list[str], figures: dict[str, dict[str, list[dict]]]) -> int:
    print(
        f"\nthis checkout against {args.commit}: {args.rounds} rounds of {args.duration} s, {args.connections} "
        "connections, 2 workers each; medians of the rounds"
    )
    print(f"{'':28}{'this':>12}{args.commit[:12]:>14}{'this/other':>12}")
    for load in loads:
        this, other = figures["this"][load], figures["other"][load]

        def median(rows: list[dict], key: str) -> float:
            return statistics.median(row[key] for row in rows)

        cpu = [a["cpu_ms"] / b["cpu_ms"] for a, b in zip(this, other)]
        rps = [a["rps"] / b["rps"] for a, b in zip(this, other)]
        print(f"{load}")
        print(
            f"  {'server CPU per request, ms':26}{median(this, 'cpu_ms'):12.3f}{median(other, 'cpu_ms'):14.3f}"
            f"{statistics.median(cpu):12.2f}   each round: {' '.join(f'{r:.2f}' for r in cpu)}"
        )
        print(
            f"  {'requests per second':26}{median(this, 'rps'):12.0f}{median(other, 'rps'):14.0f}"
            f"{statistics.median(rps):12.2f}   each round: {' '.join(f'{r:.2f}' for r in rps)}"
        )
        print(f"  {'PostgreSQL CPU per request':26}{median(this, 'pg_cpu_ms'):12.3f}{median(other, 'pg_cpu_ms'):14.3f}")
        print(f"  {'transactions per request':26}{median(this, 'xacts'):12.2f}{median(other, 'xacts'):14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
