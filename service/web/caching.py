"""`Cache-Control: no-store` on every staff response.

Staff pages, exports, one-time passwords and recovery codes must not come
back from the browser's cache (its Back button, a shared council PC) after
sign-out. Set as ASGI middleware, so it covers every response under /staff:
pages, redirects, files, and the error pages exception handlers make.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send

STAFF_PREFIX = "/staff"


def is_staff_path(path: str) -> bool:
    return path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/")


def no_store_for_staff(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_staff_path(scope["path"]):
            await app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers += [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_no_store)

    return middleware
