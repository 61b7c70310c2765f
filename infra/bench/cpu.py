"""What each app costs the server's CPU per request, measured in one process: Heard's ASGI app against the
bare app's (infra/bench/bare_app.py), no server, no sockets, no wrk.

    .venv/bin/python infra/bench/cpu.py [--loads form,submit,text] [--requests 6000] [--rounds 8]
                                        [--concurrency 32] [--profile heard-submit]

bench.py's "server CPU per request" includes uvicorn and the kernel, and swings with the machine. This one
counts only the apps' own Python and asyncpg work, with the same PostgreSQL behind both, so a difference of
a few percent shows. Each round runs --requests requests through Heard and through bare, back to back
(the order alternating), --concurrency at a time as one busy worker has them (32: bench.py's 64
connections over 2 workers), and reads the process's CPU time. Loads:
  form        GET the respondent's form;
  submit      POST it filled in (a fresh id) and GET the thank-you page the 303 points at;
  text        the same, every 3rd with free text and every 5th of those flagged (bench.py's load (c)).
Every answer is checked (200 with the thank-you heading, 303; every submission stored once, with its written
answer, flagged ones queued: bench.check_stored), so a broken app cannot look cheap; HEARD_PLANTED_FAULT (infra/bench/faulty_app.py) shows it exit 1.

--profile APP-LOAD (e.g. heard-submit, or all) runs cProfile over that app's first round of that load,
writes the stats to /tmp/cpu-APP-LOAD.pstats and prints the 30 functions with the most time of their own:
how the extra cost of Heard's submission was found (Litestar's form parsing and response building, route
middleware) before 9922d76.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import harness
import openloop
from bench import (
    FLAGGED_TEXT,
    TEXT,
    TEXT_FIELD,
    THANKS_MARK,
    check_stored,
    text_kind,
    touchpoint_of,
    write_bare_templates,
)

Request = tuple[str, str, bytes, bytes]  # method, path, query string, body


class WrongAnswer(Exception):
    """An app answered a request otherwise than a respondent should see."""


class App:
    """An ASGI app driven directly: its lifespan started, requests handed over as ASGI messages."""

    def __init__(self, name: str, asgi: Callable) -> None:
        self.name, self.asgi = name, asgi
        self._lifespan: asyncio.Queue = asyncio.Queue()

    async def start(self) -> None:
        replies: asyncio.Queue = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._task = asyncio.create_task(self.asgi(scope, self._lifespan.get, replies.put))
        await self._lifespan.put({"type": "lifespan.startup"})
        reply = await replies.get()
        if reply["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"{self.name} did not start: {reply}")
        self._replies = replies

    async def stop(self) -> None:
        await self._lifespan.put({"type": "lifespan.shutdown"})
        await self._replies.get()
        await self._task

    async def call(self, method: str, path: str, query: bytes = b"", body: bytes = b"") -> tuple[int, dict, bytes]:
        headers = [(b"host", b"127.0.0.1:8000")]
        if method == "POST":
            headers += [
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"content-length", str(len(body)).encode()),
            ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        delivered = False

        async def receive() -> dict:
            nonlocal delivered
            if delivered:  # the request is whole: nothing more comes until the client goes
                await asyncio.Event().wait()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        answer: dict = {"status": 0, "headers": {}, "body": b""}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], dict(message.get("headers", []))
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        await self.asgi(scope, receive, send)
        return answer["status"], answer["headers"], answer["body"]

    async def visit(self, request: Request) -> None:
        """One person's request: a form GET, or a POST followed to its thank-you page. Raises if either
        answer is not what the respondent should see (WrongAnswer)."""
        method, path, query, body = request
        status, headers, page = await self.call(method, path, query, body)
        if method == "POST":
            if status != 303:
                raise WrongAnswer(f"{self.name}: POST answered {status}, not 303: {page[:300]!r}")
            path, _, query = headers[b"location"].decode().partition("?")
            status, _, page = await self.call("GET", path, query.encode())
            if status != 200 or THANKS_MARK.encode() not in page:
                raise WrongAnswer(f"{self.name}: thank-you page {status} without its heading: {page[:300]!r}")
        elif status != 200:
            raise WrongAnswer(f"{self.name}: GET {path} answered {status}")


class Requests:
    """One app's requests for each load, every submission with a fresh id in bench.py's format (under a nonce of
    this app's), all of them remembered with what they wrote, for bench.check_stored."""

    def __init__(self, code: str, scan: harness.FormScan) -> None:
        self.path, self.action, self.scan = f"/t/{code}/form/parent", scan.action or "", scan
        self.nonce = secrets.token_hex(4)
        self.sent: set[str] = set()
        self.with_text: dict[str, int] = {}

    def make(self, load: str, count: int) -> list[Request]:
        if load == "form":
            return [("GET", self.path, b"", b"")] * count
        return [self._submission(load == "text") for _ in range(count)]

    def _submission(self, text: bool) -> Request:
        n = len(self.sent) + 1
        submission_id = openloop.submission_id(self.nonce, 1, n)
        self.sent.add(submission_id)
        body = harness.form_body(self.scan, submission_id)
        if text and (kind := text_kind(n)):
            self.with_text[submission_id] = kind
            body += "&" + urlencode({TEXT_FIELD: FLAGGED_TEXT if kind == 2 else TEXT})
        return ("POST", self.action, b"", body.encode())


async def cpu_per_request(app: App, requests: list[Request], concurrency: int, profile: Path | None) -> float:
    """Microseconds of this process's CPU per request, `concurrency` people at a time."""
    queue = iter(requests)

    async def person() -> None:
        for request in queue:
            await app.visit(request)

    profiler = cProfile.Profile() if profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    await asyncio.gather(*(person() for _ in range(concurrency)))
    if profiler:
        profiler.disable()
    spent = time.process_time() - started
    if profiler and profile:
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return spent / len(requests) * 1e6


async def main(args: argparse.Namespace) -> int:
    postgres = harness.Postgres(prefix="heard-cpu-pg-")
    dsn = postgres.create_database("cpu")
    code = await harness.prepare_database(dsn)
    os.environ.update(harness.heard_environment(dsn, 8000))
    if os.environ.get("HEARD_PLANTED_FAULT"):
        # A deliberately broken Heard (infra/bench/faulty_app.py), to show the checks fail when they should.
        print(f"PLANTED FAULT: {os.environ['HEARD_PLANTED_FAULT']} (Heard is infra/bench/faulty_app.py)")
        from faulty_app import create_app
    else:
        from service.app import create_app

    heard = App("Heard", create_app())
    await heard.start()
    status, _, form_page = await heard.call("GET", f"/t/{code}/form/parent")
    _, _, thanks_page = await heard.call("GET", f"/t/{code}/thanks", b"lang=en-GB")
    if status != 200:
        raise RuntimeError(f"Heard's form answered {status}")
    scan = harness.FormScan()
    scan.feed(form_page.decode())

    # The bare app, with Heard's own pages as its templates (as bench.py runs it).
    templates = Path(tempfile.mkdtemp(prefix="heard-cpu-"))
    write_bare_templates(form_page.decode(), thanks_page.decode(), templates)
    touchpoint_id, team_id = await touchpoint_of(dsn, code)
    os.environ.update(
        BARE_TEMPLATES=str(templates),
        BARE_TOUCHPOINT_ID=str(touchpoint_id),
        BARE_TEAM_ID=str(team_id),
        BARE_TEXT_FIELDS=TEXT_FIELD,
    )
    import bare_app

    bare = App("bare", bare_app.create_app())
    await bare.start()
    apps = [heard, bare]
    requests = {app.name: Requests(code, scan) for app in apps}
    print(
        f"In one process: {args.rounds} rounds of {args.requests} requests per load and app, "
        f"{args.concurrency} at a time; CPU microseconds per request (median of the rounds)",
        flush=True,
    )
    try:
        # Warm: every page rendered, screening's lists built, the pools' connections opened and prepared.
        for app in apps:
            for load in args.loads:
                for request in requests[app.name].make(load, 200):
                    await app.visit(request)
        for load in args.loads:
            spent: dict[str, list[float]] = {app.name: [] for app in apps}
            for round_ in range(args.rounds):
                for app in apps if round_ % 2 == 0 else apps[::-1]:
                    wanted = args.profile in (f"{app.name.lower()}-{load}", "all") and round_ == 0
                    profile = Path(f"/tmp/cpu-{app.name.lower()}-{load}.pstats") if wanted else None
                    batch = requests[app.name].make(load, args.requests)
                    spent[app.name].append(await cpu_per_request(app, batch, args.concurrency, profile))
            ours, theirs = statistics.median(spent["Heard"]), statistics.median(spent["bare"])
            print(f"{load:6} Heard {ours:7.1f}  bare {theirs:7.1f}  Heard/bare {ours / theirs:.2f}", flush=True)
            for app in apps:
                print(f"{'':6} {app.name:5} each round: " + " ".join(f"{us:.0f}" for us in spent[app.name]))
    except WrongAnswer as wrong:
        print(f"NOT measured, a wrong answer: {wrong}")
        return 1
    finally:
        await heard.stop()
        await bare.stop()
    # Every submission stored once, its written answer beside it, and (Heard screens) the flagged ones queued.
    problems = []
    for app in apps:
        made = requests[app.name]
        check = await check_stored(
            dsn,
            made.nonce,
            made.sent,
            made.sent,
            made.sent,
            made.with_text if "text" in args.loads else None,
            free_text_table=True,
            screened=app is heard,
            in_flight_allowed=0,
        )
        problems += [f"{app.name}: {problem}" for problem in check["problems"]]
    if problems:
        print("NOT stored as sent: " + "; ".join(problems))
        return 1
    print(f"all {sum(len(made.sent) for made in requests.values())} submissions stored as sent")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", default="form,submit,text", type=lambda s: s.split(","))
    parser.add_argument("--requests", type=int, default=6000, help="per round, app and load")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", default="", help="APP-LOAD (heard-form, bare-text...) or all")
    args = parser.parse_args(argv)
    unknown = set(args.loads) - {"form", "submit", "text"}
    if unknown:
        parser.error(f"unknown loads: {', '.join(sorted(unknown))}")
    return args


if __name__ == "__main__":
    import uvloop

    sys.exit(uvloop.run(main(parse_args())))
