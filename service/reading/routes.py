"""The reading list for a team's readers, one item's page, and the manager's choice of readers.

Every interaction is a plain form first (303 back to the list, focused on the
next item); with htmx an outcome swaps the item for a one-line note instead.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from service.db.request import WRITES
from service.safeguarding.hours import WorkingWeek
from service.staff.access import require
from service.staff.service import Viewer
from service.touchpoints.kinds import CONTACT_KINDS
from service.web.flash import done
from service.web.templating import page

from . import rules, service
from .service import ReaderProblem


def _waiting(arrived: dt.datetime | None) -> float:
    return (dt.datetime.now(dt.UTC) - arrived).total_seconds() / 3600 if arrived else 0.0


def _context(state: State) -> dict:
    return {
        "kinds": CONTACT_KINDS,
        "waiting": _waiting,
        "within": state.settings.read_within_hours,
        "zone": ZoneInfo(state.settings.timezone),
        "late_days": state.settings.offline_late_days,
    }


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


async def team_backlog(conn: Connection, state: State, viewer: Viewer, team_id: int) -> service.Backlog | None:
    """For the team page: the reading list's count and oldest unread, if this person may see it."""
    if not rules.sees_backlog(viewer, team_id):
        return None
    return await service.backlog(conn, viewer=viewer, team_id=team_id, week=WorkingWeek.of(state.settings))


async def _fields(request: Request) -> dict[str, str]:
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


@get("/staff/reading", name="reading_list")
async def reading_list(
    conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(bool(rules.reading_teams(viewer)))
    screen = await service.first_screen(
        conn, viewer=viewer, week=WorkingWeek.of(state.settings), within_hours=state.settings.read_within_hours
    )
    return page("reading/list.html", viewer=viewer, screen=screen, outcomes_for=service.outcomes_for, **_context(state))


@get("/staff/reading/{item_id:int}", name="reading_item", opt=WRITES)
async def reading_item(
    item_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    item = await service.open_item(conn, viewer=viewer, item_id=item_id)
    trail = await service.audit_trail(conn, item_id=item_id) if item else []
    require(item is not None)
    assert item is not None  # require() stopped the request otherwise
    return page(
        "reading/item.html",
        viewer=viewer,
        item=item,
        trail=trail,
        problem=None,
        outcomes=service.outcomes_for(item),
        **_context(state),
    )


@post("/staff/reading/{item_id:int}/outcome", name="reading_outcome")
async def reading_outcome(
    item_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    fields = await _fields(request)
    item, problem = await service.decide(
        conn,
        viewer=viewer,
        item_id=item_id,
        outcome=fields.get("outcome", ""),
        note=fields.get("note", ""),
        week=WorkingWeek.of(state.settings),
        within_hours=state.settings.read_within_hours,
    )
    require(item is not None)
    assert item is not None  # require() stopped the request otherwise
    if problem:
        return page(
            "reading/item.html",
            status=422,
            viewer=viewer,
            item=item,
            trail=[],
            problem=problem,
            outcomes=service.outcomes_for(item),
            chosen=fields.get("outcome"),
            note=fields.get("note", ""),
            **_context(state),
        )
    back = (
        f"/staff/reading/{item_id}"
        if fields.get("back") == "item"
        else f"/staff/reading#{fields.get('next') or 'items'}"
    )
    return Redirect(done(back, "outcome_saved"), status_code=303)


@post("/staff/reading/{item_id:int}/dealing", name="reading_dealing")
async def reading_dealing(
    item_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Redirect:
    fields = await _fields(request)
    item = await service.open_item(conn, viewer=viewer, item_id=item_id, log=False)
    require(item is not None)
    assert item is not None  # require() stopped the request otherwise
    await service.set_dealing(conn, viewer=viewer, item=item, dealing=fields.get("dealing") != "no")
    back = f"/staff/reading/{item_id}" if fields.get("back") == "item" else f"/staff/reading#item-{item_id}"
    return Redirect(done(back, "dealing_saved"), status_code=303)


@get("/staff/teams/{team_id:int}/readers", name="team_readers")
async def team_readers(
    team_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(rules.may_choose_readers(viewer, team_id))
    people = await service.team_readers(conn, viewer=viewer, team_id=team_id)
    return page("reading/readers.html", viewer=viewer, team=viewer.teams[team_id], people=people)


@post("/staff/teams/{team_id:int}/readers", name="team_readers_set")
async def team_readers_set(
    team_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Redirect:
    require(rules.may_choose_readers(viewer, team_id))
    fields = await _fields(request)
    staff_id = _id(fields.get("staff_id"))
    require(staff_id is not None)
    assert staff_id is not None  # require() stopped the request otherwise
    try:
        async with conn.transaction():  # undone alone if it fails
            await service.set_reader(
                conn, viewer=viewer, team_id=team_id, staff_id=staff_id, reads=fields.get("reads") == "yes"
            )
    except ReaderProblem:
        require(False)
    return Redirect(done(f"/staff/teams/{team_id}/readers", "readers_saved"), status_code=303)


ROUTES = [reading_list, reading_item, reading_outcome, reading_dealing, team_readers, team_readers_set]
