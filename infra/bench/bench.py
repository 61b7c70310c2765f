"""Heard against a bare Litestar app, same server, same database, same run.

    bash infra/bench/run.sh [--duration 15] [--rounds 2] [--connections 64]

1. Starts a fresh PostgreSQL (pgserver in a temporary directory), migrates it
   and makes one touchpoint.
2. Starts Heard with `heard serve --workers 2` (uvicorn, as deployed) and
   infra/bench/bare_app.py with the same uvicorn options and worker count,
   against the same database.
3. Loads each in turn with wrk (a separate process) on 127.0.0.1, alternating
   Heard and bare for --rounds rounds so that other load on the machine hits
   both:
   (a) GET of the respondent's form,
   (b) a full valid submission: POST the form (fields read from the page) with
       a fresh submission id, follow the 303, GET the thank-you page
       (infra/bench/submit.lua; wrk does not follow redirects by itself).
4. Prints requests/s (full submissions/s for (b)), p50/p99 latency and the
   ratio Heard/bare, and checks that every accepted submission was stored.

Bounded: a 3-second warm-up, then --duration seconds per load; about 3
minutes with the defaults, never more than 10 (run.sh enforces it).
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 0.6
TARGET_P99_MS = 100


def wrk(url: str, *, script: str, connections: int, threads: int, duration: float,
        env: dict[str, str] | None = None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(duration)}s", "--timeout", "5s",
               "-s", str(HERE / script), url]
    result = subprocess.run(command, capture_output=True, text=True, env={**harness.os.environ, **(env or {})},
                            timeout=duration + 60, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    return json.loads(line)


def measure(name: str, base: str, code: str, scan: harness.FormScan, args: argparse.Namespace,
            warm: bool) -> dict:
    form_url = f"{base}/t/{code}/form/parent"
    body = harness.form_body(scan, "SUBMISSION").replace("SUBMISSION", "{id}")
    env = {"BENCH_PATH": scan.action, "BENCH_BODY": body}
    if warm:
        wrk(form_url, script="get.lua", connections=args.connections, threads=2, duration=3)
        wrk(base, script="submit.lua", connections=args.connections, threads=args.connections, duration=3,
            env={**env, "BENCH_NONCE": secrets.token_hex(4)})
    figures = {}
    # (a) the form
    get = wrk(form_url, script="get.lua", connections=args.connections, threads=2, duration=args.duration)
    figures["form"] = {"rps": get["requests"] / (get["duration_us"] / 1e6), "p50_ms": get["p50_us"] / 1000,
                       "p99_ms": get["p99_us"] / 1000, "errors": get["status_errors"] + get["socket_errors"]}
    # (b) the full submission: POST + 303 + thank-you page, one person per connection
    nonce = secrets.token_hex(4)
    sub = wrk(base, script="submit.lua", connections=args.connections, threads=args.connections,
              duration=args.duration, env={**env, "BENCH_NONCE": nonce})
    stored = harness.run(stored_with_nonce(args.dsn, nonce))
    figures["submit"] = {"rps": sub["completed"] / (sub["duration_us"] / 1e6), "p50_ms": sub["p50_us"] / 1000,
                         "p99_ms": sub["p99_us"] / 1000, "errors": sub["bad_status"] + sub["socket_errors"],
                         "completed": sub["completed"], "posts": sub["posts"], "stored": stored}
    print(f"  {name:6} form {figures['form']['rps']:6.0f} req/s p50 {figures['form']['p50_ms']:6.1f} ms "
          f"p99 {figures['form']['p99_ms']:6.1f} ms | submissions {figures['submit']['rps']:5.0f}/s "
          f"p50 {figures['submit']['p50_ms']:6.1f} ms p99 {figures['submit']['p99_ms']:6.1f} ms "
          f"({sub['completed']} thank-you pages, {sub['posts']} accepted, {stored} stored, "
          f"{figures['form']['errors'] + figures['submit']['errors']} errors)", flush=True)
    return figures


def combine(rounds: list[dict]) -> dict:
    """Mean of the rounds (throughput, latency percentiles); errors and counts summed."""
    out = {}
    for key in ("form", "submit"):
        items = [r[key] for r in rounds]
        out[key] = {k: (sum(i[k] for i in items) if k in ("errors", "completed", "posts", "stored")
                        else sum(i[k] for i in items) / len(items)) for k in items[0]}
    return out


async def stored_with_nonce(dsn: str, nonce: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval("select count(*) from responses where submission_id::text like $1", nonce + "-%")
    finally:
        await conn.close()


def bare_templates(base: str, code: str, directory: Path) -> None:
    """Heard's own rendered pages as Jinja2 templates: same size, same bytes,
    with the submission id rendered per request."""
    _, form_html = harness.get(f"{base}/t/{code}/form/parent")
    submission_id = harness.FormScan()
    submission_id.feed(form_html)
    parts = form_html.split(submission_id.hidden["submission_id"])
    raw = ["{% raw %}" + part + "{% endraw %}" for part in parts]
    (directory / "form.html").write_text("{{ submission_id }}".join(raw))
    status, thanks_html = harness.get(f"{base}/t/{code}/thanks?lang=en-GB")
    assert status == 200, status
    (directory / "thanks.html").write_text("{% raw %}" + thanks_html + "{% endraw %}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per measurement (default 15)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes, both apps (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds, Heard then bare (default 2)")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60 or not 1 <= args.connections <= 256 or not 1 <= args.rounds <= 5:
        parser.error("--duration 1..60 seconds, --connections 1..256, --rounds 1..5")
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (infra/bench/run.sh does this)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="heard-bench-"))
    postgres = harness.Postgres()
    args.dsn = postgres.create_database("heard_bench")
    code = harness.run(harness.prepare_database(args.dsn))
    print(f"PostgreSQL: {postgres.pgdata}; logs in {work}", flush=True)

    port = harness.free_port()
    heard_base = f"http://127.0.0.1:{port}"
    heard = harness.start_heard(args.dsn, port, work, workers=args.workers)
    with harness.running(heard):
        harness.wait_ready(port, heard)
        scan = harness.scan_form(heard_base, code)
        print(f"Heard (heard serve, {args.workers} workers) at {heard_base}; form fields read from the page: "
              f"{sorted(scan.hidden)} + {sorted(scan.radios)}", flush=True)
        bare_templates(heard_base, code, work)
        touchpoint_id = harness.run(touchpoint_of(args.dsn, code))
        bare_port = harness.free_port()
        bare_base = f"http://127.0.0.1:{bare_port}"
        bare = harness.Process("bare", [str(harness.VENV_BIN / "python"), str(HERE / "bare_app.py"), "--port",
                                        str(bare_port), "--workers", str(args.workers)],
                               {"DATABASE_URL": args.dsn, "BARE_TEMPLATES": str(work),
                                "BARE_TOUCHPOINT_ID": str(touchpoint_id)}, work / "bare.log")
        with harness.running(bare):
            harness.wait_ready(bare_port, bare)
            bare_scan = harness.scan_form(bare_base, code)
            # Both servers stay up (an idle one costs nothing); the load
            # alternates between them so noise on the machine hits both.
            rounds: dict[str, list[dict]] = {"Heard": [], "bare": []}
            for round_number in range(1, args.rounds + 1):
                print(f"round {round_number} of {args.rounds}", flush=True)
                rounds["Heard"].append(measure("Heard", heard_base, code, scan, args, warm=round_number == 1))
                rounds["bare"].append(measure("bare", bare_base, code, bare_scan, args, warm=round_number == 1))
    results = {name: combine(figures) for name, figures in rounds.items()}
    report(results, args)
    return 0


async def touchpoint_of(dsn: str, code: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval("select id from touchpoints where code = $1", code)
    finally:
        await conn.close()


def report(results: dict, args: argparse.Namespace) -> None:
    print()
    print(f"{args.connections} connections, {args.workers} workers, 127.0.0.1; mean of {args.rounds} rounds "
          f"of {args.duration} s each")
    print(f"{'':28}{'Heard':>22}{'bare':>22}{'Heard/bare':>12}")
    ok = True
    for key, title, unit in [("form", "(a) GET respondent form", "req/s"),
                             ("submit", "(b) full submission", "subm/s")]:
        heard, bare = results["Heard"][key], results["bare"][key]
        ratio = heard["rps"] / bare["rps"] if bare["rps"] else 0
        print(f"{title:28}{heard['rps']:>15.0f} {unit:6}{bare['rps']:>15.0f} {unit:6}{ratio:>12.2f}")
        print(f"{'    p50 latency':28}{heard['p50_ms']:>18.1f} ms {bare['p50_ms']:>18.1f} ms")
        print(f"{'    p99 latency':28}{heard['p99_ms']:>18.1f} ms {bare['p99_ms']:>18.1f} ms")
        print(f"{'    errors':28}{heard['errors']:>21} {bare['errors']:>21}")
        met = ratio >= TARGET_RATIO and heard["p99_ms"] < TARGET_P99_MS and heard["errors"] == 0
        ok = ok and met
        print(f"    target: Heard/bare >= {TARGET_RATIO}, p99 < {TARGET_P99_MS} ms, no errors: "
              f"{'met' if met else 'NOT met'}")
    for name in ("Heard", "bare"):
        sub = results[name]["submit"]
        if sub["stored"] < sub["posts"]:
            ok = False
            print(f"    {name}: {sub['posts']} submissions accepted but only {sub['stored']} stored!")
    print("\nall targets met" if ok else "\nsome targets NOT met (see above)")


if __name__ == "__main__":
    sys.exit(main())
