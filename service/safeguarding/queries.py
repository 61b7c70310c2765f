"""Typed wrappers for safeguarding/queries.sql."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class Item(msgspec.Struct, frozen=True):
    id: int
    kind: str
    team_id: int
    team_name: str
    contact_kind: str
    practitioner_name: str | None
    question_id: str | None
    body: str
    contact_name: str | None
    contact_how: str | None
    categories: list[str]
    audience: str
    language: str
    arrived_at: dt.datetime
    escalated_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str | None
    closed_by_name: str | None
    reader_note: str | None = None  # what a reader did before it reached the queue
    state: str = ""  # in the queue: "new", "looking" (a lead has opened it) or "done" (closed)
    opened_by_name: str | None = None  # in the queue: the first lead who opened it


class Overdue(msgspec.Struct, frozen=True):
    id: int
    team_id: int
    team_name: str
    kind: str
    arrived_at: dt.datetime


class AuditEntry(msgspec.Struct, frozen=True):
    at: dt.datetime
    display_name: str | None
    action: str


async def insert_item(
    conn: asyncpg.Connection,
    *,
    response_id: int | None,
    touchpoint_id: int,
    team_id: int,
    kind: str,
    question_id: str | None,
    body: str,
    contact_name: str | None,
    contact_how: str | None,
    categories: list[str],
    audience: str,
    language: str,
    arrived_at: dt.datetime | None = None,
    reader_note: str | None = None,
) -> int:
    """Into the queue: from the flagger or a request to be contacted (arriving now), or a reader's concern (with
    when the words arrived and what the reader did)."""
    return await conn.fetchval(
        SQL["insert_item"],
        response_id,
        touchpoint_id,
        team_id,
        kind,
        question_id,
        body,
        contact_name,
        contact_how,
        categories,
        audience,
        language,
        arrived_at,
        reader_note,
    )


async def queue(conn: asyncpg.Connection, *, team_ids: list[int], states: list[str]) -> list[Item]:
    return [Item(**row) for row in await conn.fetch(SQL["queue"], team_ids, states)]


async def item(conn: asyncpg.Connection, *, item_id: int) -> Item | None:
    row = await conn.fetchrow(SQL["item"], item_id)
    return Item(**row) if row else None


async def close_item(conn: asyncpg.Connection, *, item_id: int, staff_id: int, outcome: str, zone: str) -> bool:
    return await conn.fetchval(SQL["close_item"], item_id, staff_id, outcome, zone) == 1


async def add_reader_note(conn: asyncpg.Connection, *, item_id: int, note: str) -> None:
    await conn.execute(SQL["add_reader_note"], item_id, note)


async def open_unescalated(conn: asyncpg.Connection, *, arrived_before: dt.datetime) -> list[Overdue]:
    return [Overdue(**row) for row in await conn.fetch(SQL["open_unescalated"], arrived_before)]


async def mark_escalated(conn: asyncpg.Connection, *, item_ids: list[int]) -> None:
    await conn.execute(SQL["mark_escalated"], item_ids)


async def audit_trail(conn: asyncpg.Connection, *, item_id: int) -> list[AuditEntry]:
    return [AuditEntry(**row) for row in await conn.fetch(SQL["audit_trail"], str(item_id))]


async def delete_old_closed_items(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    return await conn.fetchval(SQL["delete_old_closed_items"], before)


async def aggregate_old_responses(conn: asyncpg.Connection, *, before: dt.date) -> None:
    await conn.execute(SQL["aggregate_old_responses"], before)
    await conn.execute(SQL["aggregate_old_answers"], before)
