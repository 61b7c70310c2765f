"""Error pages: kind words in the person's language, never a stack trace.

Litestar adds the app's response headers to what handlers return, not to
what exception handlers return, so every error page here carries the
security headers itself.
"""

from __future__ import annotations

import logging

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException

from service.db.pool import DatabaseUnavailable

from .headers import SECURITY_HEADERS
from .templating import page

log = logging.getLogger("heard.web")

HEADERS = {header.name: header.value for header in SECURITY_HEADERS if header.value is not None}


def database_unavailable(request: Request, error: DatabaseUnavailable) -> Response[str]:
    log.warning("database unavailable", extra={"path": request.url.path, "error": str(error)})
    return page("errors/unavailable.html", status=503, headers={**HEADERS, "Retry-After": "5"})


def http_error(request: Request, error: HTTPException) -> Response[str]:
    status = error.status_code
    if status >= 500:
        log.error("http error", extra={"path": request.url.path, "status": status})
    return page("errors/http.html", status=status, status_code=status, headers=HEADERS)


def unexpected_error(request: Request, error: Exception) -> Response[str]:
    if isinstance(error, (asyncpg.DataError, UnicodeDecodeError)):
        # A body that is not valid UTF-8 (Litestar's multipart parser raises
        # this), or input PostgreSQL refuses as data (a NUL character): a bad
        # request, not our failure; any transaction was rolled back.
        log.warning("refused data", extra={"path": request.url.path, "error": type(error).__name__})
        return page("errors/http.html", status=400, status_code=400, headers=HEADERS)
    log.exception("unexpected error", extra={"path": request.url.path})
    return page("errors/http.html", status=500, status_code=500, headers=HEADERS)
