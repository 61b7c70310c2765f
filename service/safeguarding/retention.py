"""Retention: data does not outlive its purpose.

`heard retention run` (daily, infra/systemd/heard-retention.timer) deletes free
text after HEARD_KEEP_FREE_TEXT_MONTHS, closed safeguarding items after the
same time, raw responses after HEARD_KEEP_RESPONSES_MONTHS (their counts are
kept per month first, so long-run figures still add up), audit entries after
HEARD_KEEP_AUDIT_MONTHS, and expired sessions. Open safeguarding items are
never deleted.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from . import queries


class Removed(msgspec.Struct, frozen=True):
    free_texts: int
    safeguarding_items: int
    responses: int
    audit_entries: int
    sign_in_records: int


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, 1)


async def run_retention(conn: asyncpg.Connection, *, today: dt.date, free_text_months: int, response_months: int,
                        audit_months: int) -> Removed:
    free_text_cutoff = months_before(today, free_text_months)
    response_cutoff = months_before(today, response_months)
    audit_cutoff = dt.datetime.combine(months_before(today, audit_months), dt.time(), dt.UTC)
    free_texts = await queries.delete_old_free_text(conn, before=free_text_cutoff)
    items = await queries.delete_old_closed_items(
        conn, before=dt.datetime.combine(free_text_cutoff, dt.time(), dt.UTC))
    await queries.aggregate_old_responses(conn, before=response_cutoff)
    responses = await queries.delete_old_responses(conn, before=response_cutoff)
    audit = await queries.delete_old_audit(conn, before=audit_cutoff)
    sign_in = await queries.delete_stale_sign_in_data(conn)
    return Removed(free_texts, items, responses, audit, sign_in)
