"""Typed wrappers for figures/queries.sql."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class AtomCount(msgspec.Struct, frozen=True):
    month: dt.date
    touchpoint_id: int
    practitioner_id: int | None
    contact_kind: str
    audience: str
    survey_id: str
    question_id: str  # '' counts responses
    value: str
    n: int
    key_sum: int


class MonthCount(msgspec.Struct, frozen=True):
    touchpoint_id: int
    month: dt.date
    responses: int


class Person(msgspec.Struct, frozen=True):
    id: int
    display_name: str
    shares_with_manager: bool


class Candidate(msgspec.Struct, frozen=True):
    question_id: str
    body: str
    survey_id: str
    audience: str
    answers: dict


class ReviewSlice(msgspec.Struct, frozen=True):
    team_id: int
    period_start: dt.date
    period_end: dt.date
    focus_kind: str | None
    focus_audience: str | None
    survey_id: str


async def day_fingerprints(
    conn: asyncpg.Connection, *, team_id: int, first: dt.date, end: dt.date
) -> list[tuple[int, dt.date, int]]:
    rows = await conn.fetch(SQL["day_fingerprints"], team_id, first, end)
    return [(r["touchpoint_id"], r["day"], r["responses"]) for r in rows]


async def lock_rollup(conn: asyncpg.Connection, *, team_id: int) -> None:
    await conn.execute(SQL["lock_rollup"], team_id)


async def rolled_months(conn: asyncpg.Connection, *, team_id: int, first: dt.date, end: dt.date) -> list[MonthCount]:
    return [MonthCount(**r) for r in await conn.fetch(SQL["rolled_months"], team_id, first, end)]


async def forget_months(conn: asyncpg.Connection, *, months: list[tuple[int, dt.date]]) -> None:
    await conn.execute(SQL["forget_months"], [t for t, _ in months], [m for _, m in months])


async def roll_months(conn: asyncpg.Connection, *, months: list[MonthCount]) -> None:
    await conn.execute(
        SQL["roll_months"], [m.touchpoint_id for m in months], [m.month for m in months], [m.responses for m in months]
    )


async def atom_counts(conn: asyncpg.Connection, *, team_id: int, first: dt.date, end: dt.date) -> list[AtomCount]:
    return [AtomCount(**r) for r in await conn.fetch(SQL["atom_counts"], team_id, first, end)]


async def sharing(conn: asyncpg.Connection, *, staff_ids: list[int]) -> list[Person]:
    return [Person(**r) for r in await conn.fetch(SQL["sharing"], staff_ids)]


async def team_staff_names(conn: asyncpg.Connection, *, team_id: int) -> list[str]:
    return [r["display_name"] for r in await conn.fetch(SQL["team_staff_names"], team_id)]


async def comments(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    months: list[dt.date],
    audience: str | None,
    contact_kind: str | None,
    touchpoint_id: int | None,
    practitioner_id: int | None,
    limit: int,
    survey_id: str,
) -> list[Candidate]:
    rows = await conn.fetch(
        SQL["comments"], team_id, months, audience, contact_kind, touchpoint_id, practitioner_id, limit, survey_id
    )
    return [Candidate(**r) for r in rows]


async def review_slice(conn: asyncpg.Connection, *, review_id: int) -> ReviewSlice | None:
    row = await conn.fetchrow(SQL["review_slice"], review_id)
    return ReviewSlice(**row) if row else None


async def team_review_ids(conn: asyncpg.Connection, *, team_id: int) -> list[int]:
    return [r["id"] for r in await conn.fetch(SQL["team_reviews"], team_id)]


class Shape(msgspec.Struct, frozen=True):
    month: dt.date
    contact_kind: str
    audience: str


async def team_shape(
    conn: asyncpg.Connection, *, team_id: int, first: dt.date, end: dt.date, survey_id: str
) -> list[Shape]:
    return [Shape(**r) for r in await conn.fetch(SQL["team_shape"], team_id, first, end, survey_id)]


async def all_team_ids(conn: asyncpg.Connection) -> list[int]:
    return [r["id"] for r in await conn.fetch(SQL["all_team_ids"])]


async def atom_counts_live(conn: asyncpg.Connection, *, team_id: int, first: dt.date, end: dt.date) -> list[AtomCount]:
    return [AtomCount(**r) for r in await conn.fetch(SQL["atom_counts_live"], team_id, first, end)]
