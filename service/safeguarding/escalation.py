"""Escalating safeguarding items nobody has closed in time.

`heard safeguarding escalate` runs this (infra/systemd/heard-escalate.timer
runs it every 10 minutes). Each overdue item is escalated once: a warning in
the logs, and a JSON POST to HEARD_ESCALATION_WEBHOOK when set (e.g. a
Teams/Slack/incident-tool webhook that pages the duty manager). The webhook
never carries what the person wrote: only how many items, which teams, since
when, and where the queue is.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import urllib.request

import asyncpg
import msgspec

from service.settings import Settings

from .service import Escalation, overdue_items

log = logging.getLogger("heard.safeguarding")


async def escalate(conn: asyncpg.Connection, settings: Settings, *, now: dt.datetime | None = None) -> Escalation:
    now = now or dt.datetime.now(dt.UTC)
    result = await overdue_items(conn, now=now, zone=settings.timezone, from_hour=settings.triage_from_hour,
                                 to_hour=settings.triage_to_hour, after_hours=settings.escalate_after_hours)
    if not result.items:
        return result
    payload = {
        "event": "heard.safeguarding.overdue",
        "message": f"{len(result.items)} safeguarding item(s) waiting more than "
                   f"{settings.escalate_after_hours:g} working hours",
        "queue": settings.base_url.rstrip("/") + "/staff/safeguarding",
        "items": [{"id": i.id, "team": i.team_name, "kind": i.kind, "arrived_at": i.arrived_at.isoformat()}
                  for i in result.items],
    }
    log.warning("safeguarding items overdue", extra={"items": [i.id for i in result.items]})
    if settings.escalation_webhook:
        # Raises if the webhook fails: the transaction rolls back and the next run tries again.
        await asyncio.to_thread(_post, settings.escalation_webhook, msgspec.json.encode(payload))
    return result


def _post(url: str, body: bytes) -> None:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "Heard"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (configured by the deployer)
        response.read()
