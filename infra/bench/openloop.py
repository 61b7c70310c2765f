"""Open-loop load: requests at a fixed rate whatever the answers do.

wrk (closed loop) sends the next request only when the last one answered, so a
server that stalls also stalls the load and the stall is counted once, not for
every request that would have arrived meanwhile (coordinated omission). Here
wrk runs infra/bench/openloop.lua, one connection per thread, each connection
on a fixed schedule: request i is due at start + i / rate, and its latency is
measured from when it was DUE, so waiting for a busy connection counts.

(An asyncio client did this before; on 2 cores shared with the servers one
Python process could not send the form's 6,000 requests a second on time: it
ran up to 7.9 s late. wrk's C event loop keeps to the schedule.)

Two kinds of load: "form" (GET the respondent's form) and "submit" (POST the
filled-in form with a fresh submission id, then GET the thank-you page it is
sent to; latency from the POST's due time to the end of the thank-you page).

Apps compared take turns (take_turns): each has its own wrk, all started at
once, and each wrk sends only inside its app's windows, short slices of time
(0.1 s) in rotating order (every order of the apps in turn), so a swing of the
machine's speed falls on every app alike, and a spell of slow answers (30-190
ms at 50% here, a worker held up on the shared cores) straddles the apps'
turns instead of deciding one app's p99. bench.py sends the 50% loads in
draws (take_turns again, a fresh wrk each time) and puts them together
(merged).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEAD_SECONDS = 1.0  # wrk starts its threads and connects before the first request is due
SPLIT_READ_BEFORE = 0.3  # seconds before the first window: every connection is open, no request sent yet
# Connections per worker may differ by this many at most (36/28 of 64), else that app's wrk starts again, for
# up to SPREAD_LEAD_SECONDS more before the first window. uvicorn's workers share one listening socket and the
# first awake accepts what is waiting: splits from 55/9 to 34/30 came out of the same run, and a worker with 55
# of 64 connections is near saturation at 50% of capacity while the other idles.
SPREAD = 8
SPREAD_LEAD_SECONDS = 3.0
GRACE_SECONDS = 3.0  # an answer still awaited this long after the last due time counts as an error
# Windows this short, many of them: the slow answers at 50% come in spells of 30-190 ms (a worker held up on
# the shared cores), and with windows of 0.7 s a cycle's p99 was whichever app such a spell fell on. With 0.1 s
# windows a spell straddles the apps' turns and a run has about seven times the cycles. Measured 2026-12-04,
# form GET at 50%, Heard against bare, median of each trial's cycles: 0.7 s windows 2.03, 1.03, 1.95, 0.76;
# 0.1 s windows 1.09, 1.08, 1.06, 0.95, 1.08, 1.04, 1.78, 0.89. (The servers close a connection idle for 5 s,
# uvicorn's keep-alive; with 1.3 s windows an app could wait that long between two of its own.)
WINDOW_SECONDS = 0.1
KEEP_ALIVE_SECONDS = 5.0
# Between one app's window and the next's, for most of the last answers of one to come back before the other
# starts; what is still in flight overlaps the next app's first requests, each app's alike (every order of the
# apps in turn).
GAP_SECONDS = 0.05


@dataclass
class Run:
    rate: float
    seconds: float
    due: list[float] = field(default_factory=list)  # UTC epoch seconds each completed request was due
    latency: list[float] = field(default_factory=list)  # seconds, from due time to the last byte
    errors: int = 0  # wrong answers, and requests due but unanswered (or unsent) at the end
    late_start: float = 0.0  # worst delay between due time and send on a free connection (the client's lag)
    cycle: list[int] = field(default_factory=list)  # which cycle of turns each completed request was due in
    sent_ids: set[str] = field(default_factory=set)  # submission ids sent
    accepted: set[str] = field(default_factory=set)  # ... answered 303
    thanked: set[str] = field(default_factory=set)  # ... whose thank-you page came back right
    # How the app's connections fell to its workers, for each draw (most first): wrk connects once, so this holds
    # for the whole draw and weighs on its p99 (a worker with 54 of 64 connections carries most of the load).
    split: list[list[int]] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        return _percentile(self.latency, p)

    def percentile_by_cycle(self, p: float) -> list[float]:
        """The percentile within each cycle of turns (see cycles_of), in order."""
        latencies: dict[int, list[float]] = {}
        for cycle, latency in zip(self.cycle, self.latency):
            latencies.setdefault(cycle, []).append(latency)
        return [_percentile(latencies[cycle], p) for cycle in sorted(latencies)]

    def summary(self) -> dict:
        return {
            "rate": self.rate,
            "sent": len(self.latency) + self.errors,
            "errors": self.errors,
            **{f"p{str(p).replace('.', '_')}_ms": 1000 * self.percentile(p) for p in (50, 90, 99, 99.9)},
            "max_ms": 1000 * max(self.latency, default=0),
            "late_start_ms": 1000 * self.late_start,
        }

    def write_slow(self, path: Path, label: str) -> int:
        """The requests slower than this run's 95th percentile, with the wall-clock
        time each was due (UTC, microseconds), to line up with server logs or a
        profile of the same minutes. Returns how many."""
        p95 = self.percentile(95)
        slow = [(due, latency) for due, latency in zip(self.due, self.latency) if latency > p95]
        with path.open("a") as out:
            for due, latency in slow:
                stamp = dt.datetime.fromtimestamp(due, dt.UTC).isoformat(timespec="microseconds")
                out.write(f"{label}\t{stamp}\t{1000 * latency:.1f}\n")
        return len(slow)


def merged(runs: list[Run]) -> Run:
    """One app's draws (take_turns called again, with a fresh wrk and fresh connections) as one run: its
    requests, errors and submission ids together, each draw's cycles numbered on after the last draw's."""
    whole = Run(rate=runs[0].rate, seconds=sum(run.seconds for run in runs))
    for run in runs:
        offset = max(whole.cycle, default=-1) + 1
        whole.due += run.due
        whole.latency += run.latency
        whole.cycle += [offset + cycle for cycle in run.cycle]
        whole.errors += run.errors
        whole.late_start = max(whole.late_start, run.late_start)
        whole.sent_ids |= run.sent_ids
        whole.accepted |= run.accepted
        whole.thanked |= run.thanked
        whole.split += run.split
    return whole


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * p / 100) - 1))]


def submission_id(nonce: str, thread: int, seq: int) -> str:
    """The id openloop.lua and submit.lua send (same format)."""
    return f"{nonce}-{thread:04x}-4000-8000-{seq:012x}"


@dataclass(frozen=True)
class Target:
    """One app under load: where it listens, and for "submit" the form's action and filled-in body."""

    port: int
    action: str = ""
    body: str = ""  # {id} where the submission id goes


def take_turns(
    targets: dict[str, Target],
    kind: str,
    rate: float,
    seconds: float,
    *,
    work: Path,
    form_path: str,
    nonces: dict[str, str],
    thanks_mark: str = "",
    connections: int = 64,
    server_pids: dict[str, int] | None = None,
) -> tuple[dict[str, Run], float, float]:
    """`rate` requests a second to each app for `seconds` seconds in all, in windows (see turns): window after
    window, one app at a time, the apps' order going through every order in turn. Returns each app's Run and
    when the load began and ended (epoch seconds). With each app's server process id, each Run's split says how
    its connections fell to the server's workers (read just before the first window)."""
    lead = LEAD_SECONDS + (SPREAD_LEAD_SECONDS if server_pids else 0.0)
    first = time.time() + lead
    windows, each, at = turns(list(targets), seconds, first)
    per_cycle = math.factorial(len(targets))  # each app's windows in one cycle: every order of the apps once

    def start(name: str) -> _Load:
        return _start(
            targets[name],
            kind,
            rate,
            windows[name],
            each,
            until=at,
            work=work,
            form_path=form_path,
            nonce=nonces[name],
            thanks_mark=thanks_mark,
            connections=connections,
        )

    loads = {name: start(name) for name in targets}
    split = {}
    for name, pid in (server_pids or {}).items():
        # Each app's connections spread alike over its workers: a wrk whose connections fell unevenly is
        # stopped before it sends anything and started again, while there is time before the first window.
        while True:
            split[name] = _opened(pid, targets[name].port, connections, until=first - SPLIT_READ_BEFORE)
            if max(split[name], default=0) - min(split[name], default=0) <= SPREAD or time.time() > first - 1.0:
                break
            loads[name].process.kill()
            loads[name].process.wait()
            while sum(connections_per_worker(pid, targets[name].port)) and time.time() < first - 1.0:
                time.sleep(0.01)  # the workers see the old connections close before the new ones are counted
            loads[name] = start(name)
    runs = {name: _finish(load) for name, load in loads.items()}
    for name, run in runs.items():
        run.cycle = cycles_of(run.due, windows[name], per_cycle)
        run.split = [split[name]] if name in split else []
    return runs, first, at


def _opened(server_pid: int, port: int, connections: int, *, until: float) -> list[int]:
    """connections_per_worker once all `connections` are open (or at `until`, epoch seconds)."""
    while True:
        counts = connections_per_worker(server_pid, port)
        if sum(counts) >= connections or time.time() >= until:
            return counts
        time.sleep(0.02)


def connections_per_worker(server_pid: int, port: int) -> list[int]:
    """How many open connections to `port` each worker process of a server holds, most first."""
    import psutil

    counts = []
    for child in psutil.Process(server_pid).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            on_port = [c for c in child.net_connections(kind="tcp") if c.laddr and c.laddr.port == port]
            if on_port:  # a worker holds the listening socket (uvicorn's other children hold none)
                counts.append(sum(1 for c in on_port if c.status == psutil.CONN_ESTABLISHED))
    return sorted(counts, reverse=True)


def cycles_of(due: list[float], starts: list[float], per_cycle: int) -> list[int]:
    """For each due time, the cycle of turns its window belongs to: a cycle is `per_cycle` windows of one app,
    one for each order of the apps, so in each cycle every app has been first, second... equally often."""
    return [max(0, bisect.bisect_right(starts, at + 1e-6) - 1) // per_cycle for at in due]


def turns(names: list[str], seconds: float, first: float) -> tuple[dict[str, list[float]], float, float]:
    """Each app's window starts, each window's length and when the last ends: the same number of windows per
    app, at most WINDOW_SECONDS long, one app at a time with GAP_SECONDS between windows, the order of the apps
    going through every order in turn (a whole number of times)."""
    orders = list(itertools.permutations(names))
    count = len(orders) * math.ceil(seconds / (len(orders) * WINDOW_SECONDS))
    each = seconds / count
    windows: dict[str, list[float]] = {name: [] for name in names}
    at = first
    for turn in range(count):
        for name in orders[turn % len(orders)]:
            windows[name].append(at)
            at += each + GAP_SECONDS
    return windows, each, at


@dataclass
class _Load:
    process: subprocess.Popen
    out: Path
    rate: float
    seconds: float
    nonce: str
    timeout: float


def _start(
    target: Target,
    kind: str,
    rate: float,
    windows: list[float],
    each: float,
    *,
    until: float,
    work: Path,
    form_path: str,
    nonce: str,
    thanks_mark: str,
    connections: int,
) -> _Load:
    out = work / f"open-{kind}-{nonce}-{int(rate)}.tsv"
    env = {
        **os.environ,
        "BENCH_KIND": kind,
        "BENCH_PATH": form_path if kind == "form" else target.action,
        "BENCH_BODY": target.body,
        "BENCH_NONCE": nonce,
        "BENCH_THANKS_MARK": thanks_mark,
        "BENCH_RATE": repr(rate),
        "BENCH_WINDOWS": ",".join(repr(t) for t in windows),
        "BENCH_SLICE": repr(each),
        "BENCH_SECONDS": repr(each * len(windows)),
        "BENCH_CONNECTIONS": str(connections),
        "BENCH_OUT": str(out),
    }
    duration = math.ceil(until - time.time() + GRACE_SECONDS)
    command = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{duration}s", "--timeout", f"{GRACE_SECONDS:.0f}s"]
    command += ["-s", str(HERE / "openloop.lua"), f"http://127.0.0.1:{target.port}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    return _Load(process, out, rate, each * len(windows), nonce, duration + 60)


def _finish(load: _Load) -> Run:
    stdout, stderr = load.process.communicate(timeout=load.timeout)
    if load.process.returncode:
        raise subprocess.CalledProcessError(load.process.returncode, load.process.args, stdout, stderr)
    totals = json.loads(next(line for line in stdout.splitlines() if line.startswith("{")))
    outcome = Run(rate=load.rate, seconds=load.seconds, late_start=totals["lag_us"] / 1e6)
    for line in load.out.read_text().splitlines():
        if line[0].isdigit():
            due_us, latency_us = line.split("\t")
            outcome.due.append(int(due_us) / 1e6)
            outcome.latency.append(int(latency_us) / 1e6)
            continue
        what, thread, seq = line.split()
        if what == "S":
            outcome.sent_ids.update(submission_id(load.nonce, int(thread), n) for n in range(1, int(seq) + 1))
        else:
            (outcome.accepted if what == "A" else outcome.thanked).add(submission_id(load.nonce, int(thread), int(seq)))
    # Every request that fell due was answered right (a latency), answered wrong, or not answered (or not even
    # sent) within GRACE_SECONDS of the last due time.
    outcome.errors = totals["due"] - totals["completed"]
    return outcome
