"""The reading list: every written answer, and every request to be contacted,
is read by a person within set working hours. The flagger only orders the list
(flagged first, then oldest first); safety rests on the reading, not on it.

Who reads (the rules, in one place): a team's safeguarding leads and the
people a manager gives the "reader" role, never the practitioner the
touchpoint is about (a child may be writing about them). A reader records one
outcome per item: read, nothing to do / a safeguarding concern (it moves into
the safeguarding queue with what the reader did) / kept for the team's learning
review (redacted, dated by month only). "I'm dealing with this" shows others
who has it. Everything is written to the audit log in plain words.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

import asyncpg
import msgspec

from service.safeguarding import redact
from service.safeguarding import service as safeguarding
from service.safeguarding.hours import WorkingWeek
from service.staff import service as staff
from service.staff.service import Viewer
from service.touchpoints.kinds import CONTACT_KINDS

from . import queries
from .queries import FullItem, Item, ReviewComment
from .rules import may_read, reading_teams, sees_backlog  # noqa: F401 (the rules, one place)

SCREEN = 20  # items a reader works through on one screen
OUTCOMES = ("read", "concern", "learning")
NOTE_MAX = 2000


# ---------------------------------------------------------------- the rules


# reading_teams, may_read, sees_backlog: service/reading/rules.py


def outcomes_for(item: Item) -> tuple[str, ...]:
    """A contact request holds someone's name and number: it is never kept for a learning review."""
    return ("read", "concern") if item.kind == "contact_request" else OUTCOMES


# ---------------------------------------------------------------- words for the audit log


def _where(item: Item) -> str:
    kind = CONTACT_KINDS.get(item.contact_kind, item.contact_kind).lower().replace(" ", "-")
    return f"the {kind} touchpoint ({item.team_name})"


def _what(item: Item) -> str:
    return "a request to be contacted" if item.kind == "contact_request" else "an answer"


async def _log(
    conn: asyncpg.Connection, viewer: Viewer, words: str, item: Item | None = None, shown: list[Item] | None = None
) -> None:
    detail = {"reading_item_id": item.id} if item else {"reading_items": [i.id for i in shown or []]}
    await staff.record(conn, staff_id=viewer.staff.id, action=words, detail=detail)


# ---------------------------------------------------------------- reading


class Deadline(msgspec.Struct, frozen=True):
    due: dt.datetime
    late: bool


class Screen(msgspec.Struct, frozen=True):
    items: list[Item]
    deadlines: dict[int, Deadline]
    unread: int
    oldest: dt.datetime | None


def deadline(item: Item, week: WorkingWeek, within_hours: float, now: dt.datetime) -> Deadline | None:
    if item.arrived_at is None:
        return None
    due = week.deadline(item.arrived_at, within_hours)
    return Deadline(due, now > due)


async def first_screen(
    conn: asyncpg.Connection, *, viewer: Viewer, week: WorkingWeek, within_hours: float, now: dt.datetime | None = None
) -> Screen:
    """The first 20 open items of the viewer's teams, flagged first, then oldest first."""
    now = now or dt.datetime.now(dt.UTC)
    teams = reading_teams(viewer)
    items = await queries.first_screen(conn, team_ids=teams, reader_id=viewer.staff.id, limit=SCREEN)
    counts = await queries.open_counts(conn, team_ids=teams)
    oldest = min((c.oldest for c in counts if c.oldest), default=None)
    deadlines = {i.id: d for i in items if (d := deadline(i, week, within_hours, now))}
    await _log(
        conn,
        viewer,
        f"opened the reading list ({len(items)} shown of {sum(c.unread for c in counts)} unread)",
        shown=items,
    )
    return Screen(items, deadlines, sum(c.unread for c in counts), oldest)


async def audit_trail(conn: asyncpg.Connection, *, item_id: int) -> list[queries.AuditEntry]:
    return await queries.audit_trail(conn, item_id=item_id)


async def open_item(conn: asyncpg.Connection, *, viewer: Viewer, item_id: int, log: bool = True) -> FullItem | None:
    """The item, if this person may read it; every reading is logged."""
    found = await queries.item(conn, item_id=item_id)
    if found is None or not may_read(viewer, found):
        return None
    if log:
        await _log(conn, viewer, f"read {_what(found)} from {_where(found)}", found)
    return found


async def set_dealing(conn: asyncpg.Connection, *, viewer: Viewer, item: FullItem, dealing: bool) -> bool:
    """ "I'm dealing with this" (or no longer): refused when someone else has it."""
    changed = await queries.set_dealing(
        conn, item_id=item.id, staff_id=viewer.staff.id if dealing else None, asked_by=viewer.staff.id
    )
    if changed:
        words = "is dealing with" if dealing else "is no longer dealing with"
        await _log(conn, viewer, f"{words} {_what(item)} from {_where(item)}", item)
    return changed


class OutcomeProblem(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem  # "choose", "note_required", "too_long", "closed"


async def record_outcome(
    conn: asyncpg.Connection,
    *,
    viewer: Viewer,
    item: FullItem,
    outcome: str,
    note: str,
    week: WorkingWeek,
    within_hours: float,
    staff_names: list[str],
    now: dt.datetime | None = None,
) -> None:
    """Close the item with one outcome; a concern goes to the safeguarding queue, a learning one to the review."""
    now = now or dt.datetime.now(dt.UTC)
    note = note.strip()
    if outcome not in outcomes_for(item):
        raise OutcomeProblem("choose")
    if outcome == "concern" and not note:
        raise OutcomeProblem("note_required")
    if len(note) > NOTE_MAX:
        raise OutcomeProblem("too_long")
    if item.closed_at is not None:
        raise OutcomeProblem("closed")
    if outcome == "concern":
        await _raise_concern(conn, viewer=viewer, item=item, note=note)
    elif outcome == "learning":
        await queries.insert_review_comment(
            conn,
            team_id=item.team_id,
            touchpoint_id=item.touchpoint_id,
            month=item.arrived_on.replace(day=1),
            audience=item.audience,
            language=item.language,
            question_id=item.question_id,
            body=redact(item.body, staff_names=staff_names).text,
        )
    arrived = item.arrived_at or now
    waited = week.hours_between(arrived, now)
    on_time = now <= week.deadline(arrived, within_hours)
    if not await queries.close_item(
        conn,
        item_id=item.id,
        staff_id=viewer.staff.id,
        outcome=outcome,
        note=note or None,
        waited_hours=math.ceil(waited),
        on_time=on_time,
    ):
        raise OutcomeProblem("closed")
    await _log(conn, viewer, _outcome_words(outcome, item), item)


async def decide(
    conn: asyncpg.Connection,
    *,
    viewer: Viewer,
    item_id: int,
    outcome: str,
    note: str,
    week: WorkingWeek,
    within_hours: float,
) -> tuple[FullItem | None, str | None]:
    """A reader's outcome for an item, from the reading list's form: the item (None: not theirs to read)
    and what stopped it being saved, if anything (nothing of it is kept then)."""
    item = await open_item(conn, viewer=viewer, item_id=item_id, log=False)
    if item is None:
        return None, None
    names = await staff.team_names(conn, team_id=item.team_id)
    try:
        async with conn.transaction():
            await record_outcome(
                conn,
                viewer=viewer,
                item=item,
                outcome=outcome,
                note=note,
                week=week,
                within_hours=within_hours,
                staff_names=names,
            )
    except OutcomeProblem as error:
        return item, error.problem
    return item, None


def _outcome_words(outcome: str, item: Item) -> str:
    if outcome == "concern":
        return f"raised a safeguarding concern about {_what(item)} from {_where(item)}"
    if outcome == "learning":
        return f"kept {_what(item)} from {_where(item)} for the team's learning review (redacted)"
    return f"read {_what(item)} from {_where(item)}: nothing to do"


async def _raise_concern(conn: asyncpg.Connection, *, viewer: Viewer, item: FullItem, note: str) -> None:
    """Into the safeguarding queue with what the reader did; an item already there gets the note."""
    if item.safeguarding_item_id is not None:
        await safeguarding.add_reader_note(
            conn, item_id=item.safeguarding_item_id, note=note, reader=viewer.staff.display_name
        )
        return
    queued = await safeguarding.raise_concern(
        conn,
        response_id=item.response_id,
        touchpoint_id=item.touchpoint_id,
        team_id=item.team_id,
        kind="contact_request" if item.kind == "contact_request" else "disclosure",
        question_id=item.question_id,
        body=item.body,
        contact_name=item.contact_name,
        contact_how=item.contact_how,
        categories=item.categories,
        audience=item.audience,
        language=item.language,
        arrived_at=item.arrived_at,
        note=note,
        reader=viewer.staff.display_name,
    )
    await queries.link_safeguarding_item(conn, item_id=item.id, safeguarding_item_id=queued)


# ---------------------------------------------------------------- arriving


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
    submission_id: uuid.UUID | None,
    over_limit: bool,
    today: dt.date,
) -> int:
    """Someone asked to be contacted: never refused. Within the flood limit it also goes straight to the
    safeguarding queue; over it (one address sending many) it waits in the reading list, marked as held, unless
    its words were flagged. Returns the reading item's id."""
    categories = safeguarding.contact_categories(message.strip(), language)
    queued = await safeguarding.request_contact(
        conn,
        touchpoint_id=touchpoint_id,
        team_id=team_id,
        audience=audience,
        language=language,
        name=name,
        how=how,
        message=message,
        queue=not over_limit or bool(categories),
    )
    return await queries.insert_contact_request(
        conn,
        touchpoint_id=touchpoint_id,
        submission_id=submission_id,
        safeguarding_item_id=queued,
        body=message.strip(),
        contact_name=name.strip() or None,
        contact_how=how.strip(),
        categories=categories,
        held=over_limit,
        audience=audience,
        language=language,
        arrived_on=today,
    )


async def add_written_answers(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    touchpoint_id: int,
    texts: dict[str, str],
    audience: str,
    language: str,
    today: dt.date,
) -> bool:
    """Written answers that did not come with a family's response (a debrief's): into the team's reading list like
    every written answer, screened by the flagger so flagged ones come first. Returns whether any was flagged."""
    categories = safeguarding.screen(texts, language)
    await queries.insert_written_answers(
        conn,
        team_id=team_id,
        touchpoint_id=touchpoint_id,
        texts=texts,
        categories=categories,
        audience=audience,
        language=language,
        arrived_on=today,
    )
    return bool(categories)


async def needs_support(conn: asyncpg.Connection, *, submission_id: uuid.UUID | None) -> bool:
    """Whether the thank-you page for this submission shows where help is (the flagger caught its words).
    The address never says so: it carries the submission id every thank-you page carries."""
    return submission_id is not None and await queries.needs_support(conn, submission_id=submission_id)


# ---------------------------------------------------------------- the team page and the learning review


class Backlog(msgspec.Struct, frozen=True):
    unread: int
    oldest_hours: float | None  # working hours the oldest unread item has waited
    oldest_minutes: int | None  # wall-clock minutes since it arrived


async def backlog(
    conn: asyncpg.Connection, *, viewer: Viewer, team_id: int, week: WorkingWeek, now: dt.datetime | None = None
) -> Backlog | None:
    """ "Oldest unread: 2 h" and the count, for the team's managers and readers (None for anyone else)."""
    if not sees_backlog(viewer, team_id):
        return None
    now = now or dt.datetime.now(dt.UTC)
    [count] = await queries.open_counts(conn, team_ids=[team_id]) or [queries.OpenCount(team_id, 0, None)]
    if count.oldest is None:
        return Backlog(count.unread, None, None)
    return Backlog(count.unread, week.hours_between(count.oldest, now), int((now - count.oldest).total_seconds() // 60))


async def review_comments(
    conn: asyncpg.Connection, team_id: int, first_month: dt.date, last_month: dt.date
) -> list[ReviewComment]:
    """Answers readers kept for the team's learning review, redacted, from whole months first..last."""
    return await queries.review_comments(conn, team_id=team_id, first_month=first_month, last_month=last_month)


# ---------------------------------------------------------------- retention


class Forgotten(msgspec.Struct, frozen=True):
    items: int
    review_comments: int


async def forget_before(conn: asyncpg.Connection, *, before: dt.date) -> Forgotten:
    """Closed items that arrived before `before` go with the free text, kept only as counts of outcomes and
    timings; open items stay until someone reads them (as open safeguarding items do)."""
    await queries.count_old_items(conn, before=before)
    items = await queries.delete_old_items(conn, before=before)
    comments = await queries.delete_old_review_comments(conn, before=before)
    return Forgotten(items, comments)


# ---------------------------------------------------------------- who reads (managers choose)


class ReaderProblem(Exception):
    pass


async def team_readers(conn: asyncpg.Connection, *, viewer: Viewer, team_id: int) -> list[staff.queries.TeamPerson]:
    """The team's people with their roles, for a manager choosing readers."""
    if not viewer.manages(team_id):
        raise ReaderProblem("not_manager")
    return await staff.team_people(conn, team_id=team_id)


async def set_reader(conn: asyncpg.Connection, *, viewer: Viewer, team_id: int, staff_id: int, reads: bool) -> None:
    """A manager gives a team member the reader role, or takes it away (audit-logged)."""
    people = {p.id: p for p in await team_readers(conn, viewer=viewer, team_id=team_id)}
    person = people.get(staff_id)
    if person is None:
        raise ReaderProblem("not_in_team")
    team = viewer.teams[team_id].team_name
    if reads:
        await staff.give_role(conn, team_id=team_id, staff_id=staff_id, role="reader")
        words = f"made {person.display_name} a reader of {team}'s written answers"
    else:
        await staff.take_role(conn, team_id=team_id, staff_id=staff_id, role="reader")
        words = f"stopped {person.display_name} reading {team}'s written answers"
    await staff.record(conn, staff_id=viewer.staff.id, action=words, detail={"team_id": team_id, "staff_id": staff_id})
