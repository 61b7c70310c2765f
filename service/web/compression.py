"""gzip for browsers that accept it, only where it saves something.

Families answer on phones, often on a small data plan: a page of 500 bytes or
more goes compressed (a form of 15 KB travels as about 4 KB). Litestar's own
compression middleware starts a gzip stream (a quarter of a megabyte of zlib
state) for every response to such a browser before it knows whether there is
anything to compress, the 303 after every submission included. This one waits
for the body: a whole body is compressed in one call, a streamed one as it
comes, and a redirect, a small page or a body already encoded goes as it is.
"""

from __future__ import annotations

import gzip
import zlib
from typing import cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

MINIMUM_SIZE = 500  # bytes: smaller bodies gain less than gzip's own 18 bytes and the time
LEVEL = 6


def accepts_gzip(value: bytes) -> bool:
    """Whether an Accept-Encoding header allows gzip: `gzip` or `*` with a quality above 0 (`gzip;q=0` refuses)."""
    qualities: dict[str, float] = {}
    for part in value.decode("latin-1").lower().split(","):
        coding, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, number = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        qualities[coding.strip()] = quality
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0


def _wants_gzip(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return accepts_gzip(value)
    return False


def _gzip_headers(start: HTTPResponseStartEvent, length: int | None) -> Message:
    headers = [(name, value) for name, value in start.get("headers", ()) if name.lower() != b"content-length"]
    vary = next((value for name, value in headers if name.lower() == b"vary"), None)
    headers = [(name, value) for name, value in headers if name.lower() != b"vary"]
    headers.append((b"vary", vary + b", Accept-Encoding" if vary else b"Accept-Encoding"))
    headers.append((b"content-encoding", b"gzip"))
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return cast(Message, {**start, "headers": headers})


def compression(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not _wants_gzip(scope):
            await app(scope, receive, send)
            return
        start: HTTPResponseStartEvent | None = None  # held until the first body says whether to compress
        stream: zlib._Compress | None = None  # a body sent in parts: compressed as it comes

        async def send_compressed(message: Message) -> None:
            nonlocal start, stream
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body, more = message.get("body", b""), message.get("more_body", False)
            if stream is not None:  # the rest of a streamed body
                data = stream.compress(body) + (stream.flush(zlib.Z_SYNC_FLUSH) if more else stream.flush())
                await send({**message, "body": data})
                return
            if start is None:  # already sent as it is
                await send(message)
                return
            first, start = start, None
            encoded = any(name.lower() == b"content-encoding" for name, _ in first.get("headers", ()))
            if encoded or (not more and len(body) < MINIMUM_SIZE):
                await send(first)
                await send(message)
            elif not more:
                data = gzip.compress(body, LEVEL, mtime=0)
                await send(_gzip_headers(first, len(data)))
                await send({**message, "body": data})
            else:
                stream = zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
                await send(_gzip_headers(first, None))
                await send({**message, "body": stream.compress(body) + stream.flush(zlib.Z_SYNC_FLUSH)})

        await app(scope, receive, send_compressed)

    return middleware
