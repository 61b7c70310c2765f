"""The steps after a password, and a person's own account: the two-step code,
replacing a first password, setting up two-step verification (QR code and
recovery codes), changing one's password."""

from __future__ import annotations

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.response import Redirect

from service.db.request import WRITES
from service.web.flash import done
from service.web.templating import page

from . import mfa, service
from .access import SESSION_COOKIE, require
from .queries import PendingSession
from .routes import onward, safe_next, session_cookie
from .service import StaffError, Viewer


async def _fields(request: Request) -> dict[str, str]:
    return {key: value[:1000] for key, value in (await request.form()).items() if isinstance(value, str)}


def _at(signing_in: PendingSession, stage: str) -> None:
    """A step's page is only for a session at that step."""
    require(signing_in.stage == stage)


def _moved_on(state: State, stage: str, next_path: str, token: str | None = None) -> Redirect:
    response = Redirect(onward(stage, next_path), status_code=303)
    if token:
        response.set_cookie(session_cookie(state, token))
    return response


def _step_page(
    template: str, signing_in: PendingSession, next_path: str, *, status: int = 200, problem: str | None = None
) -> Response[str]:
    """A step's own page (the two-step code, a new password), with why the last try was refused, if it was."""
    return page(template, status=status, signing_in=signing_in, problem=problem, next_path=next_path)


# The two-step code --------------------------------------------------------------------------


@get("/staff/sign-in/code", name="sign_in_code")
async def code_page(request: Request, signing_in: NamedDependency[PendingSession]) -> Response[str]:
    _at(signing_in, "code")
    return _step_page("staff/sign_in_code.html", signing_in, safe_next(request.query_params.get("next")))


@post("/staff/sign-in/code", name="sign_in_code_post")
async def code_check(
    request: Request, conn: NamedDependency[Connection], state: State, signing_in: NamedDependency[PendingSession]
) -> Response:
    _at(signing_in, "code")
    fields = await _fields(request)
    next_path = safe_next(fields.get("next"))
    result = await service.check_code(
        conn,
        token=request.cookies.get(SESSION_COOKIE, ""),
        staff_id=signing_in.id,
        code=fields.get("code", "")[:64],
        mfa_policy=state.settings.mfa_required,
    )
    if result.signed_in is None:
        status = 429 if result.problem == "throttled" else 401
        return _step_page("staff/sign_in_code.html", signing_in, next_path, status=status, problem=result.problem)
    return _moved_on(state, result.signed_in.stage, next_path)


# A new password in place of a first one -----------------------------------------------------


@get("/staff/sign-in/new-password", name="sign_in_new_password")
async def new_password_page(request: Request, signing_in: NamedDependency[PendingSession]) -> Response[str]:
    _at(signing_in, "new_password")
    return _step_page("staff/new_password.html", signing_in, safe_next(request.query_params.get("next")))


@post("/staff/sign-in/new-password", name="sign_in_new_password_post")
async def new_password(
    request: Request, conn: NamedDependency[Connection], state: State, signing_in: NamedDependency[PendingSession]
) -> Response:
    _at(signing_in, "new_password")
    fields = await _fields(request)
    next_path = safe_next(fields.get("next"))
    try:
        async with conn.transaction():  # undone alone if it fails
            signed_in = await service.choose_password(
                conn,
                staff_id=signing_in.id,
                password=fields.get("password", ""),
                confirm=fields.get("confirm", ""),
                mfa_policy=state.settings.mfa_required,
            )
    except StaffError as error:
        return _step_page("staff/new_password.html", signing_in, next_path, status=422, problem=error.code)
    return _moved_on(state, signed_in.stage, next_path, signed_in.token)


# Setting up two-step verification ------------------------------------------------------------


def _may_enrol(signing_in: PendingSession) -> None:
    require(signing_in.stage in ("enrol", "done"))


async def _two_step_page(
    conn: Connection,
    state: State,
    signing_in: PendingSession,
    next_path: str,
    *,
    status: int = 200,
    problem: str | None = None,
    codes: list[str] | None = None,
) -> Response[str]:
    enabled = await service.two_step_enabled(conn, staff_id=signing_in.id)
    secret = None if enabled or codes else await service.begin_enrolment(conn, staff_id=signing_in.id)
    left = await service.recovery_codes_left(conn, staff_id=signing_in.id) if enabled else 0
    uri = mfa.provisioning_uri(secret, signing_in.email) if secret else None
    return page(
        "staff/two_step.html",
        status=status,
        signing_in=signing_in,
        enabled=enabled,
        problem=problem,
        qr=mfa.qr_data_uri(uri) if uri else None,
        secret=mfa.grouped_secret(secret) if secret else None,
        codes=codes,
        left=left,
        next_path=next_path,
        required=service.mfa_required_for(state.settings.mfa_required, signing_in.is_admin),
    )


@get("/staff/two-step", name="two_step", opt=WRITES)
async def two_step(
    request: Request, conn: NamedDependency[Connection], state: State, signing_in: NamedDependency[PendingSession]
) -> Response[str]:
    _may_enrol(signing_in)
    return await _two_step_page(conn, state, signing_in, safe_next(request.query_params.get("next")))


@post("/staff/two-step", name="two_step_confirm")
async def two_step_confirm(
    request: Request, conn: NamedDependency[Connection], state: State, signing_in: NamedDependency[PendingSession]
) -> Response[str]:
    """The code the app shows proves it is set up; the recovery codes are shown once, on this answer."""
    _may_enrol(signing_in)
    fields = await _fields(request)
    next_path = safe_next(fields.get("next"))
    try:
        async with conn.transaction():  # undone alone if it fails
            codes = await service.confirm_enrolment(conn, staff_id=signing_in.id, code=fields.get("code", ""))
            if signing_in.stage == "enrol":
                await service.advance(
                    conn,
                    token=request.cookies.get(SESSION_COOKIE, ""),
                    staff_id=signing_in.id,
                    mfa_policy=state.settings.mfa_required,
                )
    except StaffError as error:
        return await _two_step_page(conn, state, signing_in, next_path, status=422, problem=error.code)
    return await _two_step_page(conn, state, signing_in, next_path, codes=codes)


@post("/staff/two-step/recovery-codes", name="two_step_new_codes")
async def two_step_new_codes(
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
    signing_in: NamedDependency[PendingSession],
) -> Response[str]:
    try:
        async with conn.transaction():  # undone alone if it fails
            codes = await service.replace_recovery_codes(conn, staff_id=viewer.staff.id)
    except StaffError as error:
        return await _two_step_page(conn, state, signing_in, "/staff", status=422, problem=error.code)
    return await _two_step_page(conn, state, signing_in, "/staff", codes=codes)


@post("/staff/two-step/off", name="two_step_off")
async def two_step_off(
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
    signing_in: NamedDependency[PendingSession],
) -> Response[str] | Redirect:
    try:
        async with conn.transaction():  # undone alone if it fails
            await service.turn_off_two_step(
                conn, staff_id=viewer.staff.id, by=viewer.staff.id, mfa_policy=state.settings.mfa_required
            )
    except StaffError as error:
        return await _two_step_page(conn, state, signing_in, "/staff", status=422, problem=error.code)
    return Redirect("/staff/account", status_code=303)


# One's own account ------------------------------------------------------------------------------


async def _account_page(
    conn: Connection, state: State, viewer: Viewer, *, status: int = 200, problem: str | None = None
) -> Response[str]:
    enabled = await service.two_step_enabled(conn, staff_id=viewer.staff.id)
    return page(
        "staff/account.html",
        status=status,
        viewer=viewer,
        problem=problem,
        two_step=enabled,
        sso=bool(state.settings.oidc_issuer),
    )


@get("/staff/account", name="account")
async def account(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    return await _account_page(conn, state, viewer)


@post("/staff/account/password", name="account_password")
async def account_password(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response:
    fields = await _fields(request)
    try:
        async with conn.transaction():  # undone alone if it fails
            result = await service.change_password(
                conn,
                staff_id=viewer.staff.id,
                current=fields.get("current", ""),
                password=fields.get("password", ""),
                confirm=fields.get("confirm", ""),
            )
    except StaffError as error:
        return await _account_page(conn, state, viewer, status=422, problem=error.code)
    if result.signed_in is None:
        return await _account_page(
            conn, state, viewer, status=429 if result.problem == "throttled" else 422, problem=result.problem
        )
    response = Redirect(done("/staff/account", "password_changed"), status_code=303)
    response.set_cookie(session_cookie(state, result.signed_in.token))  # every other session has ended
    return response


ROUTES = [
    code_page,
    code_check,
    new_password_page,
    new_password,
    two_step,
    two_step_confirm,
    two_step_new_codes,
    two_step_off,
    account,
    account_password,
]
