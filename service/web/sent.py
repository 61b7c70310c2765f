"""The respondent's busiest answers, sent as they are: a finished page or a 303, its header lines encoded once.

Litestar turns a `Response` into the ASGI messages on every request: a header mapping built, each header
encoded, the address of a redirect %-quoted, the content type worked out. For the pages every respondent gets
(the empty form, the 303 after sending it, the thank-you page), whose bytes are kept and whose addresses Heard
builds itself from plain characters, that was most of what the framework did per request. A handler annotated
`-> ASGIApp` may return one of these; Litestar calls it as it is. The security headers and gzip are added
around it like around any other response (service/app.py).
"""

from __future__ import annotations

from typing import cast

from litestar import Response
from litestar.types import ASGIApp, Receive, Scope, Send

HTML_TYPE = (b"content-type", b"text/html; charset=utf-8")
NO_STORE = (b"cache-control", b"no-store")  # a shared device's pages: Back cannot bring one back from the cache


class Sent:
    """A whole response: status, header lines and body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, body: bytes, *, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = [HTML_TYPE, *(headers or ()), (b"content-length", str(len(body)).encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def page(body: bytes, *, kept_from_cache: bool = False) -> Sent:
    """A page of HTML; `kept_from_cache`: a shared device's, never kept by the browser."""
    return Sent(body, headers=[NO_STORE] if kept_from_cache else None)


class SeeOther(Sent):
    """303 to an address on this site that Heard built from plain characters (no quoting needed)."""

    __slots__ = ()

    def __init__(self, location: str) -> None:
        self.status = 303
        self.body = b""
        self.headers = [(b"location", location.encode("ascii")), (b"content-length", b"0")]


def handed_over(answer: Response | Sent) -> ASGIApp:
    """What a handler annotated `-> ASGIApp` returns. The annotation is what makes Litestar call a `Sent` as it is;
    it still checks for a `Response` first and sends one its own way, so a handler may return either."""
    return cast(ASGIApp, answer)
