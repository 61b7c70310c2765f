"""The one door to the figures: every output a staff page or export shows (`published`), and every request a
viewer may make (`requests_for`, which the differencing audit enumerates).

It sits above the engine (figures/service.py), the culture pulse (figures/pulse.py) and the reviews that
arrange the engine's figures with their own records, so none of them imports back up to it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import asyncpg

from service.reviews import overview as across_teams
from service.reviews import rules as review_rules
from service.reviews import service as reviews
from service.reviews import you_said
from service.surveys.loading import SurveyRegistry
from service.surveys.model import AUDIENCES, STAFF
from service.touchpoints import service as touchpoint_service
from service.touchpoints.kinds import CONTACT_KINDS

from . import grid, queries
from .model import FigureRequest, Published
from .pulse import PULSE_SURVEY, pulse, pulse_requests
from .service import NotAllowed, TouchpointLabel, filterable, my_feedback, team_page


async def published(
    conn: asyncpg.Connection,
    registry: SurveyRegistry,
    *,
    viewer,
    request: FigureRequest,
    settings,
    rollup: bool = False,
) -> Published:
    """Every figure of one output, protected for this viewer. Raises NotAllowed
    for a request the viewer may not make."""
    if request.output in ("team", "team_csv"):
        result = await team_page(conn, registry, viewer=viewer, request=request, settings=settings, rollup=rollup)
        return Published(request, result, result.summary.figures)
    if request.output == "culture":
        found = await pulse(conn, registry, viewer=viewer, request=request, settings=settings, rollup=rollup)
        return Published(request, found, found.figures)
    if request.output == "my_feedback":
        sections = await my_feedback(conn, registry, viewer=viewer, request=request, settings=settings, rollup=rollup)
        return Published(request, sections, [f for s in sections for f in s.summary.figures])
    # reviews arrange the engine's figures with their own records
    if request.output in ("review", "review_print", "review_markdown"):
        page = await reviews.prepared_review(conn, registry, viewer=viewer, settings=settings, request=request)
        if page is None:
            raise NotAllowed()
        return Published(request, page, page.figures)
    if request.output == "admin_overview":
        if not viewer.staff.is_admin:
            raise NotAllowed()
        overview = await across_teams.followed_actions(conn, registry, viewer=viewer, settings=settings)
        return Published(request, overview, overview.figures)
    if request.output == "you_said":
        entries = await you_said.you_said_figures(
            conn, registry, viewer=viewer, settings=settings, team_id=request.team_id
        )
        return Published(request, entries, [f for _, figures in entries for f in figures])
    raise NotAllowed()


def _filter_choices(
    touchpoints: list[TouchpointLabel], kinds: Sequence[str], audiences: Sequence[str]
) -> list[tuple[str | None, str | None, int | None]]:
    return [(a, c, t) for a in [None, *audiences] for c in [None, *kinds] for t in [None, *(t.id for t in touchpoints)]]


async def requests_for(conn: asyncpg.Connection, viewer, settings, today: dt.date) -> list[FigureRequest]:
    """Every request this viewer may make today: every page with every filter
    value and allowed period, every export, every review (saved, and any whole
    months they may start one for), the admin overview.

    Complete for what figures can come out, and cheap: a filter value or
    review focus (contact kind, audience) that none of the team's counted
    responses in the last OLDEST_MONTHS has, and a review starting before the
    team's first month with responses, publish nothing but the figures of a
    request listed here or zeros over no atoms, so they are left out. (A
    review starting earlier covers the same atoms as one starting at that
    first month, and its comparison period holds no responses.)"""
    found: list[FigureRequest] = []
    windows = [grid.window(today, m) for m in grid.MONTH_CHOICES]
    last_month = grid.last_whole_month(today)
    oldest = grid.add_months(last_month, -(grid.OLDEST_MONTHS - 1))
    mine: dict[str | None, list[TouchpointLabel]] = defaultdict(list)
    kinds_anywhere: dict[str | None, set[str]] = defaultdict(set)
    audiences_anywhere: dict[str | None, set[str]] = defaultdict(set)
    for team in viewer.teams.values():
        every = await touchpoint_service.team_touchpoints(conn, team_id=team.team_id)
        runs = (await review_rules.permissions(conn, viewer, team.team_id)).run
        # Each families' survey the team asks, on its own (a touchpoint asks one survey, so their atoms never
        # overlap); a survey the team does not ask publishes nothing (None: the pages of a team that asks none yet).
        asked: list[str | None] = list(dict.fromkeys(t.survey_id for t in every if t.audience != STAFF))
        for survey_id in asked or [None]:
            shape = (
                []
                if survey_id is None
                else await queries.team_shape(
                    conn, team_id=team.team_id, first=oldest, end=grid.add_months(last_month, 1), survey_id=survey_id
                )
            )
            kinds = [k for k in CONTACT_KINDS if any(s.contact_kind == k for s in shape)]
            audiences = [a for a in AUDIENCES if any(s.audience == a for s in shape)]
            kinds_anywhere[survey_id].update(kinds)
            audiences_anywhere[survey_id].update(audiences)
            touchpoints = [t for t in every if t.survey_id == survey_id]
            mine[survey_id] += [t for t in touchpoints if t.practitioner_id == viewer.staff.id]
            allowed = [t for t in touchpoints if filterable(viewer, team.team_id, t)]
            for first, last in windows:
                for audience, kind, touchpoint in _filter_choices(allowed, kinds, audiences):
                    for output in ("team", "team_csv"):
                        found.append(
                            FigureRequest(output, team.team_id, first, last, audience, kind, touchpoint, survey_id)
                        )
            if shape and runs:
                starts = grid.months(min(s.month for s in shape), last_month)
                for first in starts:
                    for last in (m for m in starts if m >= first):
                        for kind in [None, *kinds]:
                            for audience in [None, *audiences]:
                                found.append(
                                    FigureRequest(
                                        "review", team.team_id, first, last, audience, kind, survey_id=survey_id
                                    )
                                )
        for review_id in await queries.team_review_ids(conn, team_id=team.team_id):
            for output in ("review", "review_print", "review_markdown"):
                found.append(FigureRequest(output, team.team_id, review_id=review_id))
        found.append(FigureRequest("you_said", team.team_id))
        pulse_shape = await queries.team_shape(
            conn, team_id=team.team_id, first=oldest, end=grid.add_months(last_month, 1), survey_id=PULSE_SURVEY
        )
        if pulse_shape:
            found += pulse_requests(team.team_id, min(s.month for s in pulse_shape), today)
    for survey_id in mine or {None: []}:
        kinds_mine = [k for k in CONTACT_KINDS if k in kinds_anywhere[survey_id]]
        audiences_mine = [a for a in AUDIENCES if a in audiences_anywhere[survey_id]]
        for first, last in windows:
            for audience, kind, touchpoint in _filter_choices(mine[survey_id], kinds_mine, audiences_mine):
                found.append(FigureRequest("my_feedback", None, first, last, audience, kind, touchpoint, survey_id))
    if viewer.staff.is_admin:
        found.append(FigureRequest("admin_overview"))
    return found
