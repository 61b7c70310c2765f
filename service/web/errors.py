"""Error pages: kind words in the person's language, never a stack trace."""

from __future__ import annotations

import logging

from litestar import Request, Response
from litestar.exceptions import HTTPException

from service.db.pool import DatabaseUnavailable

from .templating import page

log = logging.getLogger("heard.web")


def database_unavailable(request: Request, error: DatabaseUnavailable) -> Response[str]:
    log.warning("database unavailable", extra={"path": request.url.path, "error": str(error)})
    return page("errors/unavailable.html", status=503, headers={"Retry-After": "5"})


def http_error(request: Request, error: HTTPException) -> Response[str]:
    status = error.status_code
    if status >= 500:
        log.error("http error", extra={"path": request.url.path, "status": status})
    return page("errors/http.html", status=status, status_code=status)


def unexpected_error(request: Request, error: Exception) -> Response[str]:
    log.exception("unexpected error", extra={"path": request.url.path})
    return page("errors/http.html", status=500, status_code=500)
