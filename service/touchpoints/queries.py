"""Typed wrappers for touchpoints/queries.sql."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)
_BY_CODE = SQL["touchpoint_by_code"]
_INSERT = SQL["insert_touchpoint"]
_SET_STATUS = SQL["set_touchpoint_status"]


class Touchpoint(msgspec.Struct, frozen=True):
    id: int
    code: str
    team_id: int
    team_name: str
    contact_kind: str
    practitioner_id: int | None
    survey_id: str
    audience: str | None
    language: str
    follow_browser_language: bool
    shared_device: bool  # a device handed from person to person: starts over for each person, leaves nothing
    idle_seconds: int  # on a shared device: how long without a touch before "still there?"
    status: str  # active, paused, expired or revoked


async def touchpoint_by_code(conn: asyncpg.Connection, *, code: str, today: dt.date) -> Touchpoint | None:
    row = await conn.fetchrow(_BY_CODE, code, today)
    return Touchpoint(**row) if row else None


async def insert_touchpoint(
    conn: asyncpg.Connection,
    *,
    code: str,
    team_id: int,
    contact_kind: str,
    practitioner_id: int | None,
    survey_id: str,
    audience: str | None,
    language: str,
    expires_on: dt.date | None = None,
) -> int:
    return await conn.fetchval(
        _INSERT, code, team_id, contact_kind, practitioner_id, survey_id, audience, language, expires_on
    )


async def set_touchpoint_status(conn: asyncpg.Connection, *, code: str, status: str) -> None:
    await conn.execute(_SET_STATUS, code, status)


class ManagedTouchpoint(msgspec.Struct, frozen=True):
    """A touchpoint as staff manage it (status as stored; expiry shown apart)."""

    id: int
    code: str
    team_id: int
    team_name: str
    contact_kind: str
    practitioner_id: int | None
    practitioner_name: str | None
    survey_id: str
    audience: str | None
    language: str
    follow_browser_language: bool
    shared_device: bool
    status: str
    expires_on: dt.date | None
    idle_seconds: int = 180
    has_exit_pin: bool = False  # a staff exit PIN is set (only its hash is stored)
    practitioner_shares: bool = False  # its practitioner shares their results with their managers


async def touchpoint_by_id(conn: asyncpg.Connection, *, touchpoint_id: int) -> ManagedTouchpoint | None:
    row = await conn.fetchrow(SQL["touchpoint_by_id"], touchpoint_id)
    return ManagedTouchpoint(**row) if row else None


async def team_touchpoint_list(
    conn: asyncpg.Connection, *, team_id: int, practitioner_id: int | None = None
) -> list[ManagedTouchpoint]:
    rows = await conn.fetch(SQL["team_touchpoint_list"], team_id, practitioner_id)
    return [ManagedTouchpoint(**row) for row in rows]


async def codes_to_show(
    conn: asyncpg.Connection, *, staff_id: int, team_ids: list[int], today: dt.date
) -> list[ManagedTouchpoint]:
    rows = await conn.fetch(SQL["codes_to_show"], staff_id, team_ids, today)
    return [ManagedTouchpoint(**row) for row in rows]


async def update_touchpoint(
    conn: asyncpg.Connection,
    *,
    touchpoint_id: int,
    contact_kind: str,
    practitioner_id: int | None,
    audience: str | None,
    language: str,
    expires_on: dt.date | None,
    follow_browser_language: bool,
    shared_device: bool = False,
) -> None:
    await conn.execute(
        SQL["update_touchpoint"],
        touchpoint_id,
        contact_kind,
        practitioner_id,
        audience,
        language,
        expires_on,
        follow_browser_language,
        shared_device,
    )


async def set_status_by_id(conn: asyncpg.Connection, *, touchpoint_id: int, status: str) -> None:
    await conn.execute(SQL["set_status_by_id"], touchpoint_id, status)


async def is_team_practitioner(conn: asyncpg.Connection, *, team_id: int, staff_id: int) -> bool:
    return await conn.fetchval(SQL["is_team_practitioner"], team_id, staff_id)


async def set_exit_pin(conn: asyncpg.Connection, *, touchpoint_id: int, pin_hash: str) -> None:
    await conn.execute(SQL["set_exit_pin"], touchpoint_id, pin_hash)


async def set_idle_seconds(conn: asyncpg.Connection, *, touchpoint_id: int, seconds: int) -> None:
    await conn.execute(SQL["set_idle_seconds"], touchpoint_id, seconds)


async def exit_pin_hash(conn: asyncpg.Connection, *, touchpoint_id: int) -> str | None:
    return await conn.fetchval(SQL["exit_pin_hash"], touchpoint_id)


async def device_sent(conn: asyncpg.Connection, *, touchpoint_id: int, device_id: uuid.UUID, today: dt.date) -> None:
    await conn.execute(SQL["device_sent"], touchpoint_id, device_id, today)


class DeviceLastSent(msgspec.Struct, frozen=True):
    device_id: uuid.UUID  # random, made by the device when Heard was first opened on it
    last_sent_on: dt.date


async def devices_last_sent(conn: asyncpg.Connection, *, touchpoint_id: int) -> list[DeviceLastSent]:
    rows = await conn.fetch(SQL["devices_last_sent"], touchpoint_id)
    return [DeviceLastSent(**row) for row in rows]


async def debrief_touchpoint(conn: asyncpg.Connection, *, team_id: int, new_code: str) -> int:
    return await conn.fetchval(SQL["debrief_touchpoint"], team_id, new_code)
