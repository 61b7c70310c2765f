"""The team culture pulse's figures (surveys/culture-pulse.toml): a whole team's answers for one calendar quarter,
with the change since the quarter before, from the same engine, thresholds and perturbation as families' figures.

Only whole calendar quarters that have ended are asked for (January-March, April-June, ...), so two pulses a person
can see never differ by less than a quarter. Only team members may ask. Each statement's share is the part of
those who answered that agreed (somewhat agree, agree or strongly agree), shown only when every count it is made
of is shown; the change uses the reviews' rule (stats.verdict: "no clear change" unless the 95% intervals part).
The written answers are not shown here: they go to the reading list, like every written answer."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.surveys.loading import SurveyRegistry

from . import grid
from .levels import summary_questions
from .model import RESPONSES, Figure, FigureRequest
from .results import Cell
from .stats import NOT_COMPARABLE, Share, verdict

PULSE_SURVEY = "culture-pulse"


class StatementResult(msgspec.Struct, frozen=True):
    id: str
    text: str
    cells: list[Cell]  # positive (agree), neutral, negative (disagree), no_answer
    share: Share | None  # agreeing, of those who answered; None when it can't be shown
    previous: Share | None = None
    change: str = NOT_COMPARABLE


class PulseResult(msgspec.Struct, frozen=True):
    team_id: int
    start: dt.date  # first day of the quarter
    last_day: dt.date
    k: int
    responses: int | None  # None: hidden (fewer than k, or nobody answered); nothing else is shown
    previous_start: dt.date
    previous_last_day: dt.date
    previous_responses: int | None = None
    statements: list[StatementResult] = []
    figures: list[Figure] = []

    @property
    def hidden(self) -> bool:
        return self.responses is None


def quarter_of(month: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter a month is in: (its first month, its last month)."""
    first = dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
    return first, grid.add_months(first, 2)


def ended_quarter(last_month: dt.date) -> tuple[dt.date, dt.date]:
    """The latest calendar quarter that has ended by the end of `last_month`."""
    first, last = quarter_of(last_month)
    return (first, last) if last == last_month else (grid.add_months(first, -3), grid.add_months(first, -1))


def is_quarter(first: dt.date | None, last: dt.date | None) -> bool:
    return first is not None and (first, last) == quarter_of(first)


def pulse_request(team_id: int, last_month: dt.date) -> FigureRequest:
    """The culture figures for the latest quarter that has ended by `last_month` (a review's last month)."""
    first, last = ended_quarter(last_month)
    return FigureRequest("culture", team_id, first, last, survey_id=PULSE_SURVEY)


async def pulse(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, request: FigureRequest, settings, rollup: bool = True
) -> PulseResult:
    from .service import Engine, NotAllowed, _share, load, rules_for

    team_id, first, last = request.team_id, request.first_month, request.last_month
    if (
        team_id is None
        or not viewer.is_member(team_id)
        or request.survey_id != PULSE_SURVEY
        or first is None
        or last is None
        or not is_quarter(first, last)
        or last > grid.last_whole_month(settings.today())
        or request.audience
        or request.contact_kind
        or request.touchpoint_id
    ):
        raise NotAllowed()
    before_first, before_last = grid.add_months(first, -3), grid.add_months(first, -1)
    table = await load(conn, registry, team_id=team_id, first=before_first, last=last, rollup=rollup)
    engine = Engine(table, await rules_for(conn, viewer, team_id, table, settings))
    atoms = table.select(months=grid.months(first, last), survey_id=PULSE_SURVEY)
    before = table.select(months=grid.months(before_first, before_last), survey_id=PULSE_SURVEY)
    shape = dict(
        team_id=team_id,
        start=first,
        last_day=grid.last_day(last),
        k=settings.k_team,
        previous_start=before_first,
        previous_last_day=grid.last_day(before_last),
    )
    total = engine.value(RESPONSES, atoms)
    if not total:
        return PulseResult(**shape, responses=None, figures=engine.published())
    before_total = engine.value(RESPONSES, before)
    statements = []
    for question in summary_questions(registry, PULSE_SURVEY):
        row = engine.question_row(question, atoms)
        now = _share(engine, question, atoms)
        then = _share(engine, question, before) if before_total else None
        statements.append(
            StatementResult(
                question.id,
                question.text,
                [Cell(c, n) for c, n in zip(question.columns, row)],
                now,
                then,
                verdict(then, now),
            )
        )
    return PulseResult(
        **shape, responses=total, previous_responses=before_total, statements=statements, figures=engine.published()
    )


def pulse_requests(team_id: int, first_month_with_answers: dt.date, today: dt.date) -> list[FigureRequest]:
    """Every quarter of a team's pulse a member may ask for: from the quarter of its first answer to the latest
    quarter that has ended (earlier quarters hold no atoms)."""
    found = []
    first, last = quarter_of(first_month_with_answers)
    latest = ended_quarter(grid.last_whole_month(today))[1]
    while last <= latest:
        found.append(FigureRequest("culture", team_id, first, last, survey_id=PULSE_SURVEY))
        first, last = grid.add_months(first, 3), grid.add_months(last, 3)
    return found
