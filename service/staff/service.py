"""Staff intentions: sign in and out, who is looking, manage accounts and teams."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import asyncpg
import msgspec

from . import mfa, queries
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
    stage: str = "done"  # or what the session still needs: "code", "new_password", "enrol"


class SignInResult(msgspec.Struct, frozen=True):
    signed_in: SignedIn | None = None
    # "throttled", "wrong" (never saying which part), or "first_password_expired" (past its 72 hours)
    problem: str | None = None


FIRST_PASSWORD_HOURS = 72
PENDING_MINUTES = 10  # a session part-way through signing in
CODE_LIMIT = 5  # wrong two-step codes per account in the window


def mfa_required_for(policy: str, is_admin: bool) -> bool:
    """HEARD_MFA_REQUIRED: "administrators" (default), "everyone" or "nobody"."""
    return policy == "everyone" or (policy == "administrators" and is_admin)


def next_stage(account: queries.Account, mfa_policy: str, *, code_passed: bool) -> str:
    """What a password sign-in still needs, in order: the two-step code, a new
    password in place of a first one, setting up two-step verification."""
    if account.totp_enabled and not code_passed:
        return "code"
    if account.password_is_first:
        return "new_password"
    if mfa_required_for(mfa_policy, account.is_admin) and not account.totp_enabled:
        return "enrol"
    return "done"


async def _throttled(conn: asyncpg.Connection, subject: str, limit: int, since: dt.datetime) -> bool:
    """Hold this subject's lock until the transaction ends, then count: with
    the lock, counting and recording a failure are one step, so parallel
    guesses queue here instead of all passing the count together."""
    await queries.lock_subject(conn, subject=subject)
    return await queries.recent_failures(conn, subject=subject, since=since) >= limit


async def sign_in(
    conn: asyncpg.Connection, *, email: str, password: str, source: str, mfa_policy: str = "nobody"
) -> SignInResult:
    """A new session for the right email and password (maybe still needing a
    step before it opens staff pages). A failure is recorded (so the caller
    must commit, not roll back) and counts towards throttling, per account and
    per source."""
    email = normalise_email(email)
    now = dt.datetime.now(dt.UTC)
    account_key, source_key = f"account:{email}", f"source:{_digest('heard-sign-in:' + source)}"
    since = now - WINDOW
    # Always the account first, then the source, so two attempts never wait for each other in a circle.
    if await _throttled(conn, account_key, ACCOUNT_LIMIT, since) or await _throttled(
        conn, source_key, SOURCE_LIMIT, since
    ):
        return SignInResult(problem="throttled")
    account = await queries.staff_by_email(conn, email=email)
    valid = verify_password(account.password_hash if account else None, password)
    expired = bool(
        account and account.password_is_first and account.password_expires_at and account.password_expires_at <= now
    )
    if (
        account is None
        or not valid
        or account.disabled
        or expired
        or (
            account.password_is_first
            and not await queries.claim_first_password(
                conn, staff_id=account.id, password_hash=account.password_hash or ""
            )
        )
    ):
        await queries.record_failure(conn, subject=account_key)
        await queries.record_failure(conn, subject=source_key)
        return SignInResult(
            problem="first_password_expired"
            if valid and expired and account is not None and not account.disabled
            else "wrong"
        )
    await queries.forget_failures(conn, subject=account_key, older_than=now - dt.timedelta(days=1))
    stage = next_stage(account, mfa_policy, code_passed=False)
    return SignInResult(signed_in=await start_session(conn, staff_id=account.id, stage=stage, method="password"))


async def start_session(
    conn: asyncpg.Connection, *, staff_id: int, stage: str = "done", method: str | None = None
) -> SignedIn:
    token = secrets.token_urlsafe(32)
    await queries.insert_session(
        conn,
        token_hash=_digest(token),
        staff_id=staff_id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=_session_end(stage),
        stage=stage,
    )
    if stage == "done":
        await queries.audit(conn, staff_id=staff_id, action="signed_in", detail={"method": method} if method else {})
    return SignedIn(token, staff_id, stage)


def _session_end(stage: str) -> dt.datetime:
    length = dt.timedelta(hours=SESSION_HOURS) if stage == "done" else dt.timedelta(minutes=PENDING_MINUTES)
    return dt.datetime.now(dt.UTC) + length


async def sign_out(conn: asyncpg.Connection, *, token: str) -> None:
    await queries.delete_session(conn, token_hash=_digest(token))


async def viewer_for_token(conn: asyncpg.Connection, *, token: str) -> Viewer | None:
    staff = await queries.session_staff(conn, token_hash=_digest(token))
    if staff is None:
        return None
    teams = {m.team_id: m for m in await queries.memberships(conn, staff_id=staff.id)}
    return Viewer(staff, teams)


async def pending_for_token(conn: asyncpg.Connection, *, token: str) -> queries.PendingSession | None:
    """A session at any stage of signing in (for the pages of the steps themselves)."""
    return await queries.session_any_stage(conn, token_hash=_digest(token))


async def advance(conn: asyncpg.Connection, *, token: str, staff_id: int, mfa_policy: str) -> str:
    account = await queries.staff_by_id(conn, staff_id=staff_id)
    stage = next_stage(account, mfa_policy, code_passed=True) if account else "code"
    await queries.set_session_stage(conn, token_hash=_digest(token), stage=stage, expires_at=_session_end(stage))
    if stage == "done":
        await queries.audit(conn, staff_id=staff_id, action="signed_in", detail={"method": "password"})
    return stage


async def check_code(
    conn: asyncpg.Connection, *, token: str, staff_id: int, code: str, mfa_policy: str
) -> SignInResult:
    """The second step: a code from the authenticator app, or a recovery code
    (each works once). Wrong codes are recorded (commit, don't roll back) and
    throttled per account like passwords."""
    now = dt.datetime.now(dt.UTC)
    subject = f"code:{staff_id}"
    if await _throttled(conn, subject, CODE_LIMIT, now - WINDOW):
        return SignInResult(problem="throttled")
    state = await queries.totp_state(conn, staff_id=staff_id)
    step = mfa.matching_step(state.totp_secret, code) if state and state.enabled and state.totp_secret else None
    accepted = step is not None and await queries.accept_totp_step(conn, staff_id=staff_id, step=step)
    if not accepted and mfa.looks_like_recovery_code(code):
        accepted = await queries.use_recovery_code(conn, staff_id=staff_id, code_hash=mfa.recovery_hash(code))
        if accepted:
            await queries.audit(
                conn,
                staff_id=staff_id,
                action="recovery_code_used",
                detail={"left": await queries.recovery_codes_left(conn, staff_id=staff_id)},
            )
    if not accepted:
        await queries.record_failure(conn, subject=subject)
        return SignInResult(problem="wrong")
    await queries.forget_failures(conn, subject=subject, older_than=now - dt.timedelta(days=1))
    stage = await advance(conn, token=token, staff_id=staff_id, mfa_policy=mfa_policy)
    return SignInResult(signed_in=SignedIn(token, staff_id, stage))


async def choose_password(
    conn: asyncpg.Connection, *, staff_id: int, password: str, confirm: str, mfa_policy: str
) -> SignedIn:
    """Replace a first password with one only the person knows. Every session
    ends; a new one carries on to the next step."""
    check_new_password(password, confirm)
    await queries.set_password(
        conn, staff_id=staff_id, password_hash=hash_password(password), is_first=False, expires_at=None
    )
    await queries.audit(
        conn, staff_id=staff_id, action="password_changed", detail={"staff_id": staff_id, "first_password": True}
    )
    account = await queries.staff_by_id(conn, staff_id=staff_id)
    assert account is not None
    return await start_session(
        conn, staff_id=staff_id, stage=next_stage(account, mfa_policy, code_passed=True), method="password"
    )


async def change_password(
    conn: asyncpg.Connection, *, staff_id: int, current: str, password: str, confirm: str
) -> SignInResult:
    """A signed-in person changes their own password: the current one first
    (throttled like signing in), then every other session ends."""
    account = await queries.staff_by_id(conn, staff_id=staff_id)
    assert account is not None
    now = dt.datetime.now(dt.UTC)
    subject = f"account:{account.email}"
    if await _throttled(conn, subject, ACCOUNT_LIMIT, now - WINDOW):
        return SignInResult(problem="throttled")
    if not verify_password(account.password_hash, current):
        await queries.record_failure(conn, subject=subject)
        return SignInResult(problem="wrong_current_password")
    check_new_password(password, confirm)
    await queries.set_password(
        conn, staff_id=staff_id, password_hash=hash_password(password), is_first=False, expires_at=None
    )
    await queries.audit(conn, staff_id=staff_id, action="password_changed", detail={"staff_id": staff_id})
    return SignInResult(signed_in=await start_session(conn, staff_id=staff_id))


async def viewer_for_email(conn: asyncpg.Connection, *, email: str) -> SignedIn | None:
    """Single sign-on: the proxy vouches for the email; start a session for it."""
    account = await queries.staff_by_email(conn, email=normalise_email(email))
    if account is None or account.disabled:
        return None
    return await start_session(conn, staff_id=account.id, method="proxy header")


async def sso_sign_in(
    conn: asyncpg.Connection, *, email: str, subject: str, name: str, create: bool
) -> SignedIn | None:
    """The organisation's provider vouched for this email and subject. Only an
    existing, enabled account (or, with `create`, a new one with no roles),
    and only the person first linked to it."""
    email = normalise_email(email)
    account = await queries.staff_by_email(conn, email=email)
    if account is None and create:
        await add_staff(conn, email=email, display_name=name[:200], password=None)
        account = await queries.staff_by_email(conn, email=email)
    if account is None or account.disabled or (account.oidc_subject and account.oidc_subject != subject):
        await queries.audit(
            conn,
            staff_id=None,
            action="sso_refused",
            detail={
                "staff_id": account.id if account else None,
                "email_domain": email.rpartition("@")[2],
                "why": "no account" if account is None else "disabled or another subject",
            },
        )
        return None
    await queries.set_oidc_subject(conn, staff_id=account.id, subject=subject)
    return await start_session(conn, staff_id=account.id, method="openid connect")


async def sso_attempt(conn: asyncpg.Connection, *, state: str, nonce: str, code_verifier: str, next_path: str) -> None:
    await queries.insert_oidc_attempt(
        conn,
        state_hash=_digest(state),
        nonce=nonce,
        code_verifier=code_verifier,
        next_path=next_path,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=PENDING_MINUTES),
    )


async def take_sso_attempt(conn: asyncpg.Connection, *, state: str) -> queries.OidcAttempt | None:
    return await queries.take_oidc_attempt(conn, state_hash=_digest(state))


async def begin_enrolment(conn: asyncpg.Connection, *, staff_id: int) -> str:
    """A secret for the authenticator app (kept while not yet confirmed, so a reload shows the same QR code)."""
    state = await queries.totp_state(conn, staff_id=staff_id)
    if state and state.totp_secret and not state.enabled:
        return state.totp_secret
    secret = mfa.new_secret()
    await queries.set_totp_secret(conn, staff_id=staff_id, secret=secret)
    return secret


async def confirm_enrolment(conn: asyncpg.Connection, *, staff_id: int, code: str) -> list[str]:
    """The app shows the right code: two-step verification is on. Returns the
    recovery codes, shown once; only their hashes are kept."""
    state = await queries.totp_state(conn, staff_id=staff_id)
    if state is None or state.enabled or not state.totp_secret:
        raise StaffError("start_again")
    step = mfa.matching_step(state.totp_secret, code)
    if step is None or not await queries.accept_totp_step(conn, staff_id=staff_id, step=step):
        raise StaffError("wrong_code")
    await queries.enable_totp(conn, staff_id=staff_id)
    await queries.audit(conn, staff_id=staff_id, action="two_step_enabled", detail={"staff_id": staff_id})
    return await _new_recovery_codes(conn, staff_id=staff_id)


async def _new_recovery_codes(conn: asyncpg.Connection, *, staff_id: int) -> list[str]:
    codes = mfa.new_recovery_codes()
    await queries.replace_recovery_codes(conn, staff_id=staff_id, code_hashes=[mfa.recovery_hash(c) for c in codes])
    return codes


async def replace_recovery_codes(conn: asyncpg.Connection, *, staff_id: int) -> list[str]:
    state = await queries.totp_state(conn, staff_id=staff_id)
    if state is None or not state.enabled:
        raise StaffError("two_step_off")
    await queries.audit(conn, staff_id=staff_id, action="recovery_codes_replaced", detail={"staff_id": staff_id})
    return await _new_recovery_codes(conn, staff_id=staff_id)


async def turn_off_two_step(conn: asyncpg.Connection, *, staff_id: int, by: int, mfa_policy: str) -> None:
    """Someone turns their own two-step verification off (unless it is
    required), or an administrator resets it for someone who lost their phone
    and their recovery codes (they set it up again at their next sign-in)."""
    account = await queries.staff_by_id(conn, staff_id=staff_id)
    if account is None:
        raise StaffError("no_such_account")
    if by == staff_id and mfa_required_for(mfa_policy, account.is_admin):
        raise StaffError("two_step_required")
    await queries.disable_totp(conn, staff_id=staff_id)
    action = "two_step_disabled" if by == staff_id else "two_step_reset"
    await queries.audit(conn, staff_id=by, action=action, detail={"staff_id": staff_id})


async def recovery_codes_left(conn: asyncpg.Connection, *, staff_id: int) -> int:
    return await queries.recovery_codes_left(conn, staff_id=staff_id)


async def two_step_enabled(conn: asyncpg.Connection, *, staff_id: int) -> bool:
    state = await queries.totp_state(conn, staff_id=staff_id)
    return bool(state and state.enabled)


def csrf_matches(viewer: Viewer, sent: str | None) -> bool:
    # Compared as bytes: compare_digest refuses str with non-ASCII letters, which a forged token may have.
    return bool(sent) and hmac.compare_digest(viewer.staff.csrf_token.encode(), (sent or "").encode())


def check_new_password(password: str, confirm: str | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise StaffError("password_too_short")
    if confirm is not None and not hmac.compare_digest(password.encode(), confirm.encode()):
        raise StaffError("passwords_differ")


def _first_password_end() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=FIRST_PASSWORD_HOURS)


async def add_staff(
    conn: asyncpg.Connection,
    *,
    email: str,
    display_name: str,
    password: str | None,
    is_admin: bool = False,
    first_password: bool = False,
    by: int | None = None,
) -> int:
    """A new account. A password someone else chose and saw (the administrator
    adding the account) is a first password: it works once, to choose a new
    one, within 72 hours."""
    email = normalise_email(email)
    if "@" not in email or not display_name.strip():
        raise StaffError("email_or_name_missing")
    if await queries.staff_by_email(conn, email=email):
        raise StaffError("email_taken")
    if password is not None:
        check_new_password(password)
    password_hash = hash_password(password) if password else None
    staff_id = await queries.insert_staff(
        conn, email=email, display_name=display_name.strip(), password_hash=password_hash, is_admin=is_admin
    )
    if password_hash and first_password:
        await queries.set_password(
            conn, staff_id=staff_id, password_hash=password_hash, is_first=True, expires_at=_first_password_end()
        )
    await queries.audit(
        conn,
        staff_id=by,
        action="account_created",
        detail={"staff_id": staff_id, "email": email, "administrator": is_admin},
    )
    return staff_id


async def _account(conn: asyncpg.Connection, *, email: str | None, staff_id: int | None) -> queries.Account:
    account = (
        await queries.staff_by_id(conn, staff_id=staff_id)
        if staff_id is not None
        else await queries.staff_by_email(conn, email=normalise_email(email or ""))
    )
    if account is None:
        raise StaffError("no_such_account")
    return account


async def reset_password(
    conn: asyncpg.Connection,
    *,
    password: str,
    email: str | None = None,
    staff_id: int | None = None,
    by: int | None = None,
    first_password: bool = True,
) -> int:
    """A new password from an administrator: a first password (once, 72 hours). Every session ends."""
    account = await _account(conn, email=email, staff_id=staff_id)
    check_new_password(password)
    await queries.set_password(
        conn,
        staff_id=account.id,
        password_hash=hash_password(password),
        is_first=first_password,
        expires_at=_first_password_end() if first_password else None,
    )
    await queries.audit(conn, staff_id=by, action="password_reset", detail={"staff_id": account.id})
    return account.id


async def account_by_id(conn: asyncpg.Connection, *, staff_id: int) -> queries.Account:
    return await _account(conn, email=None, staff_id=staff_id)


async def _keep_an_administrator(conn: asyncpg.Connection, *, losing: int) -> None:
    """Refuse a change that would leave no enabled administrator (the rows are
    locked, so two changes at once cannot both pass)."""
    admins = await queries.lock_enabled_admins(conn)
    if admins == [losing]:
        raise StaffError("last_administrator")


async def set_disabled(
    conn: asyncpg.Connection,
    *,
    email: str | None = None,
    staff_id: int | None = None,
    disabled: bool = True,
    by: int | None = None,
) -> None:
    account = await _account(conn, email=email, staff_id=staff_id)
    if disabled and by == account.id:
        raise StaffError("not_yourself")
    if disabled and account.is_admin:
        await _keep_an_administrator(conn, losing=account.id)
    await queries.set_disabled(conn, staff_id=account.id, disabled=disabled)
    await queries.audit(
        conn, staff_id=by, action="account_disabled" if disabled else "account_enabled", detail={"staff_id": account.id}
    )


async def set_administrator(conn: asyncpg.Connection, *, staff_id: int, is_admin: bool, by: int | None) -> None:
    account = await _account(conn, email=None, staff_id=staff_id)
    if not is_admin and account.is_admin:
        if by == account.id:
            raise StaffError("not_yourself")
        await _keep_an_administrator(conn, losing=account.id)
    await queries.set_admin(conn, staff_id=account.id, is_admin=is_admin)
    await queries.audit(
        conn,
        staff_id=by,
        action="administrator_granted" if is_admin else "administrator_removed",
        detail={"staff_id": account.id},
    )


async def give_role(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str, by: int | None = None) -> None:
    if role not in ROLES:
        raise StaffError("no_such_role")
    try:
        await queries.add_membership(conn, team_id=team_id, staff_id=staff_id, role=role)
    except asyncpg.ForeignKeyViolationError:
        raise StaffError("choose") from None  # no such team or person
    await queries.audit(
        conn, staff_id=by, action="role_granted", detail={"staff_id": staff_id, "team_id": team_id, "role": role}
    )


async def remove_role(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str, by: int | None) -> None:
    if not await queries.remove_membership(conn, team_id=team_id, staff_id=staff_id, role=role):
        raise StaffError("no_such_role")
    await queries.audit(
        conn, staff_id=by, action="role_removed", detail={"staff_id": staff_id, "team_id": team_id, "role": role}
    )


async def take_role(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str) -> None:
    await queries.remove_membership(conn, team_id=team_id, staff_id=staff_id, role=role)


async def team_people(conn: asyncpg.Connection, *, team_id: int) -> list[queries.TeamPerson]:
    return await queries.team_people(conn, team_id=team_id)


async def team_practitioners(conn: asyncpg.Connection, *, team_id: int) -> list[queries.TeamPerson]:
    return await queries.team_practitioners(conn, team_id=team_id)


async def team_names(conn: asyncpg.Connection, *, team_id: int) -> list[str]:
    return await queries.team_names(conn, team_id=team_id)


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


AUDIT_LIMIT = 500


async def audit_entries(
    conn: asyncpg.Connection,
    *,
    action: str | None = None,
    by: int | None = None,
    about: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = AUDIT_LIMIT,
) -> list[queries.AuditEntry]:
    """The audit log, newest first; dates are whole days (UTC), both ends included."""

    def moment(day: dt.date | None) -> dt.datetime | None:
        return dt.datetime.combine(day, dt.time(), dt.UTC) if day else None

    return await queries.audit_entries(
        conn,
        action=action,
        by=by,
        about=about,
        since=moment(since),
        until=moment(until + dt.timedelta(days=1)) if until else None,
        limit=limit,
    )


async def audit_actions(conn: asyncpg.Connection) -> list[str]:
    return await queries.audit_actions(conn)


async def forget_audit_before(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    """Retention: delete audit log entries before a moment; how many went."""
    return await queries.delete_old_audit(conn, before=before)


async def forget_stale_sign_ins(conn: asyncpg.Connection) -> int:
    """Retention: expired sessions and sign-in failures older than a day; how many went."""
    return await queries.delete_stale_sign_in_data(conn)
