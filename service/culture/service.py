"""Making a team's culture pulse touchpoint, and asking the figures engine for its quarters."""

from __future__ import annotations

import datetime as dt

import asyncpg

from service.figures import grid
from service.figures.door import published
from service.figures.model import FigureRequest
from service.figures.pulse import PULSE_SURVEY, PulseResult, ended_quarter, quarter_of
from service.surveys.loading import SurveyRegistry
from service.surveys.model import STAFF
from service.touchpoints import service as touchpoints

PULSE_KIND = "team_meeting"


async def start_pulse(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, team_id: int, language: str, today: dt.date
) -> int:
    """A new culture pulse touchpoint for the team: no practitioner, answered by staff, anonymous."""
    form = touchpoints.TouchpointForm(
        contact_kind=PULSE_KIND, practitioner_id=None, survey_id=PULSE_SURVEY, audience=STAFF, language=language
    )
    return await touchpoints.create_touchpoint(conn, registry, team_id=team_id, form=form, today=today)


async def pulse_touchpoints(conn: asyncpg.Connection, *, team_id: int) -> list:
    return [t for t in await touchpoints.team_touchpoints(conn, team_id=team_id) if t.survey_id == PULSE_SURVEY]


def chosen_quarter(wanted: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The quarter a page asks for (any month in it), or the latest that has ended; never one still running."""
    latest = ended_quarter(grid.last_whole_month(today))
    if wanted is None:
        return latest
    first, last = quarter_of(wanted)
    return (first, last) if last <= latest[1] else latest


async def pulse_for(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings, team_id: int, first: dt.date, last: dt.date
) -> PulseResult:
    """One quarter of the team's pulse, as the engine publishes it for this viewer (NotAllowed for non-members)."""
    request = FigureRequest("culture", team_id, first, last, survey_id=PULSE_SURVEY)
    return (await published(conn, registry, viewer=viewer, request=request, settings=settings)).result


async def pulse_for_review(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings, team_id: int, review_last: dt.date
) -> PulseResult:
    """The pulse beside a learning review: the latest quarter that had ended by the review's last month."""
    first, last = ended_quarter(grid.month_of(review_last))
    last_allowed = ended_quarter(grid.last_whole_month(settings.today()))
    if last > last_allowed[1]:
        first, last = last_allowed
    return await pulse_for(conn, registry, viewer=viewer, settings=settings, team_id=team_id, first=first, last=last)
