"""A practitioner's own feedback, a team's dashboard, and the CSV export."""

from __future__ import annotations

import datetime as dt

from litestar.di import NamedDependency
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from service import i18n
from service.db.pool import transaction
from service.staff.access import require
from service.staff.service import Viewer, record, set_sharing, team_people
from service.surveys.model import AUDIENCES
from service.touchpoints.kinds import CONTACT_KINDS
from service.web.numbers import required_number
from service.web.templating import page

from . import queries, spreadsheet
from .export import summary_csv
from .queries import Filter
from .service import WEEK_CHOICES, WEEKS, summary


COMMENTS = 20  # written answers shown on a page, redacted


def filterable(viewer: Viewer, team_id: int, touchpoint: queries.TouchpointLabel) -> bool:
    """A touchpoint with a practitioner's name on it holds that practitioner's
    feedback: only they, or their managers if they chose to share, may look
    at it on its own."""
    return (touchpoint.practitioner_id is None or touchpoint.practitioner_id == viewer.staff.id
            or (viewer.manages(team_id) and touchpoint.practitioner_shares))


def _filters(request: Request, viewer: Viewer, team_id: int,
             touchpoints: list[queries.TouchpointLabel]) -> tuple[queries.TouchpointLabel | None, str | None]:
    wanted = request.query_params.get("touchpoint", "")
    audience = request.query_params.get("audience", "")
    chosen = next((t for t in touchpoints if str(t.id) == wanted), None) if wanted else None
    if wanted and chosen is None:
        raise NotFoundException()
    require(chosen is None or filterable(viewer, team_id, chosen))
    return chosen, audience if audience in AUDIENCES else None


def _weeks(request: Request) -> int:
    wanted = request.query_params.get("weeks", "")
    return int(wanted) if wanted.isdigit() and int(wanted) in WEEK_CHOICES else WEEKS


@get("/staff/me", name="my_feedback")
async def my_feedback(request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    """Feedback from touchpoints attributed to this practitioner, in each of their teams."""
    k = state.settings.k_practitioner
    weeks = _weeks(request)
    wanted = request.query_params.get("touchpoint", "")
    audience = request.query_params.get("audience", "")
    audience = audience if audience in AUDIENCES else None
    sections, mine_everywhere = [], []
    async with transaction(state.read_pool) as conn:
        for team in viewer.teams.values():
            mine = [t for t in await queries.team_touchpoints(conn, team_id=team.team_id)
                    if t.practitioner_id == viewer.staff.id]
            mine_everywhere += mine
            chosen = next((t for t in mine if str(t.id) == wanted), None)
            if wanted and chosen is None:
                continue  # the chosen touchpoint is in another team (or not theirs): nothing to show here
            scope = Filter(team_id=team.team_id, practitioner_id=viewer.staff.id,
                           touchpoint_id=chosen.id if chosen else None, audience=audience)
            names = [p.display_name for p in await team_people(conn, team_id=team.team_id)]
            result = await summary(conn, state.surveys, scope=scope, today=state.settings.today(), k=k,
                                   comment_limit=COMMENTS, staff_names=names, weeks=weeks)
            sections.append((team, mine, result))
    if wanted and not sections:
        raise NotFoundException()
    return page("staff/my_feedback.html", viewer=viewer, sections=sections, k=k, touchpoints=mine_everywhere,
                chosen_touchpoint=int(wanted) if wanted.isdigit() else None, chosen_audience=audience,
                weeks=weeks, week_choices=WEEK_CHOICES, audiences=AUDIENCES, kinds=CONTACT_KINDS)


@post("/staff/me/sharing", name="my_sharing")
async def my_sharing(request: Request, state: State, viewer: NamedDependency[Viewer]) -> Redirect:
    form = await request.form()
    async with transaction(state.pool) as conn:
        await set_sharing(conn, staff_id=viewer.staff.id, shares=form.get("share") == "yes")
    return Redirect("/staff/me", status_code=303)


async def _team_summary(request: Request, state: State, viewer: Viewer, team_id: int):
    require(viewer.is_member(team_id))
    async with transaction(state.read_pool) as conn:
        touchpoints = await queries.team_touchpoints(conn, team_id=team_id)
        chosen, audience = _filters(request, viewer, team_id, touchpoints)
        touchpoint_id = chosen.id if chosen else None
        scope = Filter(team_id=team_id, touchpoint_id=touchpoint_id, audience=audience)
        unfiltered = touchpoint_id is None and audience is None
        one_person = chosen is not None and chosen.practitioner_id is not None
        k = state.settings.k_practitioner if one_person else state.settings.k_team
        names = [p.display_name for p in await team_people(conn, team_id=team_id)]
        result = await summary(
            conn, state.surveys, scope=scope, today=state.settings.today(), k=k, comment_limit=COMMENTS,
            staff_names=names, weeks=_weeks(request),
            touchpoint_ids=[t.id for t in touchpoints] if unfiltered else None,
            breakdown_k=state.settings.k_practitioner if viewer.manages(team_id) and unfiltered else None)
    return touchpoints, touchpoint_id, audience, result


@get("/staff/teams/{team_id:int}", name="team_dashboard")
async def team_dashboard(team_id: FromPath[int], request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    touchpoints, touchpoint_id, audience, result = await _team_summary(request, state, viewer, team_id)
    held = []
    if viewer.manages(team_id):
        async with transaction(state.pool) as conn:
            held = await queries.held_batches(conn, team_id=team_id)
    # htmx asks for the same page and swaps in #results (hx-select); without
    # JavaScript the filter form is a plain GET.
    return page("staff/team.html", viewer=viewer, team=viewer.teams[team_id], touchpoints=touchpoints,
                filterable=[t for t in touchpoints if filterable(viewer, team_id, t)],
                summary=result, chosen_touchpoint=touchpoint_id, chosen_audience=audience, audiences=AUDIENCES,
                kinds=CONTACT_KINDS, weeks=result.window.weeks, week_choices=WEEK_CHOICES, held=held)


@post("/staff/teams/{team_id:int}/held", name="team_held")
async def team_held(team_id: FromPath[int], request: Request, state: State,
                    viewer: NamedDependency[Viewer]) -> Redirect:
    """A manager decides about answers held as a burst: include them in the results, or keep them out."""
    require(viewer.manages(team_id))
    form = await request.form()
    touchpoint, day = str(form.get("touchpoint") or ""), str(form.get("day") or "")
    try:
        chosen_day = dt.date.fromisoformat(day)
    except ValueError:
        raise NotFoundException() from None
    touchpoint = str(required_number(touchpoint, field="touchpoint"))  # ASCII digits only, else 400
    async with transaction(state.pool) as conn:
        await queries.decide_held(conn, team_id=team_id, touchpoint_id=int(touchpoint), day=chosen_day,
                                  include=form.get("decision") == "include")
        await record(conn, staff_id=viewer.staff.id, action="held_answers_decided",
                     detail={"touchpoint": int(touchpoint), "day": day, "decision": str(form.get("decision"))})
    return Redirect(f"/staff/teams/{team_id}", status_code=303)


@get("/staff/teams/{team_id:int}/export.csv", name="team_export")
async def team_export(team_id: FromPath[int], request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    _, _, _, result = await _team_summary(request, state, viewer, team_id)
    hidden = i18n.gettext("hidden (fewer than %(k)s or protecting a small number)") % {"k": result.k}
    body = summary_csv(result, team_name=viewer.teams[team_id].team_name, hidden_label=hidden)
    filename = f"heard-team-{team_id}-{result.window.start}-{result.window.last_day}.csv"
    return Response(spreadsheet.csv_bytes(body), media_type=spreadsheet.CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@get("/staff/teams/{team_id:int}/export.xlsx", name="team_export_xlsx")
async def team_export_xlsx(team_id: FromPath[int], request: Request, state: State,
                           viewer: NamedDependency[Viewer]) -> Response[bytes]:
    """The same figures as the CSV (and the page), as a workbook: a sheet per table, and the notes."""
    _, _, _, result = await _team_summary(request, state, viewer, team_id)
    hidden = i18n.gettext("hidden (fewer than %(k)s or protecting a small number)") % {"k": result.k}
    body = summary_csv(result, team_name=viewer.teams[team_id].team_name, hidden_label=hidden)
    notes = [viewer.teams[team_id].team_name, f"{result.window.start} – {result.window.last_day}",
             i18n.gettext("\"Hidden\" means fewer than %(k)s responses, or a figure hidden so that a small number "
                          "can't be worked out from the totals.") % {"k": result.k}]
    filename = f"heard-team-{team_id}-{result.window.start}-{result.window.last_day}.xlsx"
    return Response(spreadsheet.xlsx_bytes(spreadsheet.tables_from_csv(body), notes=notes),
                    media_type=spreadsheet.XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


ROUTES = [my_feedback, my_sharing, team_dashboard, team_held, team_export, team_export_xlsx]
