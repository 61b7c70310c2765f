"""Typed wrappers for responses/queries.sql."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

from service.db.sql import sql_beside

SQL = sql_beside(__file__)
_INSERT_RESPONSE = SQL["insert_response"]
_INSERT_FREE_TEXT = SQL["insert_free_text"]


async def insert_response(
    conn: asyncpg.Connection,
    *,
    submission_id: uuid.UUID,
    touchpoint_id: int,
    survey_id: str,
    version_hash: str,
    audience: str,
    language: str,
    submitted_on: dt.date,
    answers: dict[str, int | str],
    held: bool = False,
) -> int | None:
    """The new response's id, or None when this submission id was stored before."""
    return await conn.fetchval(
        _INSERT_RESPONSE,
        submission_id,
        touchpoint_id,
        survey_id,
        version_hash,
        audience,
        language,
        submitted_on,
        answers,
        held,
    )


async def insert_free_texts(conn: asyncpg.Connection, *, response_id: int, submitted_on: dt.date,
                            texts: dict[str, str]) -> None:
    await conn.executemany(_INSERT_FREE_TEXT,
                           [(response_id, submitted_on, question, body) for question, body in texts.items()])


async def touchpoint_baseline(conn: asyncpg.Connection, *, touchpoint_id: int, today: dt.date) -> float:
    return await conn.fetchval(SQL["touchpoint_baseline"], touchpoint_id, today)


async def hold_day(conn: asyncpg.Connection, *, touchpoint_id: int, today: dt.date) -> None:
    await conn.execute(SQL["hold_day"], touchpoint_id, today)
