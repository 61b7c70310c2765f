"""Typed wrappers for staff/queries.sql."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class Account(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str
    password_hash: str | None
    is_admin: bool
    disabled: bool
    shares_with_manager: bool
    password_is_first: bool
    password_expires_at: dt.datetime | None
    totp_enabled: bool
    oidc_subject: str | None


class SessionStaff(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str
    is_admin: bool
    shares_with_manager: bool
    csrf_token: str


class PendingSession(msgspec.Struct, frozen=True):
    """A session at any stage of signing in ('done' when it opens staff pages)."""

    id: int
    email: str
    display_name: str
    is_admin: bool
    csrf_token: str
    stage: str


class Membership(msgspec.Struct, frozen=True):
    team_id: int
    team_name: str
    roles: list[str]


class TeamRow(msgspec.Struct, frozen=True):
    id: int
    name: str
    members: int


class Grant(msgspec.Struct, frozen=True):
    team_id: int
    team_name: str
    role: str


class StaffRow(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str
    is_admin: bool
    disabled: bool
    totp_enabled: bool
    roles: list[str]
    grants: list[Grant]


class AuditEntry(msgspec.Struct, frozen=True):
    id: int
    at: dt.datetime
    staff_id: int | None
    actor_name: str | None
    actor_email: str | None
    action: str
    detail: dict


class OidcAttempt(msgspec.Struct, frozen=True):
    nonce: str
    code_verifier: str
    next_path: str


class TeamPerson(msgspec.Struct, frozen=True):
    id: int
    display_name: str
    shares_with_manager: bool
    roles: list[str]


async def staff_by_email(conn: asyncpg.Connection, *, email: str) -> Account | None:
    row = await conn.fetchrow(SQL["staff_by_email"], email)
    return Account(**row) if row else None


async def staff_by_id(conn: asyncpg.Connection, *, staff_id: int) -> Account | None:
    row = await conn.fetchrow(SQL["staff_by_id"], staff_id)
    return Account(**row) if row else None


async def insert_staff(
    conn: asyncpg.Connection, *, email: str, display_name: str, password_hash: str | None, is_admin: bool
) -> int:
    return await conn.fetchval(SQL["insert_staff"], email, display_name, password_hash, is_admin)


async def set_password(
    conn: asyncpg.Connection, *, staff_id: int, password_hash: str, is_first: bool, expires_at: dt.datetime | None
) -> None:
    await conn.execute(SQL["set_password"], staff_id, password_hash, is_first, expires_at)


async def claim_first_password(conn: asyncpg.Connection, *, staff_id: int, password_hash: str) -> bool:
    return await conn.fetchval(SQL["claim_first_password"], staff_id, password_hash) is not None


async def set_disabled(conn: asyncpg.Connection, *, staff_id: int, disabled: bool) -> None:
    await conn.execute(SQL["set_disabled"], staff_id, disabled)


async def set_sharing(conn: asyncpg.Connection, *, staff_id: int, shares: bool) -> None:
    await conn.execute(SQL["set_sharing"], staff_id, shares)


async def insert_session(
    conn: asyncpg.Connection,
    *,
    token_hash: str,
    staff_id: int,
    csrf_token: str,
    expires_at: dt.datetime,
    stage: str = "done",
) -> None:
    await conn.execute(SQL["insert_session"], token_hash, staff_id, csrf_token, expires_at, stage)


async def session_any_stage(conn: asyncpg.Connection, *, token_hash: str) -> PendingSession | None:
    row = await conn.fetchrow(SQL["session_any_stage"], token_hash)
    return PendingSession(**row) if row else None


async def set_session_stage(conn: asyncpg.Connection, *, token_hash: str, stage: str, expires_at: dt.datetime) -> None:
    await conn.execute(SQL["set_session_stage"], token_hash, stage, expires_at)


async def session_staff(conn: asyncpg.Connection, *, token_hash: str) -> SessionStaff | None:
    row = await conn.fetchrow(SQL["session_staff"], token_hash)
    return SessionStaff(**row) if row else None


async def delete_session(conn: asyncpg.Connection, *, token_hash: str) -> None:
    await conn.execute(SQL["delete_session"], token_hash)


async def memberships(conn: asyncpg.Connection, *, staff_id: int) -> list[Membership]:
    return [Membership(**row) for row in await conn.fetch(SQL["memberships"], staff_id)]


async def record_failure(conn: asyncpg.Connection, *, subject: str) -> None:
    await conn.execute(SQL["record_failure"], subject)


async def recent_failures(conn: asyncpg.Connection, *, subject: str, since: dt.datetime) -> int:
    return await conn.fetchval(SQL["recent_failures"], subject, since)


async def lock_subject(conn: asyncpg.Connection, *, subject: str) -> None:
    await conn.execute(SQL["lock_subject"], subject)


async def forget_failures(conn: asyncpg.Connection, *, subject: str, older_than: dt.datetime) -> None:
    await conn.execute(SQL["forget_failures"], subject, older_than)


async def add_membership(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str) -> None:
    await conn.execute(SQL["add_membership"], team_id, staff_id, role)


async def remove_membership(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str) -> bool:
    return await conn.fetchval(SQL["remove_membership"], team_id, staff_id, role) is not None


async def insert_team(conn: asyncpg.Connection, *, name: str) -> int:
    return await conn.fetchval(SQL["insert_team"], name)


async def all_teams(conn: asyncpg.Connection) -> list[TeamRow]:
    return [TeamRow(**row) for row in await conn.fetch(SQL["all_teams"])]


async def all_staff(conn: asyncpg.Connection) -> list[StaffRow]:
    return [msgspec.convert(dict(row), StaffRow) for row in await conn.fetch(SQL["all_staff"])]


async def team_people(conn: asyncpg.Connection, *, team_id: int) -> list[TeamPerson]:
    return [TeamPerson(**row) for row in await conn.fetch(SQL["team_people"], team_id)]


async def team_practitioners(conn: asyncpg.Connection, *, team_id: int) -> list[TeamPerson]:
    return [TeamPerson(**row) for row in await conn.fetch(SQL["team_practitioners"], team_id)]


async def team_names(conn: asyncpg.Connection, *, team_id: int) -> list[str]:
    return [row["display_name"] for row in await conn.fetch(SQL["team_names"], team_id)]


async def audit(conn: asyncpg.Connection, *, staff_id: int | None, action: str, detail: dict) -> None:
    await conn.execute(SQL["audit"], staff_id, action, detail)


async def team_by_name(conn: asyncpg.Connection, *, name: str) -> int | None:
    return await conn.fetchval(SQL["team_by_name"], name)


async def set_admin(conn: asyncpg.Connection, *, staff_id: int, is_admin: bool) -> None:
    await conn.execute(SQL["set_admin"], staff_id, is_admin)


async def lock_enabled_admins(conn: asyncpg.Connection) -> list[int]:
    return [row["id"] for row in await conn.fetch(SQL["lock_enabled_admins"])]


class TotpState(msgspec.Struct, frozen=True):
    totp_secret: str | None
    enabled: bool


async def totp_state(conn: asyncpg.Connection, *, staff_id: int) -> TotpState | None:
    row = await conn.fetchrow(SQL["totp_state"], staff_id)
    return TotpState(**row) if row else None


async def set_totp_secret(conn: asyncpg.Connection, *, staff_id: int, secret: str) -> None:
    await conn.execute(SQL["set_totp_secret"], staff_id, secret)


async def enable_totp(conn: asyncpg.Connection, *, staff_id: int) -> None:
    await conn.execute(SQL["enable_totp"], staff_id)


async def disable_totp(conn: asyncpg.Connection, *, staff_id: int) -> None:
    await conn.execute(SQL["disable_totp"], staff_id)


async def accept_totp_step(conn: asyncpg.Connection, *, staff_id: int, step: int) -> bool:
    return await conn.fetchval(SQL["accept_totp_step"], staff_id, step) is not None


async def replace_recovery_codes(conn: asyncpg.Connection, *, staff_id: int, code_hashes: list[str]) -> None:
    await conn.execute(SQL["replace_recovery_codes"], staff_id, code_hashes)


async def use_recovery_code(conn: asyncpg.Connection, *, staff_id: int, code_hash: str) -> bool:
    return await conn.fetchval(SQL["use_recovery_code"], staff_id, code_hash) is not None


async def recovery_codes_left(conn: asyncpg.Connection, *, staff_id: int) -> int:
    return await conn.fetchval(SQL["recovery_codes_left"], staff_id)


async def insert_oidc_attempt(
    conn: asyncpg.Connection,
    *,
    state_hash: str,
    nonce: str,
    code_verifier: str,
    next_path: str,
    expires_at: dt.datetime,
) -> None:
    await conn.execute(SQL["insert_oidc_attempt"], state_hash, nonce, code_verifier, next_path, expires_at)


async def take_oidc_attempt(conn: asyncpg.Connection, *, state_hash: str) -> OidcAttempt | None:
    row = await conn.fetchrow(SQL["take_oidc_attempt"], state_hash)
    return OidcAttempt(**row) if row else None


async def set_oidc_subject(conn: asyncpg.Connection, *, staff_id: int, subject: str) -> None:
    await conn.execute(SQL["set_oidc_subject"], staff_id, subject)


async def audit_entries(
    conn: asyncpg.Connection,
    *,
    action: str | None,
    by: int | None,
    about: int | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
) -> list[AuditEntry]:
    rows = await conn.fetch(SQL["audit_entries"], action, by, about, since, until, limit)
    return [AuditEntry(**row) for row in rows]


async def audit_actions(conn: asyncpg.Connection) -> list[str]:
    return [row["action"] for row in await conn.fetch(SQL["audit_actions"])]


async def delete_old_audit(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    return await conn.fetchval(SQL["delete_old_audit"], before)


async def delete_stale_sign_in_data(conn: asyncpg.Connection) -> int:
    return await conn.fetchval(SQL["delete_stale_sign_in_data"])
