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
from collections import Counter
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


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by a server and its worker processes."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def measure(name: str, base: str, code: str, scan: harness.FormScan, args: argparse.Namespace,
            warm: bool, pid: int) -> dict:
    form_url = f"{base}/t/{code}/form/parent"
    body = harness.form_body(scan, "SUBMISSION").replace("SUBMISSION", "{id}")
    env = {"BENCH_PATH": scan.action, "BENCH_BODY": body}
    if warm:
        wrk(form_url, script="get.lua", connections=args.connections, threads=2, duration=3)
        wrk(base, script="submit.lua", connections=args.connections, threads=args.connections, duration=3,
            env={**env, "BENCH_NONCE": secrets.token_hex(4)})
    figures = {}
    profiling = args.profile is not None and name == "Heard" and warm
    # (a) the form
    spy = start_profile(args, "form") if profiling else None
    cpu = server_cpu(pid)
    get = wrk(form_url, script="get.lua", connections=args.connections, threads=2, duration=args.duration)
    cpu = server_cpu(pid) - cpu
    finish_profile(spy)
    figures["form"] = {"rps": get["requests"] / (get["duration_us"] / 1e6), "p50_ms": get["p50_us"] / 1000,
                       "p99_ms": get["p99_us"] / 1000, "errors": get["status_errors"] + get["socket_errors"],
                       "cpu_ms": 1000 * cpu / max(get["requests"], 1)}
    # (b) the full submission: POST + 303 + thank-you page, one person per connection
    nonce = secrets.token_hex(4)
    spy = start_profile(args, "submit") if profiling else None
    cpu = server_cpu(pid)
    sub = wrk(base, script="submit.lua", connections=args.connections, threads=args.connections,
              duration=args.duration, env={**env, "BENCH_NONCE": nonce})
    cpu = server_cpu(pid) - cpu
    finish_profile(spy)
    stored = harness.run(stored_with_nonce(args.dsn, nonce))
    figures["submit"] = {"rps": sub["completed"] / (sub["duration_us"] / 1e6), "p50_ms": sub["p50_us"] / 1000,
                         "p99_ms": sub["p99_us"] / 1000, "errors": sub["bad_status"] + sub["socket_errors"],
                         "completed": sub["completed"], "posts": sub["posts"], "stored": stored,
                         "cpu_ms": 1000 * cpu / max(sub["completed"], 1)}
    print(f"  {name:6} form {figures['form']['rps']:6.0f} req/s p50 {figures['form']['p50_ms']:6.1f} ms "
          f"p99 {figures['form']['p99_ms']:6.1f} ms cpu {figures['form']['cpu_ms']:.2f} ms/req | "
          f"submissions {figures['submit']['rps']:5.0f}/s p50 {figures['submit']['p50_ms']:6.1f} ms "
          f"p99 {figures['submit']['p99_ms']:6.1f} ms cpu {figures['submit']['cpu_ms']:.2f} ms/subm "
          f"({sub['completed']} thank-you pages, {sub['posts']} accepted, {stored} stored; errors: "
          f"form {get['status_errors']} status + {get['socket_errors']} socket, submissions {sub['bad_status']} "
          f"status + {sub['socket_errors']} socket)", flush=True)
    return figures


def start_profile(args: argparse.Namespace, what: str) -> tuple[subprocess.Popen, Path] | None:
    """py-spy on Heard's workers for the length of one load (sampling, no restart)."""
    out = args.profile / f"heard-{what}.txt"
    command = [args.py_spy, "record", "--pid", str(args.heard_pid), "--subprocesses", "--nonblocking", "--format",
               "raw", "--rate", "200", "--duration", str(args.duration), "-o", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out


def finish_profile(spy: tuple[subprocess.Popen, Path] | None) -> None:
    if spy is None:
        return
    process, out = spy
    process.wait(timeout=60)
    if out.exists():
        print(f"    profile {out}:")
        for line in summarise_profile(out):
            print("      " + line)


def summarise_profile(path: Path, top: int = 14) -> list[str]:
    """Share of the workers' samples spent in (below) each of our functions
    and templates, and in the libraries' main entry points."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if "spawn_main" not in stack:  # the uvicorn supervisor, not a worker
            continue
        n = int(count)
        total += n
        seen = set()
        for frame in stack.split(";"):
            match = re.match(r"(.+?) \((.+?):\d+\)", frame)
            if not match:
                continue
            function, file = match.groups()
            if "/service/" in file or file.endswith(".html"):
                key = f"{function} ({file.split('/service/')[-1] if '/service/' in file else file})"
            elif "asyncpg" in file:
                key = "asyncpg (all)"
            elif "jinja2" in file or "markupsafe" in file:
                key = "jinja2 + markupsafe (all)"
            elif "uvicorn" in file:
                key = "uvicorn (all)"
            else:
                continue
            if key not in seen:
                seen.add(key)
                inclusive[key] += n
    if not total:
        return ["(no samples)"]
    return [f"{100 * n / total:5.1f}%  {key}" for key, n in inclusive.most_common(top)]


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
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="sample Heard's workers with py-spy during round 1 and write the stacks to DIR "
                             "(py-spy from PATH or $PY_SPY)")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60 or not 1 <= args.connections <= 256 or not 1 <= args.rounds <= 5:
        parser.error("--duration 1..60 seconds, --connections 1..256, --rounds 1..5")
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (infra/bench/run.sh does this)", file=sys.stderr)
        return 2

    if args.profile is not None:
        args.py_spy = harness.os.environ.get("PY_SPY") or shutil.which("py-spy")
        if not args.py_spy:
            print("--profile needs py-spy (pip install py-spy into any venv; set PY_SPY to its path)", file=sys.stderr)
            return 2
        args.profile.mkdir(parents=True, exist_ok=True)

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
        args.heard_pid = heard.pid
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
                rounds["Heard"].append(measure("Heard", heard_base, code, scan, args, round_number == 1, heard.pid))
                rounds["bare"].append(measure("bare", bare_base, code, bare_scan, args, round_number == 1, bare.pid))
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
        print(f"{'    server CPU per ' + ('request' if key == 'form' else 'submission'):28}"
              f"{heard['cpu_ms']:>18.2f} ms {bare['cpu_ms']:>18.2f} ms{heard['cpu_ms'] / bare['cpu_ms']:>12.2f}")
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
