"""Pages go gzipped to browsers that accept it; redirects, small bodies and browsers that do not ask get them as
they are (service/web/compression.py)."""

from __future__ import annotations

import gzip

import pytest

from service.web.compression import accepts_gzip, compression
from tests import factories
from tests.http.helpers import answers, hidden_fields

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


async def test_the_form_goes_compressed_to_a_browser_that_accepts_gzip(client, pool):
    touchpoint = await factories.touchpoint(pool)
    response = await client.get(f"/t/{touchpoint.code}/form/parent", headers=GZIP)

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    # the test client has unpacked it: the page is whole, and what travelled was much smaller
    assert 'name="submission_id"' in response.text
    assert int(response.headers["content-length"]) * 2 < len(response.content)
    assert response.headers["content-security-policy"], "the security headers are still there"


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br"])
async def test_a_browser_that_does_not_take_gzip_gets_the_page_as_it_is(client, pool, accept):
    touchpoint = await factories.touchpoint(pool)
    headers = {"Accept-Encoding": accept} if accept else {"Accept-Encoding": ""}
    response = await client.get(f"/t/{touchpoint.code}/form/parent", headers=headers)

    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)


async def test_the_redirect_after_a_submission_is_not_compressed_and_the_answers_are_stored(client, pool):
    touchpoint = await factories.touchpoint(pool)
    form = await client.get(f"/t/{touchpoint.code}/form/parent", headers=GZIP)
    sent = {**hidden_fields(form.text), **answers(listened="3", understood="2", respect="3", better="2")}

    response = await client.post(f"/t/{touchpoint.code}/form/parent", data=sent, headers=GZIP, follow_redirects=False)

    assert response.status_code == 303
    assert "content-encoding" not in response.headers
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_scripts_go_compressed_and_unpack_to_the_same_bytes(client):
    plain = await client.get("/sw.js", headers={"Accept-Encoding": ""})
    packed = await client.get("/sw.js", headers=GZIP)

    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content
    assert packed.headers["cache-control"] == plain.headers["cache-control"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"gzip", True),
        (b"gzip, deflate, br", True),
        (b"br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        (b"*", True),
        (b"GZIP", True),
        (b"gzip;q=0", False),
        (b"gzip;q=0.0, *;q=1", False),
        (b"identity", False),
        (b"br", False),
        (b"*;q=0", False),
        (b"gzip;q=nonsense", False),
        (b"", False),
    ],
)
def test_accept_encoding_is_read_as_browsers_mean_it(header, expected):
    assert accepts_gzip(header) is expected


async def test_a_body_sent_in_parts_is_compressed_as_it_comes():
    parts = [b"first part " * 100, b"second part " * 100, b""]

    async def streaming(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for number, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": number < len(parts) - 1})

    sent: list[dict] = []

    async def collect(message):
        sent.append(message)

    scope = {"type": "http", "headers": [(b"accept-encoding", b"gzip")], "path": "/", "method": "GET"}
    await compression(streaming)(scope, None, collect)

    start, *bodies = sent
    names = dict(start["headers"])
    assert names[b"content-encoding"] == b"gzip" and b"content-length" not in names
    assert len(bodies) == 3 and all(body.get("more_body", False) for body in bodies[:-1])
    assert gzip.decompress(b"".join(body["body"] for body in bodies)) == b"".join(parts)
