"""Who is asking, for every staff route: the session cookie (or a trusted
single-sign-on header), and CSRF on every state-changing request.

Handlers declare a `viewer: Viewer` parameter; this dependency supplies it
or stops the request: anonymous visitors go to the sign-in page, a POST
without the session's CSRF token is refused.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException

from service.db.request import RequestDb

from . import service
from .queries import PendingSession
from .service import Viewer

SESSION_COOKIE = "heard_staff"
SIGN_IN_COOKIE = "heard_signin"  # CSRF for the sign-in form itself (double submit)


class SignInRequired(Exception):
    def __init__(self, next_path: str, step: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.step = step  # the page of a step still to do (a session part-way through signing in)


# Where a session part-way through signing in goes next.
STAGE_PAGES = {"code": "/staff/sign-in/code", "new_password": "/staff/sign-in/new-password", "enrol": "/staff/two-step"}


async def provide_viewer(request: Request, db: NamedDependency[RequestDb]) -> Viewer:
    """Looked up on the request's own connection (service/db/request.py): in a POST, the
    session, the permission checks and the write they guard are one transaction."""
    try:
        return await _viewer(request, db)
    except BaseException as error:
        # Litestar does not clean up a dependency whose dependant failed: give the connection back here.
        await db.finish(error)
        raise


async def _viewer(request: Request, db: RequestDb) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    viewer = pending = None
    if token:
        async with db.using() as conn:
            viewer = await service.viewer_for_token(conn, token=token)
            if viewer is None:
                pending = await service.pending_for_token(conn, token=token)
    if viewer is None:
        raise SignInRequired(request.url.path, STAGE_PAGES.get(pending.stage) if pending else None)
    if request.method not in ("GET", "HEAD"):
        form = await request.form()
        sent = form.get("csrf_token") or request.headers.get("x-csrf-token")
        if not service.csrf_matches(viewer, sent if isinstance(sent, str) else None):
            raise PermissionDeniedException("The form was out of date. Please go back, reload the page and try again.")
    return viewer


async def provide_signing_in(request: Request, db: NamedDependency[RequestDb]) -> PendingSession:
    """A session part-way through signing in (or done), for the pages of the
    steps themselves: the two-step code, a new password, setting up two-step
    verification. CSRF is checked the same way."""
    try:
        return await _signing_in(request, db)
    except BaseException as error:
        await db.finish(error)
        raise


async def _signing_in(request: Request, db: RequestDb) -> PendingSession:
    token = request.cookies.get(SESSION_COOKIE)
    pending = None
    if token:
        async with db.using() as conn:
            pending = await service.pending_for_token(conn, token=token)
    if pending is None:
        raise SignInRequired(request.url.path)
    if request.method not in ("GET", "HEAD"):
        form = await request.form()
        sent = form.get("csrf_token") or request.headers.get("x-csrf-token")
        if not isinstance(sent, str) or not hmac.compare_digest(pending.csrf_token.encode(), sent.encode()):
            raise PermissionDeniedException("The form was out of date. Please go back, reload the page and try again.")
    return pending


def require(allowed: bool) -> None:
    """Stop here unless the viewer may see or do this (checked on the server, every time)."""
    if not allowed:
        raise PermissionDeniedException("You don't have access to this page.")


def sign_in_location(next_path: str, step: str | None = None) -> str:
    return f"{step or '/staff/sign-in'}?next={quote(next_path, safe='/')}"
