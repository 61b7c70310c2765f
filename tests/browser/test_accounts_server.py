"""Accounts and logs against Heard as `heard serve` runs it: parallel wrong
passwords never get past the limit, and every log line is JSON."""

from __future__ import annotations

import asyncio
import json
import re
import uuid

import httpx

from service.staff import service as staff_service
from tests import factories
from tests.browser.conftest import running_heard
from tests.http.test_fuzz import encode_multipart


async def _sign_in_token(client: httpx.AsyncClient, base: str) -> str:
    form = await client.get(f"{base}/staff/sign-in")
    return re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)


async def test_parallel_wrong_passwords_never_get_past_the_limit(server, pool):
    """Found by a council's IT: 40 parallel wrong passwords got 24 checks before the first 429 (limit 5)."""
    person = await factories.staff(pool)
    email = await factories.email_of(pool, person)
    async with httpx.AsyncClient(timeout=60) as client:
        token = await _sign_in_token(client, server)

        async def guess(number: int) -> int:
            response = await client.post(
                f"{server}/staff/sign-in", data={"email": email, "password": f"guess {number}", "csrf_token": token}
            )
            return response.status_code

        answers = await asyncio.gather(*(guess(n) for n in range(40)))

    assert answers.count(401) == staff_service.ACCOUNT_LIMIT, answers
    assert answers.count(429) == 40 - staff_service.ACCOUNT_LIMIT
    assert (
        await pool.fetchval("select count(*) from sign_in_failures where subject = $1", f"account:{email}")
        == staff_service.ACCOUNT_LIMIT
    )


async def test_every_log_line_of_a_serve_session_is_json_and_names_no_touchpoint(dsn, pool):
    touchpoint = await factories.touchpoint(pool)
    with running_heard(dsn, env={"HEARD_LOG_LEVEL": "INFO"}) as (base, log):
        async with httpx.AsyncClient(timeout=30) as client:
            await client.get(f"{base}/t/{touchpoint.code}")
            # A multipart body that is not UTF-8: the "refused data" line.
            body = encode_multipart([(b"q_anything_else", b"\xff\xfe not utf-8")], str(uuid.uuid4()), "b0undary")
            refused = await client.post(
                f"{base}/t/{touchpoint.code}/form/parent",
                content=body,
                headers={"content-type": "multipart/form-data; boundary=b0undary"},
            )
            await client.get(f"{base}/staff/teams/1/export.csv")
        await asyncio.sleep(0.5)  # the worker's lines reach the file
        log.seek(0)
        lines = [line for line in log.read().decode().splitlines() if line.strip()]

    entries = [json.loads(line) for line in lines]  # fails on any line that is not JSON
    loggers = {entry["logger"] for entry in entries}
    assert any(name.startswith("uvicorn") for name in loggers), loggers  # uvicorn's own lines, as JSON
    assert "heard" in loggers
    assert refused.status_code == 400
    refusals = [e for e in entries if e["message"] == "refused data"]
    assert refusals and refusals[0]["route"] == "/t/{code}/form/{audience}"
    assert all(touchpoint.code not in line for line in lines)
