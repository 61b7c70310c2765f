"""A practitioner's own feedback, a team's dashboard, and the CSV export."""

from __future__ import annotations

import datetime as dt

import msgspec
from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from service import i18n
from service.db.pool import transaction
from service.debriefs.routes import team_waiting
from service.figures.door import published
from service.figures.grid import DEFAULT_MONTHS, MONTH_CHOICES
from service.figures.model import FigureRequest
from service.figures.service import NotAllowed, TeamResult, team_request
from service.reading.routes import team_backlog
from service.responses import service as responses
from service.staff.access import require
from service.staff.service import Viewer, record, set_sharing
from service.surveys.model import AUDIENCES
from service.touchpoints.kinds import CONTACT_KINDS
from service.web.flash import done
from service.web.numbers import required_number, whole_number
from service.web.templating import page

from . import queries, rules, spreadsheet
from .export import summary_csv


def _months(request: Request) -> int:
    wanted = whole_number(request.query_params.get("months"), field="months")  # ASCII digits only, else 400
    return wanted if wanted in MONTH_CHOICES else DEFAULT_MONTHS


def _request(request: Request, output: str, team_id: int | None, today, surveys) -> FigureRequest:
    """The page's survey, months and filters, as the figures engine is asked for them (no survey named, or one
    that is not a families' survey: the first the team asks)."""
    touchpoint = whole_number(request.query_params.get("touchpoint"), field="touchpoint")
    audience = request.query_params.get("audience", "")
    kind = request.query_params.get("kind", "")
    survey = request.query_params.get("survey", "")
    return team_request(
        output,
        team_id or 0,
        today,
        months=_months(request),
        audience=audience if audience in AUDIENCES else None,
        contact_kind=kind if kind in CONTACT_KINDS else None,
        touchpoint_id=touchpoint,
        survey_id=survey if survey in surveys.family_survey_ids() else None,
    )


def _survey_context(state: State, chosen: str, asked: list[str]) -> dict:
    """The survey chooser (templates/insights/_survey_choice.html): shown where there are two or more to choose."""
    return dict(
        chosen_survey=chosen,
        surveys=asked,
        survey_titles={s.survey.id: s.survey.title for s in state.surveys.family_surveys()},
    )


async def _published(state: State, viewer: Viewer, asked: FigureRequest):
    try:
        async with transaction(state.read_pool) as conn:
            return await published(conn, state.surveys, viewer=viewer, request=asked, settings=state.settings)
    except NotAllowed:
        require(False)


def _filter_context(asked: FigureRequest) -> dict:
    return dict(
        chosen_touchpoint=asked.touchpoint_id,
        chosen_audience=asked.audience,
        chosen_kind=asked.contact_kind,
        months=asked.months,
        month_choices=MONTH_CHOICES,
        audiences=AUDIENCES,
        kinds=CONTACT_KINDS,
    )


@get("/staff/me", name="my_feedback")
async def my_feedback(request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    """Feedback about this practitioner (attributed when it was given), in each of their teams."""
    asked = msgspec.structs.replace(
        _request(request, "my_feedback", None, state.settings.today(), state.surveys), team_id=None
    )
    result = await _published(state, viewer, asked)
    sections = result.result
    touchpoints = [t for s in sections for t in s.touchpoints]
    surveys = list(dict.fromkeys(survey for s in sections for survey in s.surveys))
    chosen = asked.survey_id or next((s.survey_id for s in sections), "")
    return page(
        "insights/my_feedback.html",
        viewer=viewer,
        sections=sections,
        k=state.settings.k_practitioner,
        touchpoints=touchpoints,
        **_filter_context(asked),
        **_survey_context(state, chosen, surveys),
    )


@post("/staff/me/sharing", name="my_sharing")
async def my_sharing(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Redirect:
    form = await request.form()
    await set_sharing(conn, staff_id=viewer.staff.id, shares=form.get("share") == "yes")
    return Redirect(done("/staff/me", "sharing_saved"), status_code=303)


@get("/staff/teams/{team_id:int}", name="team_dashboard")
async def team_dashboard(
    team_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str]:
    require(rules.may_see_figures(viewer, team_id))
    asked = _request(request, "team", team_id, state.settings.today(), state.surveys)
    result = (await _published(state, viewer, asked)).result
    held = []
    if rules.may_decide_held(viewer, team_id):
        held = await queries.held_batches(conn, team_id=team_id)
    backlog = await team_backlog(
        conn, state, viewer, team_id
    )  # the reading list's line (templates/safeguarding/_backlog.html)
    # htmx asks for the same page and swaps in #results (hx-select); without
    # JavaScript the filter form is a plain GET.
    return page(
        "insights/team.html",
        viewer=viewer,
        team=viewer.teams[team_id],
        touchpoints=result.touchpoints,
        filterable=result.filterable,
        summary=result.summary,
        held=held,
        backlog=backlog,
        raised=await team_waiting(conn, state, viewer, team_id),  # templates/debriefs/_waiting.html
        **_filter_context(asked),
        **_survey_context(state, result.survey_id, result.surveys),
    )


@post("/staff/teams/{team_id:int}/held", name="team_held")
async def team_held(
    team_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Redirect:
    """A manager decides about answers held as a burst: include them in the results, or keep them out."""
    require(rules.may_decide_held(viewer, team_id))
    form = await request.form()
    touchpoint, day = str(form.get("touchpoint") or ""), str(form.get("day") or "")
    try:
        chosen_day = dt.date.fromisoformat(day)
    except ValueError:
        raise NotFoundException() from None
    touchpoint = str(required_number(touchpoint, field="touchpoint"))  # ASCII digits only, else 400
    await responses.decide_held(
        conn, team_id=team_id, touchpoint_id=int(touchpoint), day=chosen_day, include=form.get("decision") == "include"
    )
    await record(
        conn,
        staff_id=viewer.staff.id,
        action="held_answers_decided",
        detail={"touchpoint": int(touchpoint), "day": day, "decision": str(form.get("decision"))},
    )
    return Redirect(done(f"/staff/teams/{team_id}", "held_decided"), status_code=303)


async def _team_csv(request: Request, state: State, viewer: Viewer, team_id: int) -> tuple[TeamResult, str, str]:
    """What both downloads are made of: the team's figures (protected for this viewer, as on the page), their CSV
    text and the file's name without its ending."""
    require(rules.may_see_figures(viewer, team_id))
    asked = _request(request, "team_csv", team_id, state.settings.today(), state.surveys)
    team = (await _published(state, viewer, asked)).result
    result = team.summary
    hidden = i18n.gettext("hidden (fewer than %(k)s or protecting a small number)") % {"k": result.k}
    body = summary_csv(result, team_name=viewer.teams[team_id].team_name, hidden_label=hidden)
    filename = f"heard-team-{team_id}-{team.survey_id}-{result.first_month:%Y-%m}-{result.last_month:%Y-%m}"
    return team, body, filename


@get("/staff/teams/{team_id:int}/export.csv", name="team_export")
async def team_export(
    team_id: FromPath[int], request: Request, state: State, viewer: NamedDependency[Viewer]
) -> Response[bytes]:
    _, body, filename = await _team_csv(request, state, viewer, team_id)
    return Response(
        spreadsheet.csv_bytes(body),
        media_type=spreadsheet.CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


@get("/staff/teams/{team_id:int}/export.xlsx", name="team_export_xlsx")
async def team_export_xlsx(
    team_id: FromPath[int], request: Request, state: State, viewer: NamedDependency[Viewer]
) -> Response[bytes]:
    """The same figures as the CSV (and the page), as a workbook: a sheet per table, and the notes."""
    team, body, filename = await _team_csv(request, state, viewer, team_id)
    result = team.summary
    title = state.surveys.current(team.survey_id).survey.title  # the survey these figures are of
    notes = [
        viewer.teams[team_id].team_name,
        i18n.survey_text(title),
        f"{result.first_month:%Y-%m} – {result.last_month:%Y-%m}",
        i18n.gettext(
            '"Hidden" means fewer than %(k)s responses, or a figure hidden so that a small number '
            "can't be worked out from the totals."
        )
        % {"k": result.k},
    ]
    return Response(
        spreadsheet.xlsx_bytes(spreadsheet.tables_from_csv(body), notes=notes),
        media_type=spreadsheet.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )


ROUTES = [my_feedback, my_sharing, team_dashboard, team_held, team_export, team_export_xlsx]
