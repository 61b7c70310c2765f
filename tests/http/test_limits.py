"""Request bodies over HEARD_MAX_BODY_BYTES get 413 with a kind page, and
nothing is stored; a body under the limit is read and checked as usual."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import load_settings
from tests import factories
from tests.http.test_fuzz import scan_form, stored_count


async def filled_form(client, touchpoint, audience: str = "parent") -> dict[str, str]:
    response = await client.get(f"/t/{touchpoint.code}/form/{audience}")
    scan = scan_form(response.text)
    return {**scan.hidden, **{name: values[0] for name, values in scan.radios.items()}}


async def test_max_body_bytes_defaults_to_64_kb_and_is_read_from_the_environment():
    assert load_settings({}).max_body_bytes == 65536
    assert load_settings({"HEARD_MAX_BODY_BYTES": "1024"}).max_body_bytes == 1024


async def test_a_body_over_the_limit_gets_413_with_a_kind_page_and_nothing_is_stored(client, pool, touchpoint):
    form = await filled_form(client, touchpoint)
    body = urlencode({**form, "q_anything_else": "x" * 70_000})

    response = await client.post(
        f"/t/{touchpoint.code}/form/parent", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )

    assert response.status_code == 413
    assert "too large" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert await stored_count(pool, touchpoint.id) == 0


async def test_a_chunked_body_over_the_limit_without_a_length_gets_413(app, client, pool, touchpoint):
    """What a server hands the app for `Transfer-Encoding: chunked`: pieces,
    and no Content-Length to refuse early on."""
    form = await filled_form(client, touchpoint)
    body = urlencode({**form, "q_anything_else": "x" * 70_000}).encode()
    pieces = [body[start : start + 8192] for start in range(0, len(body), 8192)]
    sent: list[dict] = []

    async def receive() -> dict:
        piece = pieces.pop(0) if pieces else b""
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"/t/{touchpoint.code}/form/parent",
        "raw_path": f"/t/{touchpoint.code}/form/parent".encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"transfer-encoding", b"chunked"),
        ],
        "state": {},
    }
    await app(scope, receive, send)

    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert b"too large" in b"".join(m.get("body", b"") for m in sent[1:])
    assert await stored_count(pool, touchpoint.id) == 0


async def test_a_long_answer_under_the_body_limit_is_refused_as_too_long_not_413(client, pool, touchpoint):
    form = await filled_form(client, touchpoint)

    response = await client.post(f"/t/{touchpoint.code}/form/parent", data={**form, "q_anything_else": "x" * 50_000})

    assert response.status_code == 422
    assert await stored_count(pool, touchpoint.id) == 0


async def test_the_body_limit_follows_the_setting(dsn, pool):
    touchpoint = await factories.touchpoint(pool)
    small = load_settings({"HEARD_MAX_BODY_BYTES": "300"}, database_url=dsn, log_level="WARNING")
    async with AsyncTestClient(app=create_app(small)) as client:
        client.follow_redirects = False
        form = await filled_form(client, touchpoint)
        form["submission_id"] = str(uuid.uuid4())

        short = await client.post(f"/t/{touchpoint.code}/form/parent", data=form)
        long = await client.post(
            f"/t/{touchpoint.code}/form/parent",
            data={**form, "submission_id": str(uuid.uuid4()), "q_anything_else": "x" * 400},
        )

    assert short.status_code == 303
    assert long.status_code == 413
    assert await stored_count(pool, touchpoint.id) == 1
