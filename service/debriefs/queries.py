"""Typed wrappers for debriefs/queries.sql."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class Debrief(msgspec.Struct, frozen=True):
    id: int
    team_id: int
    team_name: str
    code: str
    name: str
    deadline: dt.date
    opened_by: int | None
    opener_name: str | None
    opened_on: dt.date
    closed: bool
    closes_on: dt.date  # the day it closed, or the day after its deadline
    answered: int


class Answer(msgspec.Struct, frozen=True):
    id: int
    role: str | None
    texts: dict[str, str]
    response: str | None
    because: str | None


class Lesson(msgspec.Struct, frozen=True):
    answer_id: int
    debrief_id: int
    debrief_name: str
    lesson: str
    raised_on: dt.date
    response: str | None = None
    because: str | None = None


class LessonToAnswer(msgspec.Struct, frozen=True):
    answer_id: int
    debrief_id: int
    team_id: int
    debrief_name: str
    lesson: str | None
    closed: bool


def _one(row, kind):
    return msgspec.convert(dict(row), kind) if row is not None else None


def _all(rows, kind):
    return [msgspec.convert(dict(row), kind) for row in rows]


async def insert_debrief(
    conn: asyncpg.Connection, *, team_id: int, code: str, name: str, deadline: dt.date, opened_by: int, today: dt.date
) -> int:
    return await conn.fetchval(SQL["insert_debrief"], team_id, code, name, deadline, opened_by, today)


async def debrief_by_id(conn: asyncpg.Connection, *, debrief_id: int, today: dt.date) -> Debrief | None:
    return _one(await conn.fetchrow(SQL["debrief_by_id"], debrief_id, today), Debrief)


async def debrief_by_code(conn: asyncpg.Connection, *, code: str, today: dt.date) -> Debrief | None:
    return _one(await conn.fetchrow(SQL["debrief_by_code"], code, today), Debrief)


async def team_debriefs(conn: asyncpg.Connection, *, team_ids: list[int], today: dt.date) -> list[Debrief]:
    return _all(await conn.fetch(SQL["team_debriefs"], team_ids, today), Debrief)


async def close_debrief(conn: asyncpg.Connection, *, debrief_id: int, by: int) -> bool:
    return await conn.execute(SQL["close_debrief"], debrief_id, by) == "UPDATE 1"


async def insert_answer(
    conn: asyncpg.Connection,
    *,
    debrief_id: int,
    submission_id: uuid.UUID,
    role: str | None,
    language: str,
    answered_on: dt.date,
    texts: dict[str, str],
) -> int | None:
    return await conn.fetchval(SQL["insert_answer"], debrief_id, submission_id, role, language, answered_on, texts)


async def answers(conn: asyncpg.Connection, *, debrief_id: int, key: bytes) -> list[Answer]:
    return _all(await conn.fetch(SQL["answers"], debrief_id, key), Answer)


async def raised_waiting(conn: asyncpg.Connection, *, team_id: int, today: dt.date) -> list[Lesson]:
    return _all(await conn.fetch(SQL["raised_waiting"], team_id, today), Lesson)


async def responded_in_review(conn: asyncpg.Connection, *, review_id: int) -> list[Lesson]:
    return _all(await conn.fetch(SQL["responded_in_review"], review_id), Lesson)


async def lesson(conn: asyncpg.Connection, *, answer_id: int, today: dt.date) -> LessonToAnswer | None:
    return _one(await conn.fetchrow(SQL["lesson"], answer_id, today), LessonToAnswer)


async def respond(
    conn: asyncpg.Connection, *, answer_id: int, review_id: int, response: str, because: str, by: int, today: dt.date
) -> None:
    await conn.execute(SQL["respond"], answer_id, review_id, response, because, by, today)


async def shuffle_key(conn: asyncpg.Connection) -> bytes:
    return await conn.fetchval(SQL["shuffle_key"])
