"""Heard against a bare Litestar app, same server, same database, same run.

    bash infra/bench/run.sh [--duration 15] [--rounds 2] [--connections 64]

1. Starts a fresh PostgreSQL (pgserver in a temporary directory), migrates it
   and makes one touchpoint.
2. Starts Heard with `heard serve --workers 2` (uvicorn, as deployed) and
   infra/bench/bare_app.py with the same uvicorn options and worker count,
   against the same database.
3. Loads each in turn with wrk (a separate process) on 127.0.0.1 for --rounds
   rounds; each load runs on Heard and on bare back to back, Heard first in
   odd rounds and bare first in even ones, so that the machine's own swings
   (a factor of two within minutes on a shared VM) fall on both of a pair
   (with the open loop, the control of step 5 runs them too, on bare's other
   side, and its ratio to bare is printed: two identical apps, closed loop):
   (a) GET of the respondent's form,
   (b) a full valid submission: POST the form (fields read from the page) with
       a fresh submission id, follow the 303, GET the thank-you page
       (infra/bench/submit.lua; wrk does not follow redirects by itself).
   (c) the same with free text: every 3rd submission writes in the text box,
       every 5th of those something that may disclose harm (screened, queued
       for the safeguarding lead, and its thank-you page reads the reading list).
4. Prints requests/s (full submissions/s for (b), (c)), p50/p99 latency (mean
   of the rounds) and the ratio Heard/bare (the median of the rounds' pairs,
   each printed), and checks the SETS of submission ids: submit.lua logs every
   id it sends, every 303 and every thank-you page (which must carry the
   thank-you heading); every accepted id must be stored exactly once, no id may
   be stored that was never sent, and with free text, every stored answer that
   carried text has it stored apart (both apps) and queued when flagged (Heard).
5. Open loop (infra/bench/openloop.py driving wrk with openloop.lua,
   --open-seconds, 0 to skip): requests at a fixed rate, each connection on its
   own clock schedule, 50% and 80% of the bare app's closed-loop capacity
   measured above, form GET and full submission; the apps take turns, each
   app's seconds at a rate sent in short windows, one app at a time, in every
   order of the apps in turn (openloop.take_turns); latency from each
   request's due time; prints p50/p90/p99/p99.9 and Heard/bare. At 50% the
   seconds are sent in three draws, each with a fresh wrk and fresh
   connections (bench.OPEN_DRAWS), every app's connections spread evenly over
   its workers (openloop.SPREAD), and a control takes its turns too: the bare app a second time ("bare again", same
   code, its own processes, through the same closed-loop loads before), whose
   p99 against bare's shows how far apart two identical apps come out in this
   run. Heard's requests slower than its 95th
   percentile are written, with the UTC time each was due, to
   slow-requests.tsv in the log folder (line them up with a --profile or the
   server's log to find what made the tail).

Exits 1 when a target is missed or anything is lost, doubled or unexplained:
targets Heard/bare >= 0.8 (the median of the rounds' pairs) and p99 < 100 ms
(the mean of the rounds') closed loop with no errors, and open
loop at 50% of capacity Heard's p99 within 1.2x bare's with no errors, judged
cycle by cycle (the median of the cycles' p99 ratios, all draws together; a
cycle is one window of each app in every order of the apps, openloop.cycles_of). That
last one counts as met only when the control is within 1.2x of bare too:
otherwise the run could not have told a 1.2x difference from the machine's own
spread, and it says "NOT shown".
HEARD_PLANTED_FAULT (see infra/bench/faulty_app.py) runs it against a
deliberately broken Heard, to show that it fails.

Bounded: a 3-second warm-up, then --duration seconds per load; about 9
minutes with the defaults, never more than 12 (run.sh enforces it).
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote_plus

import harness
import openloop

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 0.8  # the bar the project holds Heard to, closed loop: form GET, full submission, and with text
TARGET_P99_MS = 100
WRK_NICE = ["nice", "-n", "10"]  # closed-loop wrk's priority (see wrk())
TARGET_OPEN_P99_RATIO = 1.2  # open loop at 50% of bare's capacity: Heard's p99 / bare's
CONTROL = "bare again"  # the open loop's control: a second, identical bare app (see open_loop)
OPEN_FRACTIONS = (0.5, 0.8)
# The 50% loads run in this many draws, each with a fresh wrk and fresh connections. How an app's 64
# connections fall to its two workers (from 54/10 to 30/34 here) and which of them share a worker is drawn once
# per wrk and holds for the whole draw: in one 60 s draw of two identical bare apps, one came out slower in 14
# cycles of 15 (2026-12-04). More cycles within one draw do not wash that out; more draws do.
OPEN_DRAWS = 3
TEXT_FIELD = "q_anything_else"
TEXT = "The worker came on time and explained the plan clearly. Thank you."
FLAGGED_TEXT = "My dad hits me when he is angry and I am scared to go home."
TEXT_EVERY, FLAG_EVERY = 3, 5
THANKS_MARK = "<h1>Thank you</h1>"  # the thank-you page's heading (en-GB): an error page has another
# submit.lua's free text: every TEXT_EVERY-th submission writes TEXT, every FLAG_EVERY-th of those FLAGGED_TEXT.
TEXT_ENV = {
    "BENCH_TEXT_FIELD": TEXT_FIELD,
    "BENCH_TEXT_EVERY": str(TEXT_EVERY),
    "BENCH_FLAG_EVERY": str(FLAG_EVERY),
    "BENCH_TEXT": quote_plus(TEXT),
    "BENCH_FLAGGED_TEXT": quote_plus(FLAGGED_TEXT),
}


def wrk(
    url: str, *, script: str, connections: int, threads: int, duration: float, env: dict[str, str] | None = None
) -> dict:
    command = [
        # The load generator yields the CPU to the servers and their database, as if it ran on another machine:
        # its 64 threads would otherwise take turns with the workers on 2 shared cores, and a worker made to wait
        # holds up every request it has in flight (the same for both apps).
        *WRK_NICE,
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(duration)}s",
        "--timeout",
        "5s",
        "-s",
        str(HERE / script),
        url,
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**harness.os.environ, **(env or {})},
        timeout=duration + 60,
        check=True,
    )
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


def submission_body(scan: harness.FormScan) -> str:
    """The filled-in form with `{id}` where each submission's id goes (submit.lua and openloop.lua fill it)."""
    return harness.form_body(scan, "SUBMISSION").replace("SUBMISSION", "{id}")


def submit_env(scan: harness.FormScan, nonce: str, *, text: bool) -> dict[str, str]:
    """submit.lua's environment: where to post, what, the thank-you heading to expect, and (c)'s free text."""
    return {
        "BENCH_PATH": scan.action or "",
        "BENCH_BODY": submission_body(scan),
        "BENCH_THANKS_MARK": THANKS_MARK,
        "BENCH_NONCE": nonce,
        **(TEXT_ENV if text else {}),
    }


def warm_up(name: str, base: str, code: str, scan: harness.FormScan, args: argparse.Namespace) -> None:
    """A few seconds of each load before anything is measured (and a written answer to every worker)."""
    harness.warm_screening(base, scan, TEXT_FIELD, [TEXT, FLAGGED_TEXT], args.workers)
    wrk(f"{base}/t/{code}/form/parent", script="get.lua", connections=args.connections, threads=2, duration=3)
    wrk(
        base,
        script="submit.lua",
        connections=args.connections,
        threads=args.connections,
        duration=3,
        env=submit_env(scan, secrets.token_hex(4), text=True),
    )
    print(f"  {name:6} warmed up", flush=True)


def measure(
    name: str,
    key: str,
    base: str,
    code: str,
    scan: harness.FormScan,
    args: argparse.Namespace,
    pid: int,
    first: bool,
) -> dict:
    """One load on one app for --duration seconds: (a) "form", (b) "submit" or (c) "text". The first round's
    loads are profiled (--profile) and their times kept for the stall report (--stalls)."""
    spy = start_profile(args, f"{name.lower()}-{key}", pid) if first and args.profile is not None else None
    cpu = server_cpu(pid)
    since = time.time()
    if key == "form":
        get = wrk(
            f"{base}/t/{code}/form/parent",
            script="get.lua",
            connections=args.connections,
            threads=2,
            duration=args.duration,
        )
        cpu = server_cpu(pid) - cpu
        finish_profile(spy)
        if first:
            args.windows.append((name, "closed loop, form", since, time.time()))
        figures = {
            "rps": get["requests"] / (get["duration_us"] / 1e6),
            "p50_ms": get["p50_us"] / 1000,
            "p99_ms": get["p99_us"] / 1000,
            "errors": get["status_errors"] + get["socket_errors"],
            "cpu_ms": 1000 * cpu / max(get["requests"], 1),
        }
        print(
            f"  {name:6} form {figures['rps']:6.0f} req/s p50 {figures['p50_ms']:6.1f} ms "
            f"p99 {figures['p99_ms']:6.1f} ms cpu {figures['cpu_ms']:.2f} ms/req "
            f"(errors {get['status_errors']} status + {get['socket_errors']} socket)",
            flush=True,
        )
        return figures
    # (b) the full submission: POST + 303 + thank-you page, one person per connection; (c) with free text
    nonce = secrets.token_hex(4)
    log = args.work / f"ids-{name}-{key}-{nonce}.txt"
    sub = wrk(
        base,
        script="submit.lua",
        connections=args.connections,
        threads=args.connections,
        duration=args.duration,
        env={**submit_env(scan, nonce, text=key == "text"), "BENCH_LOG": str(log)},
    )
    cpu = server_cpu(pid) - cpu
    finish_profile(spy)
    if first:
        args.windows.append((name, f"closed loop, {key}", since, time.time()))
    sent, accepted, thanked, with_text = read_id_log(log, nonce)
    check = harness.run(
        check_stored(
            args.dsn,
            nonce,
            sent,
            accepted,
            thanked,
            with_text if key == "text" else None,
            free_text_table=True,  # both store written answers apart; only Heard screens them
            screened=name == "Heard",
            in_flight_allowed=args.connections,
        )
    )
    figures = {
        "rps": sub["completed"] / (sub["duration_us"] / 1e6),
        "p50_ms": sub["p50_us"] / 1000,
        "p99_ms": sub["p99_us"] / 1000,
        "errors": sub["bad_status"] + sub["socket_errors"],
        "completed": sub["completed"],
        "posts": sub["posts"],
        "stored": check["stored"],
        "cpu_ms": 1000 * cpu / max(sub["completed"], 1),
        "problems": check["problems"],
    }
    print(
        f"  {name:6} {'submissions' if key == 'submit' else 'with text  '} {figures['rps']:5.0f}/s "
        f"p50 {figures['p50_ms']:6.1f} ms p99 {figures['p99_ms']:6.1f} ms cpu "
        f"{figures['cpu_ms']:.2f} ms/subm ({len(sent)} sent, {len(accepted)} accepted, "
        f"{len(thanked)} thank-you pages, {check['stored']} stored; errors {sub['bad_status']} status + "
        f"{sub['socket_errors']} socket)",
        flush=True,
    )
    if key == "text":  # which flows make the tail: no words, words, words the flagger caught
        calm, text, flagged = (us / 1000 for us in sub["p99_by_kind_us"])
        counts = sub["count_by_kind"]
        print(
            f"         p99 by what was sent: no text {calm:.1f} ms ({counts[0]}), text {text:.1f} ms ({counts[1]}), "
            f"flagged text {flagged:.1f} ms ({counts[2]})",
            flush=True,
        )
    for problem in check["problems"]:
        print(f"    {name}: {problem}", flush=True)
    return figures


def read_id_log(path: Path, nonce: str) -> tuple[set[str], set[str], set[str], dict[str, int]]:
    """Every id submit.lua sent, had accepted (303) and thanked (the thank-you page
    with its heading); and which sent ids carried text (1) or flagged text (2)."""
    sent, accepted, thanked, with_text = set(), set(), set(), {}
    for line in path.read_text().splitlines():
        kind, thread, seq = line.split()
        if kind == "S":
            for n in range(1, int(seq) + 1):
                sent.add(openloop.submission_id(nonce, int(thread), n))
        else:
            (accepted if kind == "A" else thanked).add(openloop.submission_id(nonce, int(thread), int(seq)))
    for ident in sent:
        if kind := text_kind(int(ident.rsplit("-", 1)[1], 16)):
            with_text[ident] = kind
    return sent, accepted, thanked, with_text


def text_kind(n: int) -> int:
    """What the n-th submission of load (c) writes (submit.lua's text_kind): 0 nothing, 1 TEXT, 2 FLAGGED_TEXT."""
    if n % TEXT_EVERY:
        return 0
    return 2 if (n // TEXT_EVERY) % FLAG_EVERY == 0 else 1


async def check_stored(
    dsn: str,
    nonce: str,
    sent: set[str],
    accepted: set[str],
    thanked: set[str],
    with_text: dict[str, int] | None,
    *,
    free_text_table: bool,
    screened: bool = True,
    in_flight_allowed: int = 256,
) -> dict:
    """Compare the stored submission ids with the ids sent: nothing accepted is
    lost, nothing stored twice, nothing stored that was never sent, every
    accepted submission thanked; and (Heard, free text) every stored answer that
    carried text has it stored, flagged text queued too. An id sent when time ran
    out may be stored without its 303 having been read (at most one a connection)."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        pattern = nonce + "-%"
        rows = await conn.fetch(
            "select submission_id::text as id, count(*) as n from responses "
            "where submission_id::text like $1 group by 1",
            pattern,
        )
        texts = (
            {
                r["id"]
                for r in await conn.fetch(
                    "select distinct r.submission_id::text as id from responses r join free_text_answers f "
                    "on f.response_id = r.id where r.submission_id::text like $1",
                    pattern,
                )
            }
            if free_text_table
            else set()
        )
        queued = (
            {
                r["id"]
                for r in await conn.fetch(
                    "select distinct r.submission_id::text as id from responses r join safeguarding_items s "
                    "on s.response_id = r.id where r.submission_id::text like $1",
                    pattern,
                )
            }
            if free_text_table and screened
            else set()
        )
    finally:
        await conn.close()
    stored = {row["id"]: row["n"] for row in rows}
    problems = []
    lost = accepted - stored.keys()
    doubled = [i for i, n in stored.items() if n > 1]
    unknown = stored.keys() - sent
    unanswered = (stored.keys() & sent) - accepted
    # A thank-you page that came back wrong is an error (wrk's bad status count); one still on its way when
    # time ran out is not (at most one a connection).
    unthanked = accepted - thanked
    if lost:
        problems.append(f"{len(lost)} accepted submissions not stored (lost), e.g. {sorted(lost)[0]}")
    if doubled:
        problems.append(f"{len(doubled)} submission ids stored more than once, e.g. {sorted(doubled)[0]}")
    if unknown:
        problems.append(f"{len(unknown)} stored submission ids were never sent, e.g. {sorted(unknown)[0]}")
    if len(unanswered) > in_flight_allowed:
        problems.append(f"{len(unanswered)} stored submissions were never answered with a 303")
    if len(unthanked) > in_flight_allowed:
        problems.append(f"{len(unthanked)} accepted submissions got no proper thank-you page (status or heading)")
    if free_text_table and with_text:
        should_text = {i for i in stored if with_text.get(i)}
        should_queue = {i for i in stored if with_text.get(i) == 2}
        if should_text - texts or texts - should_text:
            problems.append(
                f"free text: {len(should_text - texts)} stored answers lost their text, "
                f"{len(texts - should_text)} have text never sent"
            )
        if screened and (should_queue - queued or queued - should_queue):
            problems.append(
                f"flagged text: {len(should_queue - queued)} not queued for safeguarding, "
                f"{len(queued - should_queue)} queued that were not flagged"
            )
        if not should_queue:
            problems.append("no flagged text was stored: the variant did not measure screening")
    return {"stored": sum(stored.values()), "problems": problems}


def start_profile(args: argparse.Namespace, what: str, pid: int) -> tuple[subprocess.Popen, Path] | None:
    """py-spy on a server's workers for the length of one load (sampling, no restart)."""
    out = args.profile / f"{what}.txt"
    command = [
        args.py_spy,
        "record",
        "--pid",
        str(pid),
        "--subprocesses",
        "--nonblocking",
        "--format",
        "raw",
        "--rate",
        "200",
        "--duration",
        str(args.duration),
        "-o",
        str(out),
    ]
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


def pairs(rounds: list[dict], bare_rounds: list[dict]) -> dict[str, list[float]]:
    """Each load's throughput against bare's, round by round."""
    return {
        key: [a[key]["rps"] / b[key]["rps"] if b[key]["rps"] else 0 for a, b in zip(rounds, bare_rounds)]
        for key in ("form", "submit", "text")
    }


def combine(rounds: list[dict]) -> dict:
    """Mean of the rounds (throughput, latency percentiles); errors, counts and problems summed."""
    out = {}
    for key in ("form", "submit", "text"):
        items = [r[key] for r in rounds]
        out[key] = {
            k: (
                [p for i in items for p in i[k]]
                if k == "problems"
                else sum(i[k] for i in items)
                if k in ("errors", "completed", "posts", "stored")
                else sum(i[k] for i in items) / len(items)
            )
            for k in items[0]
        }
    return out


def bare_templates(base: str, code: str, directory: Path) -> None:
    """Heard's own rendered pages, as served at `base`, made into the bare app's templates."""
    _, form_html = harness.get(f"{base}/t/{code}/form/parent")
    status, thanks_html = harness.get(f"{base}/t/{code}/thanks?lang=en-GB")
    assert status == 200, status
    write_bare_templates(form_html, thanks_html, directory)


def write_bare_templates(form_html: str, thanks_html: str, directory: Path) -> None:
    """Heard's form and thank-you page as Jinja2 templates: same size, same bytes,
    with the submission id rendered per request."""
    submission_id = harness.FormScan()
    submission_id.feed(form_html)
    parts = form_html.split(submission_id.hidden["submission_id"])
    raw = ["{% raw %}" + part + "{% endraw %}" for part in parts]
    (directory / "form.html").write_text("{{ submission_id }}".join(raw))
    (directory / "thanks.html").write_text("{% raw %}" + thanks_html + "{% endraw %}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per measurement (default 8)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes, both apps (default 2)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="rounds; each load runs on both apps back to back, order swapped (default 4)",
    )
    parser.add_argument(
        "--open-seconds",
        type=int,
        default=12,
        help=f"seconds of each open-loop load per app (default 12; at 50%% in {OPEN_DRAWS} draws; 0 skips the open loop)",
    )
    parser.add_argument(
        "--stalls",
        action="store_true",
        help="run both apps through infra/bench/stalls.py and report each load's event-loop stalls by cause",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="sample Heard's workers with py-spy during round 1 and write the stacks to DIR "
        "(py-spy from PATH or $PY_SPY)",
    )
    args = parser.parse_args()
    if (
        not 1 <= args.duration <= 60
        or not 1 <= args.connections <= 256
        or not 1 <= args.rounds <= 8
        or not 0 <= args.open_seconds <= 30
    ):
        parser.error("--duration 1..60 seconds, --connections 1..256, --rounds 1..8, --open-seconds 0..30")
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (infra/bench/run.sh does this)", file=sys.stderr)
        return 2

    if args.profile is not None:
        args.py_spy = harness.os.environ.get("PY_SPY") or shutil.which("py-spy")
        if not args.py_spy:
            print("--profile needs py-spy (pip install py-spy into any venv; set PY_SPY to its path)", file=sys.stderr)
            return 2
        args.profile.mkdir(parents=True, exist_ok=True)

    work = args.work = Path(tempfile.mkdtemp(prefix="heard-bench-"))
    postgres = harness.Postgres()
    args.dsn = postgres.create_database("heard_bench")
    code = harness.run(harness.prepare_database(args.dsn))
    print(f"PostgreSQL: {postgres.pgdata}; logs in {work}", flush=True)

    args.windows = []  # (app, load, start, end): the time of each load, for the stall report
    stop_sampling = threading.Event()
    if args.stalls:
        import stalls

        harness.os.environ["HEARD_STALLS_DIR"] = str(work / "stalls" / "heard")
        stalls.sample_postgres(args.dsn, work / "stalls" / "postgres.jsonl", stop_sampling)
    port = harness.free_port()
    heard_base = f"http://127.0.0.1:{port}"
    heard = harness.start_heard(args.dsn, port, work, workers=args.workers)
    with harness.running(heard):
        harness.wait_ready(port, heard)
        args.heard_pid = heard.pid
        scan = harness.scan_form(heard_base, code)
        print(
            f"Heard (heard serve, {args.workers} workers) at {heard_base}; form fields read from the page: "
            f"{sorted(scan.hidden)} + {sorted(scan.radios)}",
            flush=True,
        )
        bare_templates(heard_base, code, work)
        touchpoint_id, team_id = harness.run(touchpoint_of(args.dsn, code))
        bare_port = harness.free_port()
        bare_base = f"http://127.0.0.1:{bare_port}"

        def bare_command(port: int, stalls_out: str) -> list[str]:
            command = [str(harness.VENV_BIN / "python"), str(HERE / "bare_app.py")]
            if args.stalls:
                command = [str(harness.VENV_BIN / "python"), str(HERE / "stalls.py"), "serve", "--app", "bare"]
                command += ["--out", str(work / "stalls" / stalls_out)]
            return [*command, "--port", str(port), "--workers", str(args.workers)]

        bare_env = {
            "DATABASE_URL": args.dsn,
            "BARE_TEMPLATES": str(work),
            "BARE_TOUCHPOINT_ID": str(touchpoint_id),
            "BARE_TEAM_ID": str(team_id),
            "BARE_TEXT_FIELDS": TEXT_FIELD,
        }
        bare = harness.Process(
            "bare",
            bare_command(bare_port, "bare"),
            bare_env,
            work / "bare.log",
        )
        # The open loop's control: the same bare app a second time, to show how far apart two identical apps
        # come out on this machine (see open_loop).
        control_port = harness.free_port()
        control = (
            [
                harness.Process(
                    CONTROL,
                    bare_command(control_port, CONTROL.lower()),
                    bare_env,
                    work / "bare-again.log",
                )
            ]
            if args.open_seconds
            else []
        )
        with harness.running(bare, *control):
            for port_, process in [(bare_port, bare), *((control_port, c) for c in control)]:
                harness.wait_ready(port_, process)
            bare_scan = harness.scan_form(bare_base, code)
            # Both servers stay up (an idle one costs nothing). Each load runs on Heard and on bare back to
            # back, the order swapped every round (Heard first, then bare first...), so that the machine's
            # own swings, which here reach a factor of two within minutes, fall on both of a pair alike.
            servers = {"Heard": (heard_base, scan, heard.pid), "bare": (bare_base, bare_scan, bare.pid)}
            # The control goes through the same closed-loop loads as bare before the open loop: an app that had
            # not served them cost less per request afterwards than one that had (bare against bare again,
            # server CPU per form request in the open loop: higher in 11 trials of 11, the p99 in 7 of 9; with
            # the same history 145-162 us against 142-157), and the control would not have been the same app.
            if control:
                servers[CONTROL] = (f"http://127.0.0.1:{control_port}", bare_scan, control[0].pid)
            for name, (base, app_scan, _) in servers.items():
                warm_up(name, base, code, app_scan, args)
            rounds: dict[str, list[dict]] = {name: [] for name in servers}
            for round_number in range(1, args.rounds + 1):
                # Heard and the control take turns at the ends, bare in the middle of each round.
                order = list(servers) if round_number % 2 else list(reversed(servers))
                print(f"round {round_number} of {args.rounds} ({' then '.join(order)} on each load)", flush=True)
                for name in order:
                    rounds[name].append({})
                for key in ("form", "submit", "text"):
                    for name in order:
                        base, app_scan, pid = servers[name]
                        first = round_number == 1
                        rounds[name][-1][key] = measure(name, key, base, code, app_scan, args, pid, first)
            results = {name: combine(figures) for name, figures in rounds.items()}
            results["pairs"] = pairs(rounds["Heard"], rounds["bare"])
            if control:
                results["control pairs"] = pairs(rounds[CONTROL], rounds["bare"])
            opened = (
                open_loop(
                    args,
                    code,
                    {
                        "Heard": (port, scan, heard.pid),
                        "bare": (bare_port, bare_scan, bare.pid),
                        **({CONTROL: (control_port, bare_scan, control[0].pid)} if control else {}),
                    },
                    results,
                )
                if args.open_seconds
                else {}
            )
    stop_sampling.set()
    ok = report(results, args)
    ok = report_open(opened, args) and ok
    if args.stalls:
        report_stalls(args)
    print("\nall targets met, nothing lost" if ok else "\nsome targets NOT met or something lost (see above)")
    return 0 if ok else 1


def open_loop(
    args: argparse.Namespace, code: str, servers: dict[str, tuple[int, harness.FormScan, int]], results: dict
) -> dict:
    """Open loop at 50% and 80% of the bare app's closed-loop capacity, form and
    submission (same run, same machine). The apps take turns (openloop.take_turns):
    each app's --open-seconds at a rate are sent in short windows, one app at a
    time, their order going through every order in turn, so a swing of the
    machine's speed or one of its stalls falls on every app alike.

    At 50%, where the target is, the seconds go in OPEN_DRAWS draws, each with a
    fresh wrk, and a control takes its turns too: the bare app a second time. Its p99 against bare's is how far apart two identical apps come
    out in this run; a target of 1.2x can only be judged when that spread is
    within 1.2x too."""
    # The closed loop leaves a few hundred thousand new rows: vacuumed, counted and written out now, PostgreSQL's
    # own autovacuum and checkpoint do not fall in one app's windows (what it did all the same is printed).
    harness.run(harness.settle(args.dsn))
    background = harness.run(harness.background_work(args.dsn))
    slow_log = args.work / "slow-requests.tsv"
    slow_log.write_text("# load\tdue (UTC)\tlatency ms: requests slower than their run's 95th percentile\n")
    out: dict = {}
    print(
        f"\nopen loop: {args.open_seconds} s per load and app, in windows of at most {openloop.WINDOW_SECONDS} s, "
        f"the apps taking turns (at 50% with the control, {CONTROL}, in {OPEN_DRAWS} draws), "
        "rates from bare's capacity above",
        flush=True,
    )
    for key in ("form", "submit"):
        capacity = results["bare"][key]["rps"]
        for fraction in OPEN_FRACTIONS:
            rate = max(1.0, capacity * fraction)
            names = ["Heard", "bare"] + ([CONTROL] if fraction == 0.5 and CONTROL in servers else [])
            targets = {
                name: openloop.Target(
                    servers[name][0], servers[name][1].action or "", submission_body(servers[name][1])
                )
                for name in names
            }
            # At 50%, where the target is, in draws: each a fresh wrk with fresh connections (see OPEN_DRAWS).
            draws = OPEN_DRAWS if fraction == 0.5 else 1
            drawn: dict[str, list[openloop.Run]] = {name: [] for name in names}
            problems: dict[str, list[str]] = {name: [] for name in names}
            for _ in range(draws):
                nonces = {name: secrets.token_hex(4) for name in names}
                runs, since, until = openloop.take_turns(
                    targets,
                    key,
                    rate,
                    args.open_seconds / draws,
                    work=args.work,
                    form_path=f"/t/{code}/form/parent",
                    nonces=nonces,
                    thanks_mark=THANKS_MARK,
                    connections=args.connections,
                    server_pids={name: servers[name][2] for name in names},
                )
                for name, run in runs.items():
                    args.windows.append((name, f"open loop, {key} at {int(fraction * 100)}%", since, until))
                    drawn[name].append(run)
                    if key == "submit":
                        problems[name] += harness.run(
                            check_stored(
                                args.dsn,
                                nonces[name],
                                run.sent_ids,
                                run.accepted,
                                run.thanked,
                                None,
                                free_text_table=False,
                                in_flight_allowed=0,
                            )
                        )["problems"]
            for name in names:
                run = openloop.merged(drawn[name])
                label = f"{name} {key} {int(fraction * 100)}%"
                if name == "Heard":
                    run.write_slow(slow_log, label)
                figures = run.summary()
                figures["p99_by_cycle"] = run.percentile_by_cycle(99)
                figures["problems"] = problems[name]
                out[(key, fraction, name)] = figures
                print(
                    f"  {label:18} {rate:7.0f}/s sent {figures['sent']:6} errors {figures['errors']:4} "
                    f"p50 {figures['p50_ms']:7.1f} p90 {figures['p90_ms']:7.1f} p99 {figures['p99_ms']:7.1f} "
                    f"p99.9 {figures['p99_9_ms']:7.1f} max {figures['max_ms']:7.1f} ms "
                    f"(client's worst send lag {figures['late_start_ms']:.1f} ms)",
                    flush=True,
                )
                print(f"    connections per worker: {', '.join('/'.join(map(str, s)) for s in run.split)}", flush=True)
                for problem in figures["problems"]:
                    print(f"    {name}: {problem}", flush=True)
    print(f"  slow requests (over each app's p95, with the time each was due): {slow_log}")
    done = harness.run(harness.background_work(args.dsn))
    print("  PostgreSQL's own work meanwhile: " + ", ".join(f"{done[k] - background[k]} {k}" for k in background))
    return out


def report_stalls(args: argparse.Namespace) -> None:
    import stalls

    print()
    for app, load, since, until in args.windows:
        stalls.report(args.work / "stalls" / app.lower(), f"{app}, {load}", since, until)
        stalls.report_postgres(args.work / "stalls" / "postgres.jsonl", since, until)


def report_open(opened: dict, args: argparse.Namespace) -> bool:
    if not opened:
        return True
    print(f"\nopen loop, {args.open_seconds} s per load (latency from each request's due time)")
    print(f"{'':30}{'p50':>9}{'p90':>9}{'p99':>9}{'p99.9':>9}  (ms; Heard / bare / ratio)")
    ok = True
    for key, title in (("form", "GET respondent form"), ("submit", "full submission")):
        for fraction in OPEN_FRACTIONS:
            heard, bare = opened[(key, fraction, "Heard")], opened[(key, fraction, "bare")]
            print(f"{title + f' at {int(fraction * 100)}%':30}")
            cells = ("p50_ms", "p90_ms", "p99_ms", "p99_9_ms")
            print(f"{'    Heard':30}" + "".join(f"{heard[c]:9.1f}" for c in cells))
            print(f"{'    bare':30}" + "".join(f"{bare[c]:9.1f}" for c in cells))
            print(f"{'    Heard/bare':30}" + "".join(f"{heard[c] / bare[c] if bare[c] else 0:9.2f}" for c in cells))
            control = opened.get((key, fraction, CONTROL))  # at 50% (see open_loop)
            if control is not None:
                print(f"{'    ' + CONTROL:30}" + "".join(f"{control[c]:9.1f}" for c in cells))
                print(
                    f"{'    ' + CONTROL + '/bare':30}"
                    + "".join(f"{control[c] / bare[c] if bare[c] else 0:9.2f}" for c in cells)
                )
            apps = [heard, bare] + ([control] if control else [])
            lag = max(app["late_start_ms"] for app in apps)
            if lag > 20:
                print(f"    (the client sent up to {lag:.0f} ms late: the machine is too busy for these figures)")
            errors = sum(app["errors"] for app in apps)
            problems = [problem for app in apps for problem in app["problems"]]
            if fraction == 0.5:
                # The target is judged cycle by cycle (openloop.cycles_of): the median of the cycles' p99 ratios.
                # One stall of a few hundred ms holds up more requests than the 1% a whole run's p99 stands on
                # (at 6,000 form GETs a second, 300 ms is 1,800 of a run's 48,000), so a whole run's p99 is
                # decided by where its one or two worst stalls fell; the median of the cycles is not.
                ratio = _by_cycle("Heard", heard, bare)
                met = ratio <= TARGET_OPEN_P99_RATIO and not errors and not problems
                verdict = "met" if met else "NOT met"
                spread = _by_cycle(CONTROL, control, bare) if control else 1.0
                if not errors and not problems and not 1 / TARGET_OPEN_P99_RATIO <= spread <= TARGET_OPEN_P99_RATIO:
                    # Two identical apps came out further apart than the bar: this run cannot tell either way
                    # (an error or a lost answer is a miss whatever the control says).
                    met, verdict = False, f"NOT shown (bare against itself, median of the cycles: {spread:.2f}x)"
                print(
                    f"    target: p99 within {TARGET_OPEN_P99_RATIO}x bare's (median of the cycles: {ratio:.2f}x), "
                    f"no errors, nothing lost: {verdict}"
                )
            else:
                met = not errors and not problems
                print(
                    f"    errors: {heard['errors']} Heard, {bare['errors']} bare; "
                    f"{'nothing lost' if not problems else 'SOMETHING LOST'}"
                )
            ok = ok and met
    return ok


def _by_cycle(name: str, app: dict, bare: dict) -> float:
    """An app's p99 against bare's in each cycle of turns, printed; returns their median."""
    ratios = [a / b for a, b in zip(app["p99_by_cycle"], bare["p99_by_cycle"]) if b]
    median = statistics.median(ratios) if ratios else float("inf")
    print(
        f"{'    p99 by cycle, ' + name + '/bare':34}" + " ".join(f"{r:.2f}" for r in ratios) + f" (median {median:.2f})"
    )
    return median


async def touchpoint_of(dsn: str, code: str) -> tuple[int, int]:
    """The touchpoint's id and its team's."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow("select id, team_id from touchpoints where code = $1", code)
        return row["id"], row["team_id"]
    finally:
        await conn.close()


def report(results: dict, args: argparse.Namespace) -> bool:
    print()
    print(
        f"{args.connections} connections, {args.workers} workers, 127.0.0.1; {args.rounds} rounds of {args.duration} s "
        "per load and app: figures are the mean of the rounds, Heard/bare the median of each round's pair"
    )
    print(f"{'':28}{'Heard':>22}{'bare':>22}{'Heard/bare':>12}")
    ok = True
    for key, title, unit in [
        ("form", "(a) GET respondent form", "req/s"),
        ("submit", "(b) full submission", "subm/s"),
        ("text", "(c) ... 1 in 3 with text", "subm/s"),
    ]:
        heard, bare = results["Heard"][key], results["bare"][key]
        pairs = results["pairs"][key]
        ratio = statistics.median(pairs)
        print(f"{title:28}{heard['rps']:>15.0f} {unit:6}{bare['rps']:>15.0f} {unit:6}{ratio:>12.2f}")
        print(f"{'    Heard/bare each round':28}{' '.join(f'{r:.2f}' for r in pairs):>56} (median above)")
        if "control pairs" in results:  # two identical apps: how far apart this machine puts them
            spread = results["control pairs"][key]
            print(
                f"{'    ' + CONTROL + '/bare':28}{' '.join(f'{r:.2f}' for r in spread):>56} "
                f"(median {statistics.median(spread):.2f})"
            )
        print(f"{'    p50 latency':28}{heard['p50_ms']:>18.1f} ms {bare['p50_ms']:>18.1f} ms")
        print(f"{'    p99 latency':28}{heard['p99_ms']:>18.1f} ms {bare['p99_ms']:>18.1f} ms")
        print(
            f"{'    server CPU per ' + ('request' if key == 'form' else 'submission'):28}"
            f"{heard['cpu_ms']:>18.2f} ms {bare['cpu_ms']:>18.2f} ms{heard['cpu_ms'] / bare['cpu_ms']:>12.2f}"
        )
        print(f"{'    errors':28}{heard['errors']:>21} {bare['errors']:>21}")
        met = ratio >= TARGET_RATIO and heard["p99_ms"] < TARGET_P99_MS and heard["errors"] == 0 and bare["errors"] == 0
        ok = ok and met
        print(
            f"    target: Heard/bare >= {TARGET_RATIO}, p99 < {TARGET_P99_MS} ms, no errors: "
            f"{'met' if met else 'NOT met'}"
        )
        for name in [name for name in ("Heard", "bare", CONTROL) if name in results]:
            for problem in results[name][key].get("problems", []):
                ok = False
                print(f"    {name}: {problem}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
