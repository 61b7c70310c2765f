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


class SessionStaff(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str
    is_admin: bool
    shares_with_manager: bool
    csrf_token: str


class Membership(msgspec.Struct, frozen=True):
    team_id: int
    team_name: str
    roles: list[str]


class TeamRow(msgspec.Struct, frozen=True):
    id: int
    name: str
    members: int


class StaffRow(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str
    is_admin: bool
    disabled: bool
    roles: list[str]


class TeamPerson(msgspec.Struct, frozen=True):
    id: int
    display_name: str
    shares_with_manager: bool
    roles: list[str]


async def staff_by_email(conn: asyncpg.Connection, *, email: str) -> Account | None:
    row = await conn.fetchrow(SQL["staff_by_email"], email)
    return Account(**row) if row else None


async def insert_staff(conn: asyncpg.Connection, *, email: str, display_name: str, password_hash: str | None,
                       is_admin: bool) -> int:
    return await conn.fetchval(SQL["insert_staff"], email, display_name, password_hash, is_admin)


async def set_password(conn: asyncpg.Connection, *, staff_id: int, password_hash: str) -> None:
    await conn.execute(SQL["set_password"], staff_id, password_hash)


async def set_disabled(conn: asyncpg.Connection, *, staff_id: int, disabled: bool) -> None:
    await conn.execute(SQL["set_disabled"], staff_id, disabled)


async def set_sharing(conn: asyncpg.Connection, *, staff_id: int, shares: bool) -> None:
    await conn.execute(SQL["set_sharing"], staff_id, shares)


async def insert_session(conn: asyncpg.Connection, *, token_hash: str, staff_id: int, csrf_token: str,
                         expires_at: dt.datetime) -> None:
    await conn.execute(SQL["insert_session"], token_hash, staff_id, csrf_token, expires_at)


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


async def forget_failures(conn: asyncpg.Connection, *, subject: str, older_than: dt.datetime) -> None:
    await conn.execute(SQL["forget_failures"], subject, older_than)


async def add_membership(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str) -> None:
    await conn.execute(SQL["add_membership"], team_id, staff_id, role)


async def remove_membership(conn: asyncpg.Connection, *, team_id: int, staff_id: int, role: str) -> None:
    await conn.execute(SQL["remove_membership"], team_id, staff_id, role)


async def insert_team(conn: asyncpg.Connection, *, name: str) -> int:
    return await conn.fetchval(SQL["insert_team"], name)


async def all_teams(conn: asyncpg.Connection) -> list[TeamRow]:
    return [TeamRow(**row) for row in await conn.fetch(SQL["all_teams"])]


async def all_staff(conn: asyncpg.Connection) -> list[StaffRow]:
    return [StaffRow(**row) for row in await conn.fetch(SQL["all_staff"])]


async def team_people(conn: asyncpg.Connection, *, team_id: int) -> list[TeamPerson]:
    return [TeamPerson(**row) for row in await conn.fetch(SQL["team_people"], team_id)]


async def audit(conn: asyncpg.Connection, *, staff_id: int | None, action: str, detail: dict) -> None:
    await conn.execute(SQL["audit"], staff_id, action, detail)


async def team_by_name(conn: asyncpg.Connection, *, name: str) -> int | None:
    return await conn.fetchval(SQL["team_by_name"], name)
