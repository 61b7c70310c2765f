"""Typed wrappers for reading/queries.sql."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class Item(msgspec.Struct, frozen=True):
    id: int
    kind: str  # "answer" or "contact_request"
    team_id: int
    team_name: str
    contact_kind: str
    question_id: str | None
    body: str
    contact_name: str | None
    contact_how: str | None
    categories: list[str]
    held: bool
    audience: str
    language: str
    arrived_on: dt.date
    arrived_at: dt.datetime | None  # None once closed
    escalated: bool
    dealing_by: int | None
    dealing_name: str | None
    dealing_since: dt.datetime | None
    answer_item_id: int | None
    answer_body: str | None
    safeguarding_item_id: int | None
    outcome: str | None
    note: str | None
    closed_at: dt.datetime | None
    closed_by_name: str | None
    waited_days: int | None = None  # days the answer waited on a device before it arrived (None: none)


class FullItem(Item, frozen=True):
    """An item with who it is about and where it came from: for the rules and the outcome, never a template."""

    practitioner_id: int | None = None
    touchpoint_practitioner_id: int | None = None
    touchpoint_id: int = 0
    response_id: int | None = None


class AuditEntry(msgspec.Struct, frozen=True):
    at: dt.datetime
    display_name: str | None
    action: str


class OpenCount(msgspec.Struct, frozen=True):
    team_id: int
    unread: int
    oldest: dt.datetime | None


class Overdue(msgspec.Struct, frozen=True):
    id: int
    team_id: int
    team_name: str
    kind: str
    flagged: bool
    arrived_at: dt.datetime


class ReviewComment(msgspec.Struct, frozen=True):
    month: dt.date
    touchpoint_id: int
    audience: str
    language: str
    question_id: str | None
    body: str


class MonthlyCount(msgspec.Struct, frozen=True):
    month: dt.date
    kind: str
    outcome: str
    flagged: bool
    on_time: bool
    items: int
    waited_hours: int


async def insert_contact_request(
    conn: asyncpg.Connection,
    *,
    touchpoint_id: int,
    submission_id: uuid.UUID | None,
    safeguarding_item_id: int | None,
    body: str,
    contact_name: str | None,
    contact_how: str,
    categories: list[str],
    held: bool,
    audience: str,
    language: str,
    arrived_on: dt.date,
) -> int:
    return await conn.fetchval(
        SQL["insert_contact_request"],
        touchpoint_id,
        submission_id,
        safeguarding_item_id,
        body,
        contact_name,
        contact_how,
        categories,
        held,
        audience,
        language,
        arrived_on,
    )


async def insert_written_answers(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    touchpoint_id: int,
    texts: dict[str, str],
    categories: dict[str, list[str]],
    audience: str,
    language: str,
    arrived_on: dt.date,
) -> None:
    await conn.execute(
        SQL["insert_written_answers"],
        team_id,
        touchpoint_id,
        list(texts),
        list(texts.values()),
        [",".join(categories.get(q, [])) for q in texts],
        audience,
        language,
        arrived_on,
    )


async def first_screen(conn: asyncpg.Connection, *, team_ids: list[int], reader_id: int, limit: int) -> list[Item]:
    return [Item(**row) for row in await conn.fetch(SQL["first_screen"], team_ids, reader_id, limit)]


async def item(conn: asyncpg.Connection, *, item_id: int) -> FullItem | None:
    row = await conn.fetchrow(SQL["item"], item_id)
    return FullItem(**row) if row else None


async def open_counts(conn: asyncpg.Connection, *, team_ids: list[int]) -> list[OpenCount]:
    return [OpenCount(**row) for row in await conn.fetch(SQL["open_counts"], team_ids)]


async def set_dealing(conn: asyncpg.Connection, *, item_id: int, staff_id: int | None, asked_by: int) -> bool:
    return (await conn.execute(SQL["set_dealing"], item_id, staff_id, asked_by)) == "UPDATE 1"


async def close_item(
    conn: asyncpg.Connection,
    *,
    item_id: int,
    staff_id: int,
    outcome: str,
    note: str | None,
    waited_hours: int,
    on_time: bool,
) -> bool:
    return (
        await conn.execute(SQL["close_item"], item_id, staff_id, outcome, note, waited_hours, on_time)
    ) == "UPDATE 1"


async def link_safeguarding_item(conn: asyncpg.Connection, *, item_id: int, safeguarding_item_id: int) -> None:
    await conn.execute(SQL["link_safeguarding_item"], item_id, safeguarding_item_id)


async def insert_review_comment(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    touchpoint_id: int,
    month: dt.date,
    audience: str,
    language: str,
    question_id: str | None,
    body: str,
) -> None:
    await conn.execute(
        SQL["insert_review_comment"], team_id, touchpoint_id, month, audience, language, question_id, body
    )


async def review_comments(
    conn: asyncpg.Connection, *, team_id: int, first_month: dt.date, last_month: dt.date
) -> list[ReviewComment]:
    rows = await conn.fetch(SQL["review_comments"], team_id, first_month, last_month)
    return [ReviewComment(**row) for row in rows]


async def needs_support(conn: asyncpg.Connection, *, submission_id: uuid.UUID) -> bool:
    return await conn.fetchval(SQL["needs_support"], submission_id)


async def open_unescalated(conn: asyncpg.Connection, *, arrived_before: dt.datetime) -> list[Overdue]:
    return [Overdue(**row) for row in await conn.fetch(SQL["open_unescalated"], arrived_before)]


async def mark_escalated(conn: asyncpg.Connection, *, item_ids: list[int]) -> None:
    await conn.execute(SQL["mark_escalated"], item_ids)


async def count_old_items(conn: asyncpg.Connection, *, before: dt.date) -> None:
    await conn.execute(SQL["count_old_items"], before)


async def delete_old_items(conn: asyncpg.Connection, *, before: dt.date) -> int:
    return await conn.fetchval(SQL["delete_old_items"], before)


async def delete_old_review_comments(conn: asyncpg.Connection, *, before: dt.date) -> int:
    return await conn.fetchval(SQL["delete_old_review_comments"], before)


async def monthly_counts(conn: asyncpg.Connection, *, team_id: int) -> list[MonthlyCount]:
    return [MonthlyCount(**row) for row in await conn.fetch(SQL["monthly_counts"], team_id)]


async def audit_trail(conn: asyncpg.Connection, *, item_id: int) -> list[AuditEntry]:
    return [AuditEntry(**row) for row in await conn.fetch(SQL["audit_trail"], str(item_id))]
