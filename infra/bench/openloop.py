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
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEAD_SECONDS = 1.0  # wrk starts its threads and connects before the first request is due
GRACE_SECONDS = 3.0  # an answer still awaited this long after the last due time counts as an error


@dataclass
class Run:
    rate: float
    seconds: float
    due: list[float] = field(default_factory=list)  # UTC epoch seconds each completed request was due
    latency: list[float] = field(default_factory=list)  # seconds, from due time to the last byte
    errors: int = 0  # wrong answers, and requests due but unanswered (or unsent) at the end
    late_start: float = 0.0  # worst delay between due time and send on a free connection (the client's lag)
    sent_ids: set[str] = field(default_factory=set)  # submission ids sent
    accepted: set[str] = field(default_factory=set)  # ... answered 303
    thanked: set[str] = field(default_factory=set)  # ... whose thank-you page came back right

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latency)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * p / 100) - 1))]

    def summary(self) -> dict:
        return {
            "rate": self.rate,
            "sent": len(self.latency) + self.errors,
            "errors": self.errors,
            **{f"p{str(p).replace('.', '_')}_ms": 1000 * self.percentile(p) for p in (50, 90, 99, 99.9)},
            "max_ms": 1000 * max(self.latency, default=0),
            "late_start_ms": 1000 * self.late_start,
        }

    def merged(self, other: Run) -> Run:
        """This run and another at the same rate, pooled: every request of both counts."""
        return Run(
            rate=self.rate,
            seconds=self.seconds + other.seconds,
            due=self.due + other.due,
            latency=self.latency + other.latency,
            errors=self.errors + other.errors,
            late_start=max(self.late_start, other.late_start),
            sent_ids=self.sent_ids | other.sent_ids,
            accepted=self.accepted | other.accepted,
            thanked=self.thanked | other.thanked,
        )

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


def submission_id(nonce: str, thread: int, seq: int) -> str:
    """The id openloop.lua and submit.lua send (same format)."""
    return f"{nonce}-{thread:04x}-4000-8000-{seq:012x}"


def run(
    port: int,
    kind: str,
    rate: float,
    seconds: float,
    *,
    work: Path,
    form_path: str,
    action: str = "",
    body: str = "",
    nonce: str = "",
    thanks_mark: str = "",
    connections: int = 64,
) -> Run:
    """Send `rate` requests a second for `seconds` seconds; `body` has {id} where the submission id goes."""
    out = work / f"open-{kind}-{nonce or 'form'}-{int(rate)}.tsv"
    start = time.time() + LEAD_SECONDS
    env = {
        **os.environ,
        "BENCH_KIND": kind,
        "BENCH_PATH": form_path if kind == "form" else action,
        "BENCH_BODY": body,
        "BENCH_NONCE": nonce or "00000000",
        "BENCH_THANKS_MARK": thanks_mark,
        "BENCH_RATE": repr(rate),
        "BENCH_START": repr(start),
        "BENCH_SECONDS": repr(seconds),
        "BENCH_CONNECTIONS": str(connections),
        "BENCH_OUT": str(out),
    }
    duration = math.ceil(LEAD_SECONDS + seconds + GRACE_SECONDS)
    command = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{duration}s", "--timeout", f"{GRACE_SECONDS:.0f}s"]
    command += ["-s", str(HERE / "openloop.lua"), f"http://127.0.0.1:{port}"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=duration + 60, check=True)
    totals = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("{")))
    outcome = Run(rate=rate, seconds=seconds, late_start=totals["lag_us"] / 1e6)
    for line in out.read_text().splitlines():
        if line[0].isdigit():
            due_us, latency_us = line.split("\t")
            outcome.due.append(int(due_us) / 1e6)
            outcome.latency.append(int(latency_us) / 1e6)
            continue
        what, thread, seq = line.split()
        if what == "S":
            outcome.sent_ids.update(submission_id(nonce, int(thread), n) for n in range(1, int(seq) + 1))
        else:
            (outcome.accepted if what == "A" else outcome.thanked).add(submission_id(nonce, int(thread), int(seq)))
    # Every request that fell due was answered right (a latency), answered wrong, or not answered (or not even
    # sent) within GRACE_SECONDS of the last due time.
    outcome.errors = totals["due"] - totals["completed"]
    return outcome
