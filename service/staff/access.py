"""Who is asking, for every staff route: the session cookie (or a trusted
single-sign-on header), and CSRF on every state-changing request.

Handlers declare a `viewer: Viewer` parameter; this dependency supplies it
or stops the request: anonymous visitors go to the sign-in page, a POST
without the session's CSRF token is refused.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import PermissionDeniedException

from service.db.pool import transaction

from . import service
from .service import Viewer

SESSION_COOKIE = "heard_staff"
SIGN_IN_COOKIE = "heard_signin"  # CSRF for the sign-in form itself (double submit)


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


async def provide_viewer(request: Request, state: State) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    viewer = None
    if token:
        async with transaction(state.pool) as conn:
            viewer = await service.viewer_for_token(conn, token=token)
    if viewer is None:
        raise SignInRequired(request.url.path)
    if request.method not in ("GET", "HEAD"):
        form = await request.form()
        sent = form.get("csrf_token") or request.headers.get("x-csrf-token")
        if not service.csrf_matches(viewer, sent if isinstance(sent, str) else None):
            raise PermissionDeniedException("The form was out of date. Please go back, reload the page and try again.")
    return viewer


def require(allowed: bool) -> None:
    """Stop here unless the viewer may see or do this (checked on the server, every time)."""
    if not allowed:
        raise PermissionDeniedException("You don't have access to this page.")


def sign_in_location(next_path: str) -> str:
    return f"/staff/sign-in?next={quote(next_path, safe='/')}"
