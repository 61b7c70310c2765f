"""Typed wrappers for responses/queries.sql."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

from service.db.sql import sql_beside

SQL = sql_beside(__file__)
_STORE_RESPONSE = SQL["store_response"]
_STORE_CLOSED_ANSWERS = SQL["store_closed_answers"]
_STORE_WRITTEN_ANSWERS = SQL["store_written_answers"]


async def store_response(
    conn: asyncpg.Connection,
    *,
    submission_id: uuid.UUID,
    touchpoint_id: int,
    team_id: int,
    survey_id: str,
    version_hash: str,
    audience: str,
    language: str,
    submitted_on: dt.date,
    answers: dict[str, int | str],
    free_text: dict[str, str],
    flagged: dict[str, list[str]],
    held: bool = False,
    burst_starts: bool = False,
    arrived_on: dt.date | None = None,
) -> int | None:
    """The new response's id, or None when this submission id was stored before."""
    # $1..$9, the same in all three statements (queries.sql)
    response = (submission_id, touchpoint_id, survey_id, version_hash, audience, language, submitted_on, answers, held)
    if not free_text and not burst_starts:
        return await conn.fetchval(_STORE_CLOSED_ANSWERS, *response)
    if not flagged and not burst_starts:
        return await conn.fetchval(
            _STORE_WRITTEN_ANSWERS,
            *response,
            list(free_text),
            list(free_text.values()),
            team_id,
            arrived_on or submitted_on,
        )
    return await conn.fetchval(
        _STORE_RESPONSE,
        *response,
        burst_starts,
        list(free_text),
        list(free_text.values()),
        team_id,
        list(flagged),
        [free_text[question] for question in flagged],
        [",".join(categories) for categories in flagged.values()],
        arrived_on or submitted_on,
    )


async def touchpoint_baseline(conn: asyncpg.Connection, *, touchpoint_id: int, today: dt.date) -> float:
    return await conn.fetchval(SQL["touchpoint_baseline"], touchpoint_id, today)


async def submission_stored(conn: asyncpg.Connection, *, submission_id: uuid.UUID) -> bool:
    return await conn.fetchval(SQL["submission_stored"], submission_id)


async def instance_key(conn: asyncpg.Connection, *, name: str) -> bytes:
    return await conn.fetchval(SQL["instance_key"], name)


async def version_life(
    conn: asyncpg.Connection, *, survey_id: str, version_hash: str, timezone: str
) -> tuple[dt.date, dt.date | None] | None:
    """(first day, last day or None while current) of a survey version; None for an unknown version."""
    row = await conn.fetchrow(SQL["version_life"], survey_id, version_hash, timezone)
    return (row["starts"], row["ends"]) if row else None


async def decide_held(
    conn: asyncpg.Connection, *, team_id: int, touchpoint_id: int, day: dt.date, include: bool
) -> None:
    await conn.execute(SQL["decide_held"], team_id, touchpoint_id, day, include)


async def forget_old_submission_ids(conn: asyncpg.Connection, *, before: dt.date) -> int:
    return await conn.fetchval(SQL["forget_old_submission_ids"], before)
