"""Escalating safeguarding items nobody has closed in time.

`heard safeguarding escalate` runs this (infra/systemd/heard-escalate.timer
runs it every 10 minutes), with the reading list's escalation beside it. Each
overdue item is escalated once (working hours: hours.py, bank holidays
included): a warning in the logs, a webhook and an email (alerts.py), never
carrying what the person wrote: only how many items, which teams, since when,
and where the queue is.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from service.settings import Settings

from .alerts import Alert, send
from .hours import WorkingWeek
from .service import Escalation, overdue_items


async def escalate(conn: asyncpg.Connection, settings: Settings, *, now: dt.datetime | None = None) -> Escalation:
    now = now or dt.datetime.now(dt.UTC)
    result = await overdue_items(
        conn, now=now, week=WorkingWeek.of(settings), after_hours=settings.escalate_after_hours
    )
    if not result.items:
        return result
    teams = sorted({i.team_name for i in result.items})
    summary = (
        f"{len(result.items)} safeguarding item(s) waiting more than {settings.escalate_after_hours:g} working hours"
    )
    await send(
        settings,
        Alert(
            event="heard.safeguarding.overdue",
            subject=summary,
            text=f"{summary}, in {', '.join(teams)}. Oldest since {result.items[0].arrived_at:%Y-%m-%d %H:%M} UTC.",
            link=settings.base_url.rstrip("/") + "/staff/safeguarding",
            items=[
                {"id": i.id, "team": i.team_name, "kind": i.kind, "arrived_at": i.arrived_at.isoformat()}
                for i in result.items
            ],
        ),
    )
    return result
