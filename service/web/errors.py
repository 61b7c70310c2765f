"""Error pages: kind words in the person's language, never a stack trace.

Every error page, an address no route matches included, passes through the
security headers (service/web/headers.py, around the whole app: service/app.py).
"""

from __future__ import annotations

import logging

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException

from service.db.pool import UNAVAILABLE, DatabaseUnavailable

from .headers import is_staff_path
from .templating import page

log = logging.getLogger("heard.web")


def where(request: Request) -> dict[str, str | None]:
    """What a log line may say about the request: a staff page's path, but for
    everything else only the route's pattern (e.g. /t/{code:str}/form/...),
    never a touchpoint code, which next to a time could point to a family."""
    if is_staff_path(request.url.path):
        return {"path": request.url.path}
    return {"route": request.scope.get("path_template")}


def database_unavailable(request: Request, error: DatabaseUnavailable) -> Response[str]:
    log.warning("database unavailable", extra={**where(request), "error": str(error)})
    return page("errors/unavailable.html", status=503, headers={"Retry-After": "5"})


def http_error(request: Request, error: HTTPException) -> Response[str]:
    status = error.status_code
    if status >= 500:
        log.error("http error", extra={**where(request), "status": status})
    return page("errors/http.html", status=status, status_code=status)


def unexpected_error(request: Request, error: Exception) -> Response[str]:
    if isinstance(error, UNAVAILABLE):  # PostgreSQL went away during a query on the request's connection
        return database_unavailable(request, DatabaseUnavailable(str(error)))
    if isinstance(error, (asyncpg.DataError, UnicodeDecodeError)):
        # A body that is not valid UTF-8 (Litestar's multipart parser raises
        # this), or input PostgreSQL refuses as data (a NUL character): a bad
        # request, not our failure; any transaction was rolled back.
        log.warning("refused data", extra={**where(request), "error": type(error).__name__})
        return page("errors/http.html", status=400, status_code=400)
    log.exception("unexpected error", extra=where(request))
    return page("errors/http.html", status=500, status_code=500)
