"""Safeguarding intentions: screen free text as it arrives, queue what may be
a disclosure (or a request to be contacted) for the team's safeguarding leads,
let a lead view and close items (audit-logged), and escalate what waits too long."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from service.staff import service as staff

from . import queries
from .flagging import flag
from .queries import Item

CONTACT_NAME_MAX = 100
CONTACT_HOW_MAX = 200
CONTACT_MESSAGE_MAX = 1000
OUTCOME_MAX = 2000


def screen(free_text: dict[str, str], language: str) -> dict[str, list[str]]:
    """Question id -> harm categories, for every free-text answer that may disclose harm."""
    found = {}
    for question_id, text in free_text.items():
        result = flag(text, language)
        if result is not None:
            found[question_id] = sorted(result.categories)
    return found


class ContactProblem(Exception):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


async def request_contact(conn: asyncpg.Connection, *, touchpoint_id: int, team_id: int, audience: str,
                          language: str, name: str, how: str, message: str) -> int:
    """Someone asked to be contacted: only the safeguarding queue ever sees it."""
    name, how, message = name.strip(), how.strip(), message.strip()
    problems = {}
    if not how:
        problems["how"] = "required"
    if len(name) > CONTACT_NAME_MAX:
        problems["name"] = "too_long"
    if len(how) > CONTACT_HOW_MAX:
        problems["how"] = "too_long"
    if len(message) > CONTACT_MESSAGE_MAX:
        problems["message"] = "too_long"
    if problems:
        raise ContactProblem(problems)
    categories = sorted(flag(message, language).categories) if message and flag(message, language) else []
    return await queries.insert_item(
        conn, response_id=None, touchpoint_id=touchpoint_id, team_id=team_id, kind="contact_request",
        question_id=None, body=message, contact_name=name or None, contact_how=how, categories=categories,
        audience=audience, language=language)


def lead_teams(viewer: staff.Viewer) -> list[int]:
    return [team_id for team_id in viewer.teams if viewer.leads_safeguarding(team_id)]


async def lead_queue(conn: asyncpg.Connection, *, viewer: staff.Viewer, include_closed: bool) -> list[Item]:
    items = await queries.queue(conn, team_ids=lead_teams(viewer), include_closed=include_closed)
    await staff.record(conn, staff_id=viewer.staff.id, action="safeguarding_queue_viewed",
                       detail={"items": [i.id for i in items]})
    return items


async def view_item(conn: asyncpg.Connection, *, viewer: staff.Viewer, item_id: int) -> Item | None:
    """The item, if this person leads safeguarding for its team; every view is logged."""
    found = await queries.item(conn, item_id=item_id)
    if found is None or not viewer.leads_safeguarding(found.team_id):
        return None
    await staff.record(conn, staff_id=viewer.staff.id, action="safeguarding_item_viewed",
                       detail={"item_id": item_id})
    return found


async def close_item(conn: asyncpg.Connection, *, viewer: staff.Viewer, item: Item, outcome: str) -> None:
    outcome = outcome.strip()
    if not outcome or len(outcome) > OUTCOME_MAX:
        raise ContactProblem({"outcome": "required" if not outcome else "too_long"})
    if await queries.close_item(conn, item_id=item.id, staff_id=viewer.staff.id, outcome=outcome):
        await staff.record(conn, staff_id=viewer.staff.id, action="safeguarding_item_closed",
                           detail={"item_id": item.id})


async def audit_trail(conn: asyncpg.Connection, *, item_id: int) -> list[queries.AuditEntry]:
    return await queries.audit_trail(conn, item_id=item_id)


def working_hours_between(start: dt.datetime, end: dt.datetime, *, zone: str, from_hour: int,
                          to_hour: int) -> float:
    """Hours of the working week (Monday to Friday, from_hour to to_hour, local time) between two moments."""
    tz = ZoneInfo(zone)
    start, end = start.astimezone(tz), end.astimezone(tz)
    total = 0.0
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5:
            open_at = dt.datetime.combine(day, dt.time(from_hour), tz)
            close_at = dt.datetime.combine(day, dt.time(to_hour), tz)
            overlap = (min(end, close_at) - max(start, open_at)).total_seconds()
            total += max(0.0, overlap) / 3600
        day += dt.timedelta(days=1)
    return total


class Escalation(msgspec.Struct, frozen=True):
    items: list[queries.Overdue]


async def overdue_items(conn: asyncpg.Connection, *, now: dt.datetime, zone: str, from_hour: int, to_hour: int,
                        after_hours: float) -> Escalation:
    """Open items nobody has closed within `after_hours` working hours, not yet escalated;
    they are marked escalated in the same transaction (another instance skips them)."""
    candidates = await queries.open_unescalated(conn, arrived_before=now)
    due = [item for item in candidates
           if working_hours_between(item.arrived_at, now, zone=zone, from_hour=from_hour,
                                    to_hour=to_hour) >= after_hours]
    if due:
        await queries.mark_escalated(conn, item_ids=[item.id for item in due])
    return Escalation(due)
