"""Heard with a planted fault, to show that the benchmark and the reliability
checks fail when they should. Never used in production: nothing in service/
knows about it; infra/bench/harness.py starts it instead of `heard serve`
when HEARD_PLANTED_FAULT is set (only this file and the harness read it).

    HEARD_PLANTED_FAULT=drop-100 bash infra/bench/run.sh --duration 3 --rounds 1
    HEARD_PLANTED_FAULT=double-100 bash infra/reliability/run.sh steady --seconds 5

Faults (each counted per worker process):
  drop-100          every 100th accepted answer is deleted after it was stored:
                    the person still gets the 303 and the thank-you page
  double-100        every 100th accepted answer is stored a second time (a copy of
                    its row with the same submission id)
  thanks-error-100  every 100th thank-you page is an error page, status 200
                    ("Sorry, something went wrong")

Run with the uvicorn options `heard serve` uses (service.cli.server_options):

    python infra/bench/faulty_app.py --port 8100 --workers 2
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import uuid
from pathlib import Path
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

FAULTS = ("drop-100", "double-100", "thanks-error-100")
FORM = re.compile(r"^/t/[^/]+/form/[^/]+$")
THANKS = re.compile(r"^/t/[^/]+/thanks$")
ERROR_PAGE = (
    b'<!doctype html><html lang="en-GB"><head><title>Sorry, something went wrong</title></head>'
    b"<body><main><h1>Sorry, something went wrong</h1><p>Please try again later.</p></main></body></html>"
)

COPY = """insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                       submitted_on, answers, held, practitioner_id, contact_kind)
select submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language, submitted_on, answers,
       held, practitioner_id, contact_kind
from responses where submission_id = $1 limit 1"""
DROP = [
    "delete from reading_items where submission_id = $1",
    "delete from free_text_answers where response_id in (select id from responses where submission_id = $1)",
    "delete from responses where submission_id = $1",
    "delete from submission_ids where submission_id = $1",
]


def create_app():
    import asyncpg

    from service.app import create_app as heard_app

    fault = os.environ["HEARD_PLANTED_FAULT"]
    if fault not in FAULTS:
        raise SystemExit(f"HEARD_PLANTED_FAULT must be one of {', '.join(FAULTS)}")
    inner = heard_app()
    state = {"accepted": 0, "thanks": 0, "pool": None}

    async def database():
        if state["pool"] is None:
            state["pool"] = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=2)
        return state["pool"]

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return await inner(scope, receive, send)
        path, method = scope["path"], scope["method"]
        if fault == "thanks-error-100" and method == "GET" and THANKS.match(path):
            state["thanks"] += 1
            if state["thanks"] % 100 == 0:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(ERROR_PAGE)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": ERROR_PAGE})
                return
            return await inner(scope, receive, send)
        if fault in ("drop-100", "double-100") and method == "POST" and FORM.match(path):
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            replayed = False

            async def replay():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            held = []

            async def hold(message):
                held.append(message)

            await inner(scope, replay, hold)
            start = held[0] if held else {}
            location = dict(start.get("headers", [])).get(b"location", b"")
            if start.get("status") == 303 and b"/thanks" in location and b"again=1" not in location:
                state["accepted"] += 1
                if state["accepted"] % 100 == 0:
                    submission = uuid.UUID(parse_qs(body.decode())["submission_id"][0])
                    pool = await database()
                    async with pool.acquire() as conn, conn.transaction():
                        if fault == "double-100":
                            await conn.execute(COPY, submission)
                        else:
                            for statement in DROP:
                                await conn.execute(statement, submission)
            for message in held:
                await send(message)
            return
        return await inner(scope, receive, send)

    return app


def main() -> None:
    import uvicorn

    from service.cli import server_options

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    uvicorn.run(
        "faulty_app:create_app", factory=True, app_dir=str(HERE), **server_options(args.host, args.port, args.workers)
    )


if __name__ == "__main__":
    main()
