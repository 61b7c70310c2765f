"""Reflection rules, in one place: an entry is its writer's alone. Only the writer may change, share or delete it;
only the writer and the one manager it is shared with may read it. For anyone else an entry does not exist:
`entry_for` answers None, exactly as for an id nobody wrote (routes answer both with the same 403)."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.figures import grid

from . import queries
from .queries import Entry, Manager

TITLE_MAX = 200
TEXT_MAX = 5000
# The prompts, in the order they are asked (Schön's reflection on action, as supervision uses it).
PROMPTS = ("happened", "noticed", "think_now", "do_differently")


class EntryForm(msgspec.Struct, frozen=True):
    title: str = ""
    happened: str = ""
    noticed: str = ""
    think_now: str = ""
    do_differently: str = ""
    feedback_from: str = ""  # "2026-09": a month, or blank
    feedback_to: str = ""


class Checked(msgspec.Struct, frozen=True):
    form: EntryForm
    problems: dict[str, str]
    first: dt.date | None = None
    last: dt.date | None = None


def check(form: EntryForm, today: dt.date) -> Checked:
    """The entry's fields, with a problem code per field that needs another look."""
    problems: dict[str, str] = {}
    if not form.title.strip():
        problems["title"] = "title_missing"
    elif len(form.title.strip()) > TITLE_MAX:
        problems["title"] = "title_too_long"
    for name in PROMPTS:
        if len(getattr(form, name)) > TEXT_MAX:
            problems[name] = "text_too_long"
    if not any(getattr(form, name).strip() for name in PROMPTS) and "title" not in problems:
        problems["happened"] = "prompts_empty"
    first = grid.parse_month(form.feedback_from) if form.feedback_from.strip() else None
    last = grid.parse_month(form.feedback_to) if form.feedback_to.strip() else None
    if form.feedback_from.strip() and first is None:
        problems["feedback_from"] = "month_missing"
    if form.feedback_to.strip() and last is None:
        problems["feedback_to"] = "month_missing"
    if "feedback_from" not in problems and "feedback_to" not in problems:
        if (first is None) != (last is None):
            problems["feedback_to" if last is None else "feedback_from"] = "month_missing"
        elif first and last:
            if last < first:
                problems["feedback_to"] = "period_backwards"
            elif last > grid.last_whole_month(today):
                problems["feedback_to"] = "period_not_ended"
    return Checked(form, problems, first, last)


def _texts(checked: Checked) -> dict:
    form = checked.form
    return dict(
        title=form.title.strip(),
        happened=form.happened.strip(),
        noticed=form.noticed.strip(),
        think_now=form.think_now.strip(),
        do_differently=form.do_differently.strip(),
        feedback_from=checked.first,
        feedback_to=checked.last,
    )


async def write_entry(conn: asyncpg.Connection, *, writer_id: int, checked: Checked) -> int:
    return await queries.insert_reflection(conn, staff_id=writer_id, **_texts(checked))


async def change_entry(conn: asyncpg.Connection, *, writer_id: int, entry_id: int, checked: Checked) -> bool:
    return await queries.update_reflection(conn, entry_id=entry_id, staff_id=writer_id, **_texts(checked))


async def entry_for(conn: asyncpg.Connection, *, reader_id: int, entry_id: int) -> Entry | None:
    """The entry if this person may read it (its writer, or the manager it is shared with); else None."""
    return await queries.readable_reflection(conn, entry_id=entry_id, reader_id=reader_id)


async def own_entry(conn: asyncpg.Connection, *, writer_id: int, entry_id: int) -> Entry | None:
    """The entry if this person wrote it; else None (a manager it is shared with may read, not change)."""
    found = await entry_for(conn, reader_id=writer_id, entry_id=entry_id)
    return found if found and found.staff_id == writer_id else None


async def journal(conn: asyncpg.Connection, *, staff_id: int) -> tuple[list[Entry], list[Entry]]:
    """(this person's own entries, entries others shared with them)."""
    return (
        await queries.own_reflections(conn, staff_id=staff_id),
        await queries.shared_reflections(conn, manager_id=staff_id),
    )


async def managers_for(conn: asyncpg.Connection, *, writer_id: int) -> list[Manager]:
    return await queries.managers_of(conn, staff_id=writer_id)


async def share_entry(conn: asyncpg.Connection, *, writer_id: int, entry_id: int, manager_id: int | None) -> bool:
    """Share with one of the writer's managers (replacing any earlier choice), or stop sharing (None). False when
    the entry is not the writer's or the person is not one of their managers."""
    if manager_id is not None and manager_id not in {m.id for m in await managers_for(conn, writer_id=writer_id)}:
        return False
    return await queries.share_reflection(conn, entry_id=entry_id, staff_id=writer_id, manager_id=manager_id)


async def delete_entry(conn: asyncpg.Connection, *, writer_id: int, entry_id: int) -> bool:
    return await queries.delete_reflection(conn, entry_id=entry_id, staff_id=writer_id)


async def cpd_record(conn: asyncpg.Connection, *, writer_id: int, entry_ids: list[int]) -> list[Entry]:
    """The writer's own chosen entries, oldest first, for a printable CPD record (others' ids are left out)."""
    chosen = set(entry_ids)
    return sorted(
        (e for e in await queries.own_reflections(conn, staff_id=writer_id) if e.id in chosen),
        key=lambda e: (e.written_on, e.id),
    )
