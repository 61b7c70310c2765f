"""Escalating reading-list items nobody has read in time.

An item is due HEARD_READ_WITHIN_HOURS working hours after it arrived
(counted in the triage hours, weekdays, bank holidays of HEARD_HOLIDAYS
skipped). `heard safeguarding escalate` runs this beside the safeguarding
queue's escalation: each overdue item is escalated once, by log, webhook and
email (service/safeguarding/alerts.py), never carrying the words written.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.safeguarding.alerts import Alert, send
from service.safeguarding.hours import WorkingWeek
from service.settings import Settings

from . import queries
from .queries import Overdue


class Escalated(msgspec.Struct, frozen=True):
    items: list[Overdue]


async def overdue_items(
    conn: asyncpg.Connection, *, now: dt.datetime, week: WorkingWeek, within_hours: float
) -> Escalated:
    """Open items past their deadline, not yet escalated; marked escalated in the same transaction."""
    candidates = await queries.open_unescalated(conn, arrived_before=now)
    due = [item for item in candidates if week.hours_between(item.arrived_at, now) >= within_hours]
    if due:
        await queries.mark_escalated(conn, item_ids=[item.id for item in due])
    return Escalated(due)


async def escalate(conn: asyncpg.Connection, settings: Settings, *, now: dt.datetime | None = None) -> Escalated:
    now = now or dt.datetime.now(dt.UTC)
    result = await overdue_items(conn, now=now, week=WorkingWeek.of(settings), within_hours=settings.read_within_hours)
    if not result.items:
        return result
    teams = sorted({i.team_name for i in result.items})
    flagged = sum(i.flagged for i in result.items)
    summary = (
        f"{len(result.items)} written answer(s) or contact request(s) unread after "
        f"{settings.read_within_hours:g} working hours"
    )
    await send(
        settings,
        Alert(
            event="heard.reading.overdue",
            subject=summary,
            text=(
                f"{summary}, in {', '.join(teams)} ({flagged} flagged as a possible disclosure). "
                f"Oldest since {result.items[0].arrived_at:%Y-%m-%d %H:%M} UTC."
            ),
            link=settings.base_url.rstrip("/") + "/staff/reading",
            items=[
                {"id": i.id, "team": i.team_name, "kind": i.kind, "arrived_at": i.arrived_at.isoformat()}
                for i in result.items
            ],
        ),
    )
    return result
