"""Retention: data does not outlive its purpose.

`heard retention run` (daily, infra/systemd/heard-retention.timer) deletes free
text after HEARD_KEEP_FREE_TEXT_MONTHS, closed safeguarding items and closed
reading-list items (their words; outcomes and timings stay as monthly counts)
and learning-review comments after the same time, raw responses after HEARD_KEEP_RESPONSES_MONTHS (their counts are
kept per month first, so long-run figures still add up), audit entries after
HEARD_KEEP_AUDIT_MONTHS, and expired sessions. Open safeguarding items are
never deleted.

Responses and free text are kept in monthly partitions (service/db/partitions.py),
so their retention drops whole months: cutoffs always fall on the first of a
month. It also makes the coming months' partitions, under the migration lock
so two runs (or a run and a starting instance) never make the same one.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db import partitions
from service.db.migrate import LOCK_KEY
from service.reading import service as reading
from service.responses import service as answering
from service.staff import service as staff

from . import queries

DROP_LOCK_WAIT = "5s"


class Removed(msgspec.Struct, frozen=True):
    free_texts: int
    safeguarding_items: int
    responses: int
    audit_entries: int
    sign_in_records: int
    reading_items: int = 0


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, 1)


async def run_retention(
    conn: asyncpg.Connection, *, today: dt.date, free_text_months: int, response_months: int, audit_months: int
) -> Removed:
    """Run inside a transaction: everything goes, or nothing."""
    free_text_cutoff = months_before(today, free_text_months)
    response_cutoff = months_before(today, response_months)
    audit_cutoff = dt.datetime.combine(months_before(today, audit_months), dt.time(), dt.UTC)
    await conn.execute("select pg_advisory_xact_lock($1)", LOCK_KEY)
    # Making and dropping months lock the tables they change until commit, so this run waits at most a few
    # seconds for long reads to finish (new answers would queue behind the waiting change): if they do not,
    # it fails, nothing is removed, and tomorrow's run tries again.
    await conn.execute(f"set local lock_timeout = '{DROP_LOCK_WAIT}'")
    await partitions.prepare_months(conn, today=today)
    items = await queries.delete_old_closed_items(conn, before=dt.datetime.combine(free_text_cutoff, dt.time(), dt.UTC))
    read = await reading.forget_before(conn, before=free_text_cutoff)  # with the free text, counts kept
    await queries.aggregate_old_responses(conn, before=response_cutoff)
    await answering.forget_submission_ids_before(conn, before=response_cutoff)
    audit = await staff.forget_audit_before(conn, before=audit_cutoff)
    sign_in = await staff.forget_stale_sign_ins(conn)
    # Dropping a month locks the whole table until commit: last.
    # Free text goes with its response at the latest.
    free_texts = await partitions.drop_months_before(conn, "free_text_answers", max(free_text_cutoff, response_cutoff))
    responses = await partitions.drop_months_before(conn, "responses", response_cutoff)
    return Removed(free_texts, items, responses, audit, sign_in, read.items)
