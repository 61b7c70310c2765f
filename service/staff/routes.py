"""Signing in and out, and the staff home page."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.response import Redirect

from service.db.request import WRITES
from service.touchpoints.kinds import CONTACT_KINDS
from service.touchpoints.service import codes_to_show
from service.web.language import speak
from service.web.templating import page

from . import service
from .access import SESSION_COOKIE, SIGN_IN_COOKIE, STAGE_PAGES, SignInRequired, sign_in_location
from .queries import PendingSession
from .service import Viewer


def safe_next(value: object) -> str:
    """Only ever go back to a staff page on this site."""
    return (
        value
        if isinstance(value, str) and value.startswith("/staff") and not value.startswith("//") and "\\" not in value
        else "/staff"
    )


_safe_next = safe_next


def session_cookie(state: State, token: str, max_age: int | None = service.SESSION_HOURS * 3600) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/staff",
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
        max_age=max_age,
    )


_session_cookie = session_cookie


def onward(stage: str, next_path: str) -> str:
    """The next step's page (carrying where to go in the end), or that place itself."""
    if stage in STAGE_PAGES:
        return f"{STAGE_PAGES[stage]}?next={quote(next_path, safe='/')}"
    return next_path


@get("/staff/sign-in", name="sign_in", opt=WRITES)
async def sign_in_page(request: Request, conn: NamedDependency[Connection], state: State) -> Response[str] | Redirect:
    speak(request)
    next_path = _safe_next(request.query_params.get("next"))
    header = state.settings.sso_email_header
    if header and request.headers.get(header):
        signed_in = await service.viewer_for_email(conn, email=request.headers[header])
        if signed_in:
            response = Redirect(next_path, status_code=303)
            response.set_cookie(_session_cookie(state, signed_in.token, service.SESSION_HOURS * 3600))
            return response
    problem = request.query_params.get("problem")
    return _sign_in_form(state, next_path, problem if problem in OIDC_PROBLEMS else None)


# What a single sign-on attempt that did not work can say (the page words each).
OIDC_PROBLEMS = ("sso_failed", "sso_domain", "sso_no_account")


def _sign_in_form(
    state: State, next_path: str, problem: str | None = None, email: str = "", status: int = 200
) -> Response[str]:
    token = secrets.token_urlsafe(24)
    response = page(
        "staff/sign_in.html",
        status=status,
        csrf_token=token,
        next_path=next_path,
        problem=problem,
        email=email,
        oidc=bool(state.settings.oidc_issuer),
    )
    response.set_cookie(
        Cookie(
            key=SIGN_IN_COOKIE,
            value=token,
            path="/staff/sign-in",
            httponly=True,
            samesite="strict",
            secure=state.settings.secure_cookies,
            max_age=3600,
        )
    )
    return response


@post("/staff/sign-in", name="sign_in_post")
async def sign_in(request: Request, conn: NamedDependency[Connection], state: State) -> Response[str] | Redirect:
    form = await request.form()
    next_path = _safe_next(form.get("next"))
    email = str(form.get("email") or "")[:320]
    if not _sign_in_form_fresh(request, str(form.get("csrf_token") or "")):
        return _sign_in_form(state, next_path, "expired", email, status=403)
    result = await service.sign_in(
        conn,
        email=email,
        password=str(form.get("password") or "")[:1000],
        source=request.client.host if request.client else "unknown",
        mfa_policy=state.settings.mfa_required,
    )
    if result.signed_in is None:
        status = 429 if result.problem == "throttled" else 401
        return _sign_in_form(state, next_path, result.problem, email, status=status)
    response = Redirect(onward(result.signed_in.stage, next_path), status_code=303)
    response.set_cookie(_session_cookie(state, result.signed_in.token, service.SESSION_HOURS * 3600))
    response.delete_cookie(SIGN_IN_COOKIE, path="/staff/sign-in")
    return response


def _sign_in_form_fresh(request: Request, sent: str) -> bool:
    """The sign-in form's own CSRF check: the token it was given, back in its cookie (double submit)."""
    expected = request.cookies.get(SIGN_IN_COOKIE) or ""
    return bool(expected) and secrets.compare_digest(expected.encode(), sent.encode())  # bytes: any letters


@post("/staff/sign-out", name="sign_out")
async def sign_out(
    request: Request, conn: NamedDependency[Connection], state: State, signing_in: NamedDependency[PendingSession]
) -> Redirect:
    """Also from part-way through signing in (the steps' pages offer it)."""
    await service.sign_out(conn, token=request.cookies.get(SESSION_COOKIE, ""))
    response = Redirect("/staff/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/staff")
    return response


@get("/staff", name="staff_home")
async def home(conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    """The staff home: a practitioner's own QR codes one tap away, then their feedback and teams."""
    codes = await codes_to_show(
        conn, staff_id=viewer.staff.id, team_ids=list(viewer.teams), today=state.settings.today()
    )
    return page("staff/home.html", viewer=viewer, codes=codes, kinds=CONTACT_KINDS)


def sign_in_required(request: Request, error: SignInRequired) -> Redirect:
    return Redirect(sign_in_location(error.next_path, error.step), status_code=303)


ROUTES = [sign_in_page, sign_in, sign_out, home]
