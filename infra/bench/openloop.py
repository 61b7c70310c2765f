"""Open-loop load: requests at a fixed rate whatever the answers do.

wrk (closed loop) sends the next request only when the last one answered, so a
server that stalls also stalls the load and the stall is counted once, not for
every request that would have arrived meanwhile (coordinated omission). Here
request i is due at start + i / rate by the clock; it is sent then (or as soon
as a connection is free) and its latency is measured from when it was DUE, so
waiting for a connection counts. An asyncio client (uvloop), one process,
127.0.0.1 only; it uses a few percent of a core at the rates measured here.

Two kinds of load: "form" (GET the respondent's form) and "submit" (POST the
filled-in form with a fresh submission id, then GET the thank-you page it is
sent to; latency from the POST's due time to the end of the thank-you page).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path


class Broken(Exception):
    pass


class Connection:
    """One keep-alive HTTP/1.1 connection (minimal, so the client stays cheap)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, dict, bytes]:
        try:
            return await asyncio.wait_for(self._request(method, path, body, content_type), 10)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
            self.close()
            raise Broken(type(error).__name__) from error

    async def _request(self, method: str, path: str, body: bytes, content_type: str) -> tuple[int, dict, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                data += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(status_line.split()[1]), headers, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


@dataclass
class Run:
    rate: float
    seconds: float
    due: list[float] = field(default_factory=list)  # wall-clock time each request was due
    latency: list[float] = field(default_factory=list)  # seconds, from due time to the last byte
    errors: int = 0
    late_start: float = 0.0  # worst delay between due time and send (the client's own lag)
    accepted: set[str] = field(default_factory=set)  # submission ids answered 303
    thanked: set[str] = field(default_factory=set)  # ... whose thank-you page came back right

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latency)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * p / 100 + 0.999999) - 1))]

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


async def run(
    port: int,
    kind: str,
    rate: float,
    seconds: float,
    *,
    form_path: str,
    action: str = "",
    body: str = "",
    nonce: str = "",
    thanks_mark: str = "",
    connections: int = 256,
) -> Run:
    """Send `rate` requests a second for `seconds` seconds; `body` has {id} where the submission id goes."""
    result = Run(rate=rate, seconds=seconds)
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(Connection(port))
    loop = asyncio.get_running_loop()
    total = int(rate * seconds)
    clock_offset = time.time() - loop.time()
    pending: deque[asyncio.Task] = deque()

    async def one(n: int, due: float) -> None:
        connection = await pool.get()
        try:
            result.late_start = max(result.late_start, loop.time() - due)
            if kind == "form":
                status, _, _ = await connection.request("GET", form_path)
                ok = status == 200
            else:
                submission_id = f"{nonce}-ffff-4000-8000-{n:012x}"
                status, headers, _ = await connection.request(
                    "POST", action, body.replace("{id}", submission_id).encode(), "application/x-www-form-urlencoded"
                )
                ok = False
                if status == 303:
                    result.accepted.add(submission_id)
                    status, _, page = await connection.request("GET", headers["location"])
                    ok = status == 200 and thanks_mark.encode() in page
                    if ok:
                        result.thanked.add(submission_id)
            if ok:
                result.due.append(due + clock_offset)
                result.latency.append(loop.time() - due)
            else:
                result.errors += 1
        except Broken:
            result.errors += 1
        finally:
            pool.put_nowait(connection)

    start = loop.time() + 0.05
    sent = 0
    while sent < total:
        now = loop.time()
        due_now = min(total, int((now - start) * rate) + 1) if now >= start else 0
        while sent < due_now:
            pending.append(asyncio.create_task(one(sent + 1, start + sent / rate)))
            sent += 1
        while pending and pending[0].done():
            pending.popleft()
        await asyncio.sleep(min(0.001, max(0.0, start + sent / rate - loop.time())))
    await asyncio.gather(*pending)
    while not pool.empty():
        pool.get_nowait().close()
    return result


def run_sync(*args, **kwargs) -> Run:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run(*args, **kwargs))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(run(*args, **kwargs))
