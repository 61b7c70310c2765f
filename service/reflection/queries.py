"""Typed wrappers for reflection/queries.sql."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class Entry(msgspec.Struct, frozen=True):
    id: int
    staff_id: int
    writer_name: str
    title: str
    happened: str
    noticed: str
    think_now: str
    do_differently: str
    feedback_from: dt.date | None
    feedback_to: dt.date | None
    shared_with: int | None
    shared_with_name: str | None
    written_on: dt.date


class Manager(msgspec.Struct, frozen=True):
    id: int
    display_name: str


async def insert_reflection(
    conn: asyncpg.Connection,
    *,
    staff_id: int,
    title: str,
    happened: str,
    noticed: str,
    think_now: str,
    do_differently: str,
    feedback_from: dt.date | None,
    feedback_to: dt.date | None,
) -> int:
    return await conn.fetchval(
        SQL["insert_reflection"],
        staff_id,
        title,
        happened,
        noticed,
        think_now,
        do_differently,
        feedback_from,
        feedback_to,
    )


async def update_reflection(
    conn: asyncpg.Connection,
    *,
    entry_id: int,
    staff_id: int,
    title: str,
    happened: str,
    noticed: str,
    think_now: str,
    do_differently: str,
    feedback_from: dt.date | None,
    feedback_to: dt.date | None,
) -> bool:
    return (
        await conn.fetchval(
            SQL["update_reflection"],
            entry_id,
            staff_id,
            title,
            happened,
            noticed,
            think_now,
            do_differently,
            feedback_from,
            feedback_to,
        )
        is not None
    )


async def readable_reflection(conn: asyncpg.Connection, *, entry_id: int, reader_id: int) -> Entry | None:
    row = await conn.fetchrow(SQL["readable_reflection"], entry_id, reader_id)
    return Entry(**row) if row else None


async def own_reflections(conn: asyncpg.Connection, *, staff_id: int) -> list[Entry]:
    return [Entry(**row) for row in await conn.fetch(SQL["own_reflections"], staff_id)]


async def shared_reflections(conn: asyncpg.Connection, *, manager_id: int) -> list[Entry]:
    return [Entry(**row) for row in await conn.fetch(SQL["shared_reflections"], manager_id)]


async def share_reflection(conn: asyncpg.Connection, *, entry_id: int, staff_id: int, manager_id: int | None) -> bool:
    return await conn.fetchval(SQL["share_reflection"], entry_id, staff_id, manager_id) is not None


async def delete_reflection(conn: asyncpg.Connection, *, entry_id: int, staff_id: int) -> bool:
    return await conn.fetchval(SQL["delete_reflection"], entry_id, staff_id) is not None


async def managers_of(conn: asyncpg.Connection, *, staff_id: int) -> list[Manager]:
    return [Manager(**row) for row in await conn.fetch(SQL["managers_of"], staff_id)]
