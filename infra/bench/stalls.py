"""Where a worker's event loop stalls, and whether the slow requests line up with it.

A diagnostic, not a benchmark: `bash infra/bench/run.sh --stalls` starts Heard and
the bare app through this wrapper instead of directly (same uvicorn options), and
prints the report at the end. In each worker process it records, with wall-clock
times:

- loop stalls: a task that sleeps 2 ms and notes every wake-up more than 5 ms late
  (the loop was busy with something else all that time, so every request waiting
  on this worker waited too);
- what the worker was doing during a stall: a watchdog thread that, while the
  loop is late, samples the main thread's Python stack every 2 ms;
- garbage collections that took 1 ms or more (generation, length), and every
  collection's count and CPU time, per 1,000 requests;
- requests that took 10 ms or more inside the app (path, length), with how much of it
  was spent waiting for a pooled database connection and running statements
  (asyncpg's pool and connection timed, for both apps alike);
- with `--dsn`, PostgreSQL's wait events: pg_stat_activity sampled every 50 ms (what
  the database's backends were waiting for: WAL writes, locks...), reported per load.

    python infra/bench/stalls.py serve --app heard|bare --port 8100 --workers 2 --out DIR
    python infra/bench/stalls.py report DIR

Events go to DIR/<pid>.jsonl as they happen. Nothing in service/ knows about it.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextvars
import gc
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

BEAT = 0.002  # the heartbeat's sleep
LATE = 0.005  # a wake-up this late is a stall
SAMPLE_EVERY = 0.002
SLOW_REQUEST = 0.010
SLOW_GC = 0.001
CODE = re.compile(r"/t/[^/]+/")
PG_SAMPLE_EVERY = 0.05

# The current request's database time: [waiting for a pooled connection, running statements] in seconds.
_db_time: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar("db_time", default=None)


def time_database() -> None:
    """Time asyncpg's pool acquire and statement execution for the request in progress (both apps use them)."""
    from asyncpg.connection import Connection
    from asyncpg.pool import Pool

    def timed(method, slot: int):
        async def wrapper(*args, **kwargs):
            spent = _db_time.get()
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                if spent is not None:
                    spent[slot] += time.perf_counter() - started

        return wrapper

    Pool._acquire = timed(Pool._acquire, 0)
    Connection._execute = timed(Connection._execute, 1)


class Recorder:
    """One per worker: collects events and appends them to DIR/<pid>.jsonl once a second."""

    def __init__(self, out: Path) -> None:
        self.path = out / f"{os.getpid()}.jsonl"
        self.events: list[dict] = []
        self.lock = threading.Lock()
        self.last_beat = time.monotonic()
        self.stall = 0  # the number of the stall in progress (0: none)
        self.stalls = 0
        self.main = threading.main_thread().ident
        self.gc_started = self.gc_cpu_started = 0.0
        self.gc_totals = [[0, 0.0], [0, 0.0], [0, 0.0]]  # per generation: collections, seconds (all of them)
        self.requests = 0

    def add(self, **event: object) -> None:
        with self.lock:
            self.events.append(event)

    def flush(self) -> None:
        with self.lock:
            events, self.events = self.events, []
        if events:
            with self.path.open("a") as out:
                out.writelines(json.dumps(event) + "\n" for event in events)

    async def heartbeat(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            self.last_beat = time.monotonic()
            await asyncio.sleep(BEAT)
            late = loop.time() - before - BEAT
            self.last_beat = time.monotonic()
            if late > LATE:
                self.add(kind="stall", end=time.time(), ms=round(1000 * late, 2), n=self.stall or -1)
            self.stall = 0

    def watchdog(self) -> None:
        next_flush = time.monotonic() + 1
        while True:
            time.sleep(SAMPLE_EVERY)
            now = time.monotonic()
            if now - self.last_beat > BEAT + LATE:
                if not self.stall:
                    self.stalls += 1
                    self.stall = self.stalls
                frame = sys._current_frames().get(self.main)
                stack = []
                while frame is not None and len(stack) < 40:
                    code = frame.f_code
                    stack.append(f"{short(code.co_filename)}:{code.co_name}:{frame.f_lineno}")
                    frame = frame.f_back
                self.add(kind="sample", at=time.time(), n=self.stall, stack=stack)
            if now >= next_flush:
                totals = {"kind": "totals", "at": time.time(), "requests": self.requests, "gc": self.gc_totals}
                self.add(**json.loads(json.dumps(totals)))
                self.flush()
                next_flush = now + 1

    def on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.gc_started = time.perf_counter()
            self.gc_cpu_started = time.thread_time()
            return
        took = time.perf_counter() - self.gc_started
        self.gc_totals[info["generation"]][0] += 1
        # CPU time for the totals: on a busy machine a collection's wall time includes being preempted.
        self.gc_totals[info["generation"]][1] += time.thread_time() - self.gc_cpu_started
        if took >= SLOW_GC:
            self.add(kind="gc", end=time.time(), ms=round(1000 * took, 2), gen=info["generation"])


def short(filename: str) -> str:
    for marker in ("site-packages/", "/service/", "/infra/", "/lib/python3"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename


def wrap(inner):
    """The app with a recorder started in each worker at lifespan start-up."""
    out = Path(os.environ["HEARD_STALLS_DIR"])
    time_database()
    recorder: Recorder | None = None
    tasks: list[asyncio.Task] = []

    async def app(scope, receive, send):
        nonlocal recorder
        if recorder is None:
            recorder = Recorder(out)
            gc.callbacks.append(recorder.on_gc)
            threading.Thread(target=recorder.watchdog, daemon=True).start()
            tasks.append(asyncio.get_running_loop().create_task(recorder.heartbeat()))
        if scope["type"] != "http":
            return await inner(scope, receive, send)
        if not recorder.requests and os.environ.get("HEARD_STALLS_GC"):  # try other thresholds (after start-up)
            gc.set_threshold(*map(int, os.environ["HEARD_STALLS_GC"].split(",")))
        recorder.requests += 1
        started = time.perf_counter()
        spent = [0.0, 0.0]
        _db_time.set(spent)
        try:
            return await inner(scope, receive, send)
        finally:
            took = time.perf_counter() - started
            if took >= SLOW_REQUEST:
                path = CODE.sub("/t/{code}/", scope["path"])
                recorder.add(
                    kind="request",
                    end=time.time(),
                    ms=round(1000 * took, 2),
                    path=f"{scope['method']} {path}",
                    pool_ms=round(1000 * spent[0], 2),
                    statement_ms=round(1000 * spent[1], 2),
                )

    return app


def create_heard():
    from service.app import create_app

    return wrap(create_app())


def create_bare():
    import bare_app

    return wrap(bare_app.create_app())


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from service.cli import server_options

    os.environ["HEARD_STALLS_DIR"] = str(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    factory = "stalls:create_heard" if args.app == "heard" else "stalls:create_bare"
    uvicorn.run(factory, factory=True, app_dir=str(HERE), **server_options("127.0.0.1", args.port, args.workers))


def report(directory: Path, label: str = "", since: float = 0.0, until: float = float("inf")) -> None:
    """Stalls by cause, and how many of the slow requests overlapped one, for the events in [since, until)."""
    stalls, samples, gcs, requests = [], collections.defaultdict(list), [], []
    totals: dict[str, list[dict]] = collections.defaultdict(list)  # per worker, the running totals in the window
    for path in sorted(directory.glob("*.jsonl")):
        pid = path.stem
        for line in path.read_text().splitlines():
            event = json.loads(line)
            at = event.get("end", event.get("at", 0))
            if not since <= at < until:
                continue
            event["pid"] = pid
            if event["kind"] == "stall":
                stalls.append(event)
            elif event["kind"] == "sample":
                samples[(pid, event["n"])].append(event["stack"])
            elif event["kind"] == "gc":
                gcs.append(event)
            elif event["kind"] == "totals":
                totals[pid].append(event)
            else:
                requests.append(event)
    print(f"stalls{f' ({label})' if label else ''}: {directory}")
    served, spent = 0, [[0, 0.0] for _ in range(3)]
    for series in totals.values():
        if len(series) >= 2:
            first, last = series[0], series[-1]
            served += last["requests"] - first["requests"]
            for g in range(3):
                spent[g][0] += last["gc"][g][0] - first["gc"][g][0]
                spent[g][1] += last["gc"][g][1] - first["gc"][g][1]
    if served:
        print(
            f"  {served} requests; garbage collections per 1,000 requests (CPU time): "
            + ", ".join(
                f"generation {g}: {1000 * n / served:.0f} ({1e6 * t / served:.0f} ms)" for g, (n, t) in enumerate(spent)
            )
        )
    if not stalls:
        print("  no loop stall over 5 ms")
        return
    lengths = sorted(s["ms"] for s in stalls)
    print(
        f"  {len(stalls)} loop stalls over {1000 * LATE:.0f} ms, {sum(lengths) / 1000:.2f} s in all; "
        f"median {lengths[len(lengths) // 2]:.1f} ms, longest {lengths[-1]:.1f} ms"
    )
    causes: collections.Counter[str] = collections.Counter()
    for stall in stalls:
        cause = cause_of(stall, gcs, samples.get((stall["pid"], stall["n"]), []))
        causes[cause] += stall["ms"]
    for cause, ms in causes.most_common(12):
        print(f"  {ms / 1000:7.2f} s  {cause}")
    gc_ms = collections.Counter()
    for event in gcs:
        gc_ms[event["gen"]] += event["ms"]
    print(
        "  garbage collections of 1 ms or more: "
        + ", ".join(
            f"generation {g}: {n} ({gc_ms[g]:.0f} ms)"
            for g, n in sorted(collections.Counter(e["gen"] for e in gcs).items())
        )
    )
    slow_requests(requests, stalls)


def slow_requests(requests: list[dict], stalls: list[dict]) -> None:
    slow = sorted(requests, key=lambda r: r["ms"])
    if not slow:
        return
    overlapped = sum(1 for r in slow if any(overlaps(r, s) for s in stalls if s["pid"] == r["pid"]))
    paths = collections.Counter(r["path"] for r in slow)
    print(
        f"  {len(slow)} requests took 10 ms or more inside the app ({overlapped} overlapping a stall of their "
        f"worker); slowest {slow[-1]['ms']:.0f} ms; " + ", ".join(f"{p} {n}" for p, n in paths.most_common(4))
    )
    pool = sorted(r.get("pool_ms", 0.0) for r in slow)
    statement = sorted(r.get("statement_ms", 0.0) for r in slow)
    mostly_database = sum(1 for r in slow if r.get("pool_ms", 0.0) + r.get("statement_ms", 0.0) > r["ms"] / 2)
    print(
        f"    of which waiting for a pooled connection: median {pool[len(pool) // 2]:.1f} ms, longest "
        f"{pool[-1]:.1f} ms; running statements: median {statement[len(statement) // 2]:.1f} ms, longest "
        f"{statement[-1]:.1f} ms; {mostly_database} of {len(slow)} spent over half their time on the database"
    )


def sample_postgres(dsn: str, out: Path, stop: threading.Event) -> threading.Thread:
    """Every 50 ms until `stop`, what PostgreSQL's client backends are waiting for (one line per sample)."""

    async def sampling() -> None:
        import asyncpg

        conn = await asyncpg.connect(dsn)
        try:
            with out.open("a") as lines:
                while not stop.is_set():
                    rows = await conn.fetch(
                        "select wait_event_type || ':' || wait_event as waiting from pg_stat_activity "
                        "where backend_type = 'client backend' and pid <> pg_backend_pid() and state = 'active' "
                        "and wait_event is not null"
                    )
                    lines.write(json.dumps({"at": time.time(), "waits": [r["waiting"] for r in rows]}) + "\n")
                    await asyncio.sleep(PG_SAMPLE_EVERY)
        finally:
            await conn.close()

    out.parent.mkdir(parents=True, exist_ok=True)
    thread = threading.Thread(target=asyncio.run, args=(sampling(),), daemon=True)
    thread.start()
    return thread


def report_postgres(path: Path, since: float, until: float) -> None:
    """The share of samples in which client backends waited on each event, during [since, until)."""
    if not path.exists():
        return
    samples = [json.loads(line) for line in path.read_text().splitlines()]
    samples = [sample for sample in samples if since <= sample["at"] < until]
    if not samples:
        return
    waits: collections.Counter[str] = collections.Counter(w for sample in samples for w in sample["waits"])
    print(
        f"  PostgreSQL ({len(samples)} samples): backends waiting, per sample: "
        + (", ".join(f"{event} {n / len(samples):.2f}" for event, n in waits.most_common(5)) or "none")
    )


def overlaps(request: dict, stall: dict) -> bool:
    return request["end"] - request["ms"] / 1000 < stall["end"] and stall["end"] - stall["ms"] / 1000 < request["end"]


def cause_of(stall: dict, gcs: list[dict], stacks: list[list[str]]) -> str:
    """A collection of the same worker that overlapped the stall, else the innermost of Heard's (or the
    bare app's) frames in the samples taken during it, else the innermost library frame."""
    start = stall["end"] - stall["ms"] / 1000
    for event in gcs:
        if event["pid"] == stall["pid"] and event["end"] - event["ms"] / 1000 < stall["end"] and event["end"] > start:
            return f"garbage collection, generation {event['gen']}"
    if not stacks:
        return "no sample (the stall held the GIL in C, or ended within one sampling step)"
    places: collections.Counter[str] = collections.Counter()
    for stack in stacks:
        own = [f for f in stack if f.startswith(("service/", "infra/"))]
        place = own[0] if own else stack[0]
        places[re.sub(r":\d+$", "", place)] += 1
    return places.most_common(1)[0][0]


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve")
    run.add_argument("--app", choices=("heard", "bare"), required=True)
    run.add_argument("--port", type=int, required=True)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--out", type=Path, required=True)
    show = commands.add_parser("report")
    show.add_argument("directory", type=Path)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args)
    else:
        report(args.directory)


if __name__ == "__main__":
    main()
