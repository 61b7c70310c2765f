"""Safeguarding intentions: screen free text as it arrives, queue what may be
a disclosure (or a request to be contacted) for the team's safeguarding leads,
let a lead view and close items (audit-logged), and escalate what waits too long."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.staff import service as staff
from service.touchpoints.kinds import CONTACT_KINDS

from . import queries
from .flagging import flag
from .hours import WorkingWeek, working_hours_between  # noqa: F401 (working_hours_between: one home, hours.py)
from .queries import Item
from .rules import lead_teams  # noqa: F401 (the rules, one place)

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


def contact_categories(message: str, language: str) -> list[str]:
    found = flag(message, language) if message else None
    return sorted(found.categories) if found else []


def check_contact(name: str, how: str, message: str) -> None:
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


async def request_contact(
    conn: asyncpg.Connection,
    *,
    touchpoint_id: int,
    team_id: int,
    audience: str,
    language: str,
    name: str,
    how: str,
    message: str,
    queue: bool = True,
) -> int | None:
    """Someone asked to be contacted: only safeguarding leads (and the team's readers) ever see it.
    With `queue` it goes to the safeguarding queue (its id is returned)."""
    name, how, message = name.strip(), how.strip(), message.strip()
    check_contact(name, how, message)
    if not queue:
        return None
    return await queries.insert_item(
        conn,
        response_id=None,
        touchpoint_id=touchpoint_id,
        team_id=team_id,
        kind="contact_request",
        question_id=None,
        body=message,
        contact_name=name or None,
        contact_how=how,
        categories=contact_categories(message, language),
        audience=audience,
        language=language,
    )


async def raise_concern(
    conn: asyncpg.Connection,
    *,
    response_id: int | None,
    touchpoint_id: int,
    team_id: int,
    kind: str,
    question_id: str | None,
    body: str,
    contact_name: str | None,
    contact_how: str | None,
    categories: list[str],
    audience: str,
    language: str,
    arrived_at: dt.datetime | None,
    note: str,
    reader: str,
) -> int:
    """A reader found a safeguarding concern in words the flagger did not catch: into the queue, with what they did."""
    return await queries.insert_item(
        conn,
        response_id=response_id,
        touchpoint_id=touchpoint_id,
        team_id=team_id,
        kind=kind,
        question_id=question_id,
        body=body,
        contact_name=contact_name,
        contact_how=contact_how,
        categories=categories,
        audience=audience,
        language=language,
        arrived_at=arrived_at or dt.datetime.now(dt.UTC),
        reader_note=f"{reader}: {note}",
    )


async def add_reader_note(conn: asyncpg.Connection, *, item_id: int, note: str, reader: str) -> None:
    await queries.add_reader_note(conn, item_id=item_id, note=f"{reader}: {note}")


# lead_teams: service/safeguarding/rules.py


# The queue's filter: what a lead may ask to see, and the item states each shows. An item is "new" until a
# lead opens it, "looking" (being looked at) once one has, "done" when closed with what was done.
QUEUE_FILTERS = {
    "open": ["new", "looking"],
    "new": ["new"],
    "looking": ["looking"],
    "done": ["done"],
    "all": ["new", "looking", "done"],
}


def queue_filter(asked: str | None, closed: str | None = None) -> str:
    """The filter asked for; an unknown one (or none) shows the open items. `closed=yes` is the old address."""
    if asked in QUEUE_FILTERS:
        return asked
    return "all" if closed == "yes" else "open"


async def lead_queue(conn: asyncpg.Connection, *, viewer: staff.Viewer, shown: str = "open") -> list[Item]:
    items = await queries.queue(conn, team_ids=lead_teams(viewer), states=QUEUE_FILTERS[shown])
    await staff.record(
        conn,
        staff_id=viewer.staff.id,
        action=f"opened the safeguarding queue ({len(items)} items)",
        detail={"items": [i.id for i in items]},
    )
    return items


async def view_item(conn: asyncpg.Connection, *, viewer: staff.Viewer, item_id: int) -> Item | None:
    """The item, if this person leads safeguarding for its team; every view is logged."""
    found = await queries.item(conn, item_id=item_id)
    if found is None or not viewer.leads_safeguarding(found.team_id):
        return None
    await staff.record(
        conn, staff_id=viewer.staff.id, action=f"read {_what(found)} from {_where(found)}", detail={"item_id": item_id}
    )
    return found


def _what(item: Item) -> str:
    return "a request to be contacted" if item.kind == "contact_request" else "a possible disclosure"


def _where(item: Item) -> str:
    kind = CONTACT_KINDS.get(item.contact_kind, item.contact_kind).lower().replace(" ", "-")
    return f"the {kind} touchpoint ({item.team_name})"


async def close_item(
    conn: asyncpg.Connection, *, viewer: staff.Viewer, item: Item, outcome: str, zone: str = "Europe/London"
) -> None:
    """Record what the lead did; the reading items it came from close with it. A closed item keeps only the
    date it arrived, so it cannot date its response."""
    outcome = outcome.strip()
    if not outcome or len(outcome) > OUTCOME_MAX:
        raise ContactProblem({"outcome": "required" if not outcome else "too_long"})
    if await queries.close_item(conn, item_id=item.id, staff_id=viewer.staff.id, outcome=outcome, zone=zone):
        await staff.record(
            conn,
            staff_id=viewer.staff.id,
            action=f"closed {_what(item)} from {_where(item)}, recording what was done",
            detail={"item_id": item.id},
        )


async def audit_trail(conn: asyncpg.Connection, *, item_id: int) -> list[queries.AuditEntry]:
    return await queries.audit_trail(conn, item_id=item_id)


class Escalation(msgspec.Struct, frozen=True):
    items: list[queries.Overdue]


async def overdue_items(
    conn: asyncpg.Connection, *, now: dt.datetime, week: WorkingWeek, after_hours: float
) -> Escalation:
    """Open items nobody has closed within `after_hours` working hours, not yet escalated;
    they are marked escalated in the same transaction (another instance skips them)."""
    candidates = await queries.open_unescalated(conn, arrived_before=now)
    due = [item for item in candidates if week.hours_between(item.arrived_at, now) >= after_hours]
    if due:
        await queries.mark_escalated(conn, item_ids=[item.id for item in due])
    return Escalation(due)
