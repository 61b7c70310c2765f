"""Typed wrappers for insights/queries.sql: answers held back as a burst (every
figure itself comes from service.figures; the decision about them is written by
service.responses)."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class HeldBatch(msgspec.Struct, frozen=True):
    touchpoint_id: int
    contact_kind: str
    practitioner_name: str | None
    submitted_on: dt.date
    n: int


async def held_batches(conn: asyncpg.Connection, *, team_id: int) -> list[HeldBatch]:
    return [HeldBatch(**row) for row in await conn.fetch(SQL["held_batches"], team_id)]
