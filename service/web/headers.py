"""Security headers on every response, `Cache-Control: no-store` on every staff one, and one request header read.

The CSP allows nothing inline and nothing from another origin; touchpoint
codes are in URLs, so no referrer is ever sent.

Staff pages, exports, one-time passwords and recovery codes must not come
back from the browser's cache (its Back button, a shared council PC) after
sign-out.

Both are added by one ASGI middleware from header lines encoded once at
start-up: it covers pages, redirects, files and the error pages exception
handlers make, and costs a list concatenation per response (Litestar's own
`response_headers` re-encode every header on every response, a measurable
share of the respondent form's time).
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

STAFF_PREFIX = "/staff"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


_EVERYWHERE = _encoded(SECURITY_HEADERS)
_STAFF = _encoded({**SECURITY_HEADERS, **NO_STORE})
_EVERYWHERE_NAMES = frozenset(name for name, _ in _EVERYWHERE)
_STAFF_NAMES = frozenset(name for name, _ in _STAFF)


def request_header(scope: Scope, name: bytes) -> str | None:
    """One request header (`name` lower-case, as servers pass them), read from the ASGI scope: Litestar's
    `request.headers` first builds a multidict of every header, 4 us of a respondent page's 40 for one value."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def is_staff_path(path: str) -> bool:
    return path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/")


def security_headers(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        staff = is_staff_path(scope["path"])
        added, replaced = (_STAFF, _STAFF_NAMES) if staff else (_EVERYWHERE, _EVERYWHERE_NAMES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [line for line in message.get("headers", ()) if line[0].lower() not in replaced]
                message = {**message, "headers": kept + added}
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
