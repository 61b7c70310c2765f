"""Staff intentions: sign in and out, who is looking, manage accounts and teams."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import asyncpg
import msgspec

from . import queries
from .passwords import MIN_LENGTH, hash_password, verify_password
from .queries import Membership, SessionStaff

ROLES = ("practitioner", "team_manager", "safeguarding_lead", "reader")
SESSION_HOURS = 12
# Sign-in throttling: failures allowed in the window, per account and per source.
WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 5
SOURCE_LIMIT = 20


class StaffError(Exception):
    """Something a person asked for cannot be done; `code` says what (templates word it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Viewer(msgspec.Struct, frozen=True):
    """The signed-in person and where they belong. Every staff page asks this,
    on the server, before it reads anything."""

    staff: SessionStaff
    teams: dict[int, Membership]

    def roles_in(self, team_id: int) -> list[str]:
        membership = self.teams.get(team_id)
        return membership.roles if membership else []

    def is_member(self, team_id: int) -> bool:
        return team_id in self.teams

    def manages(self, team_id: int) -> bool:
        return "team_manager" in self.roles_in(team_id)

    def leads_safeguarding(self, team_id: int) -> bool:
        return "safeguarding_lead" in self.roles_in(team_id)

    def leads_any_team(self) -> bool:
        return any("safeguarding_lead" in m.roles for m in self.teams.values())

    def reads(self, team_id: int) -> bool:
        """Reads the team's reading list: its safeguarding leads and the people given the "reader" role."""
        return bool({"safeguarding_lead", "reader"} & set(self.roles_in(team_id)))

    def reads_any_team(self) -> bool:
        return any(self.reads(team_id) for team_id in self.teams)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


class SignedIn(msgspec.Struct, frozen=True):
    token: str
    staff_id: int


class SignInResult(msgspec.Struct, frozen=True):
    signed_in: SignedIn | None = None
    problem: str | None = None  # "throttled" or "wrong" (never saying which part)


async def sign_in(conn: asyncpg.Connection, *, email: str, password: str, source: str) -> SignInResult:
    """A new session for the right email and password. A failure is recorded
    (so the caller must commit, not roll back) and counts towards throttling,
    per account and per source."""
    email = normalise_email(email)
    now = dt.datetime.now(dt.UTC)
    account_key, source_key = f"account:{email}", f"source:{_digest('heard-sign-in:' + source)}"
    since = now - WINDOW
    if (await queries.recent_failures(conn, subject=account_key, since=since) >= ACCOUNT_LIMIT
            or await queries.recent_failures(conn, subject=source_key, since=since) >= SOURCE_LIMIT):
        return SignInResult(problem="throttled")
    account = await queries.staff_by_email(conn, email=email)
    valid = verify_password(account.password_hash if account else None, password)
    if account is None or not valid or account.disabled:
        await queries.record_failure(conn, subject=account_key)
        await queries.record_failure(conn, subject=source_key)
        return SignInResult(problem="wrong")
    await queries.forget_failures(conn, subject=account_key, older_than=now - dt.timedelta(days=1))
    return SignInResult(signed_in=await start_session(conn, staff_id=account.id))


async def start_session(conn: asyncpg.Connection, *, staff_id: int) -> SignedIn:
    token = secrets.token_urlsafe(32)
    await queries.insert_session(
        conn, token_hash=_digest(token), staff_id=staff_id, csrf_token=secrets.token_urlsafe(32),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=SESSION_HOURS))
    await queries.audit(conn, staff_id=staff_id, action="signed_in", detail={})
    return SignedIn(token, staff_id)


async def sign_out(conn: asyncpg.Connection, *, token: str) -> None:
    await queries.delete_session(conn, token_hash=_digest(token))


async def viewer_for_token(conn: asyncpg.Connection, *, token: str) -> Viewer | None:
    staff = await queries.session_staff(conn, token_hash=_digest(token))
    if staff is None:
        return None
    teams = {m.team_id: m for m in await queries.memberships(conn, staff_id=staff.id)}
    return Viewer(staff, teams)


async def viewer_for_email(conn: asyncpg.Connection, *, email: str) -> SignedIn | None:
    """Single sign-on: the proxy vouches for the email; start a session for it."""
    account = await queries.staff_by_email(conn, email=normalise_email(email))
    if account is None or account.disabled:
        return None
    return await start_session(conn, staff_id=account.id)


def csrf_matches(viewer: Viewer, sent: str | None) -> bool:
    # Compared as bytes: compare_digest refuses str with non-ASCII letters, which a forged token may have.
    return bool(sent) and hmac.compare_digest(viewer.staff.csrf_token.encode(), (sent or "").encode())


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise StaffError("password_too_short")


async def add_staff(conn: asyncpg.Connection, *, email: str, display_name: str, password: str | None,
                    is_admin: bool = False) -> int:
    email = normalise_email(email)
    if "@" not in email or not display_name.strip():
        raise StaffError("email_or_name_missing")
    if await queries.staff_by_email(conn, email=email):
        raise StaffError("email_taken")
    if password is not None:
        check_new_password(password)
    password_hash = hash_password(password) if password else None
    return await queries.insert_staff(conn, email=email, display_name=display_name.strip(),
                                      password_hash=password_hash, is_admin=is_admin)


async def reset_password(conn: asyncpg.Connection, *, email: str, password: str) -> None:
    account = await queries.staff_by_email(conn, email=normalise_email(email))
    if account is None:
        raise StaffError("no_such_account")
    check_new_password(password)
    await queries.set_password(conn, staff_id=account.id, password_hash=hash_password(password))


async def set_disabled(conn: asyncpg.Connection, *, email: str, disabled: bool = True) -> None:
    account = await queries.staff_by_email(conn, email=normalise_email(email))
    if account is None:
        raise StaffError("no_such_account")
    await queries.set_disabled(conn, staff_id=account.id, disabled=disabled)


async def give_role(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str) -> None:
    if role not in ROLES:
        raise StaffError("no_such_role")
    try:
        await queries.add_membership(conn, team_id=team_id, staff_id=staff_id, role=role)
    except asyncpg.ForeignKeyViolationError:
        raise StaffError("choose") from None  # no such team or person


async def take_role(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str) -> None:
    await queries.remove_membership(conn, team_id=team_id, staff_id=staff_id, role=role)


async def team_people(conn: asyncpg.Connection, *, team_id: int) -> list[queries.TeamPerson]:
    return await queries.team_people(conn, team_id=team_id)


async def set_sharing(conn: asyncpg.Connection, *, staff_id: int, shares: bool) -> None:
    await queries.set_sharing(conn, staff_id=staff_id, shares=shares)
    await queries.audit(conn, staff_id=staff_id, action="sharing_changed", detail={"shares": shares})


async def create_team(conn: asyncpg.Connection, *, name: str, by: int | None) -> int:
    name = name.strip()
    if not name:
        raise StaffError("name_missing")
    team_id = await queries.insert_team(conn, name=name[:200])
    await queries.audit(conn, staff_id=by, action="team_created", detail={"team_id": team_id})
    return team_id


async def all_teams(conn: asyncpg.Connection) -> list[queries.TeamRow]:
    return await queries.all_teams(conn)


async def all_staff(conn: asyncpg.Connection) -> list[queries.StaffRow]:
    return await queries.all_staff(conn)


async def record(conn: asyncpg.Connection, *, staff_id: int | None, action: str, detail: dict) -> None:
    """The audit log: who did what, when."""
    await queries.audit(conn, staff_id=staff_id, action=action, detail=detail)


async def find_or_create_team(conn: asyncpg.Connection, *, name: str, by: int | None) -> int:
    return await queries.team_by_name(conn, name=name.strip()) or await create_team(conn, name=name, by=by)


async def team_id_by_name(conn: asyncpg.Connection, *, name: str) -> int | None:
    return await queries.team_by_name(conn, name=name)
