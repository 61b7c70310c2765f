"""Signing in with the organisation's account: off to the provider and back."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from asyncpg import Connection
from litestar import Request, get
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from service.db.request import WRITES

from . import oidc, service, sso
from .routes import safe_next, session_cookie

STATE_COOKIE = "heard_oidc"
_PATH = "/staff/sign-in/oidc"


def _refused(problem: str, next_path: str = "/staff") -> Redirect:
    response = Redirect(f"/staff/sign-in?problem={problem}&next={quote(next_path, safe='/')}", status_code=303)
    response.delete_cookie(STATE_COOKIE, path=_PATH)
    return response


@get(_PATH, name="oidc_start", opt=WRITES)
async def oidc_start(request: Request, conn: NamedDependency[Connection], state: State) -> Redirect:
    """A fresh state, nonce and PKCE verifier, kept server-side for ten minutes; the state also in a cookie, so
    only this browser can finish this sign-in."""
    settings = state.settings
    if not settings.oidc_issuer:
        raise NotFoundException()
    next_path = safe_next(request.query_params.get("next"))
    login_state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    try:
        url = await oidc.authorization_url(settings, state=login_state, nonce=nonce, code_verifier=verifier)
    except oidc.OidcFailed:
        return _refused("sso_failed", next_path)
    await service.sso_attempt(conn, state=login_state, nonce=nonce, code_verifier=verifier, next_path=next_path)
    response = Redirect(url, status_code=303)
    # Lax: the provider sends the browser back with a top-level GET, which carries it.
    response.set_cookie(
        Cookie(
            key=STATE_COOKIE,
            value=login_state,
            path=_PATH,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            max_age=600,
        )
    )
    return response


@get(oidc.CALLBACK_PATH, name="oidc_callback")
async def oidc_callback(request: Request, conn: NamedDependency[Connection], state: State) -> Redirect:
    """No request transaction (a GET): the provider is asked between two short writes (service/staff/sso.py)."""
    if not state.settings.oidc_issuer:
        raise NotFoundException()
    came = await sso.come_back(
        conn,
        state.settings,
        sent=request.query_params.get("state") or "",
        kept=request.cookies.get(STATE_COOKIE) or "",
        code=request.query_params.get("code"),
    )
    if came.signed_in is None:
        return _refused(came.problem or "sso_failed", came.next_path)
    response = Redirect(came.next_path, status_code=303)
    response.set_cookie(session_cookie(state, came.signed_in.token))
    response.delete_cookie(STATE_COOKIE, path=_PATH)
    return response


ROUTES = [oidc_start, oidc_callback]
