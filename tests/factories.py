"""Small factory functions: real rows in the real database, no mocks."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

from service.touchpoints import codes
from service.touchpoints.queries import Touchpoint, insert_touchpoint, set_touchpoint_status, touchpoint_by_code


async def team(pool: asyncpg.Pool, name: str | None = None) -> int:
    return await pool.fetchval("insert into teams (name) values ($1) returning id", name or f"Team {uuid.uuid4().hex[:6]}")


async def touchpoint(
    pool: asyncpg.Pool,
    *,
    audience: str | None = None,
    status: str = "active",
    expires_on: dt.date | None = None,
    language: str = "en-GB",
    team_id: int | None = None,
) -> Touchpoint:
    team_id = team_id or await team(pool)
    code = codes.new_code()
    async with pool.acquire() as conn:
        await insert_touchpoint(conn, code=code, team_id=team_id, contact_kind="home_visit", practitioner_id=None,
                                survey_id="after-meeting", audience=audience, language=language, expires_on=expires_on)
        if status != "active":
            await set_touchpoint_status(conn, code=code, status=status)
        found = await touchpoint_by_code(conn, code=code, today=dt.date.today())
    assert found is not None
    return found


async def stored_responses(pool: asyncpg.Pool, touchpoint_id: int) -> list[dict]:
    rows = await pool.fetch(
        "select r.*, coalesce(jsonb_object_agg(f.question_id, f.body) filter (where f.question_id is not null), '{}') as free_text "
        "from responses r left join free_text_answers f on f.response_id = r.id "
        "where r.touchpoint_id = $1 group by r.id order by r.id", touchpoint_id)
    return [dict(row) for row in rows]
