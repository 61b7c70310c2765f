"""Typed wrappers for insights/queries.sql."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class Filter(msgspec.Struct, frozen=True):
    team_id: int
    practitioner_id: int | None = None
    touchpoint_id: int | None = None
    audience: str | None = None


class ResponseCount(msgspec.Struct, frozen=True):
    period: int
    audience: str
    touchpoint_id: int
    n: int


class AnswerCount(msgspec.Struct, frozen=True):
    period: int
    audience: str
    survey_id: str
    question_id: str
    value: str
    n: int


class PractitionerAnswerCount(msgspec.Struct, frozen=True):
    practitioner_id: int
    display_name: str
    audience: str
    survey_id: str
    question_id: str
    value: str
    n: int


class PractitionerResponses(msgspec.Struct, frozen=True):
    practitioner_id: int | None  # None: everyone who does not share, and touchpoints without a practitioner
    display_name: str | None
    n: int


class TouchpointLabel(msgspec.Struct, frozen=True):
    id: int
    code: str
    contact_kind: str
    audience: str | None
    status: str
    practitioner_id: int | None
    practitioner_name: str | None
    practitioner_shares: bool


def _args(f: Filter, start: dt.date, end: dt.date, days: int) -> tuple:
    return (f.team_id, f.practitioner_id, start, end, f.touchpoint_id, f.audience, days)


async def response_counts(conn: asyncpg.Connection, *, scope: Filter, start: dt.date, end: dt.date,
                          days: int) -> list[ResponseCount]:
    rows = await conn.fetch(SQL["response_counts"], *_args(scope, start, end, days))
    return [ResponseCount(**row) for row in rows]


async def answer_counts(conn: asyncpg.Connection, *, scope: Filter, start: dt.date, end: dt.date,
                        days: int) -> list[AnswerCount]:
    rows = await conn.fetch(SQL["answer_counts"], *_args(scope, start, end, days))
    return [AnswerCount(**row) for row in rows]


async def shared_practitioner_counts(conn: asyncpg.Connection, *, team_id: int, start: dt.date,
                                     end: dt.date) -> list[PractitionerAnswerCount]:
    rows = await conn.fetch(SQL["shared_practitioner_counts"], team_id, start, end)
    return [PractitionerAnswerCount(**row) for row in rows]


async def shared_practitioner_responses(conn: asyncpg.Connection, *, team_id: int, start: dt.date,
                                        end: dt.date) -> list[PractitionerResponses]:
    rows = await conn.fetch(SQL["shared_practitioner_responses"], team_id, start, end)
    return [PractitionerResponses(**row) for row in rows]


async def team_touchpoints(conn: asyncpg.Connection, *, team_id: int) -> list[TouchpointLabel]:
    return [TouchpointLabel(**row) for row in await conn.fetch(SQL["team_touchpoints"], team_id)]


class FreeText(msgspec.Struct, frozen=True):
    question_id: str
    body: str


async def free_texts(conn: asyncpg.Connection, *, scope: Filter, start: dt.date, end: dt.date,
                     limit: int) -> list[FreeText]:
    rows = await conn.fetch(SQL["free_texts"], scope.team_id, scope.practitioner_id, start, end,
                            scope.touchpoint_id, scope.audience, limit)
    return [FreeText(**row) for row in rows]


class HeldBatch(msgspec.Struct, frozen=True):
    touchpoint_id: int
    contact_kind: str
    practitioner_name: str | None
    submitted_on: dt.date
    n: int


async def held_batches(conn: asyncpg.Connection, *, team_id: int) -> list[HeldBatch]:
    return [HeldBatch(**row) for row in await conn.fetch(SQL["held_batches"], team_id)]


async def decide_held(conn: asyncpg.Connection, *, team_id: int, touchpoint_id: int, day: dt.date,
                      include: bool) -> None:
    await conn.execute(SQL["decide_held"], team_id, touchpoint_id, day, include)
