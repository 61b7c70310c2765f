"""Summaries for staff: whole weeks that have ended, small numbers hidden.

Every figure is computed here from counts that SQL has already limited to what
the viewer may see; `suppression` decides what can be shown. Templates only
format what comes out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import asyncpg
import msgspec

from service.safeguarding.redaction import redact
from service.surveys.loading import SurveyRegistry

from . import queries
from .levels import NO_ANSWER, SCALE_LEVELS, SummaryQuestion, level, question_for, summary_questions
from .queries import Filter
from .stats import wilson
from .suppression import suppress, suppress_row

WEEKS = 12
WEEK_CHOICES = (6, 12, 24, 48)  # each splits into 6 periods of whole weeks
PERIODS = 6


class Window(msgspec.Struct, frozen=True):
    start: dt.date
    end: dt.date  # exclusive: the Monday of the current week

    @property
    def weeks(self) -> int:
        return (self.end - self.start).days // 7

    @property
    def period_days(self) -> int:
        return 7 * max(1, self.weeks // PERIODS)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def window_for(today: dt.date, weeks: int = WEEKS) -> Window:
    """The last `weeks` whole weeks (Monday to Sunday) that have ended: no live
    counts, so nobody can watch a number move after one family's visit."""
    end = today - dt.timedelta(days=today.weekday())
    return Window(end - dt.timedelta(weeks=weeks), end)


class Cell(msgspec.Struct, frozen=True):
    key: str
    count: int | None  # None: hidden
    percent: float | None = None


class Period(msgspec.Struct, frozen=True):
    start: dt.date
    last_day: dt.date
    responses: int


class QuestionView(msgspec.Struct, frozen=True):
    question: SummaryQuestion
    cells: list[Cell]  # over the whole window, one per column
    positive_percent: float | None  # of those who answered; None when it can't be shown
    interval: tuple[float, float] | None  # its 95% Wilson interval, in percent
    trend: list[float | None]  # positive percent per period


class BreakdownRow(msgspec.Struct, frozen=True):
    practitioner_id: int
    name: str
    responses: int | None
    positive_percent: list[float | None]  # per question


class Summary(msgspec.Struct, frozen=True):
    window: Window
    k: int
    responses: int | None  # None: fewer than k in the window, nothing else is shown
    periods: list[Period]
    by_audience: list[Cell]
    by_touchpoint: list[Cell]
    questions: list[QuestionView]
    breakdown: list[BreakdownRow] | None = None
    comments: list[str] = []  # redacted, only when the view has at least k responses

    @property
    def hidden(self) -> bool:
        return self.responses is None


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _periods(totals: dict[int, int], window: Window, k: int) -> list[tuple[list[int], Period]]:
    """Six periods of whole weeks; neighbours are joined until each has at least k responses."""
    days = window.period_days
    raw = list(range(-(-(window.end - window.start).days // days)))
    groups: list[list[int]] = []
    for index in raw:
        if groups and sum(totals.get(i, 0) for i in groups[-1]) < k:
            groups[-1].append(index)
        else:
            groups.append([index])
    if len(groups) > 1 and sum(totals.get(i, 0) for i in groups[-1]) < k:
        groups[-2].extend(groups.pop())
    periods = []
    for group in groups:
        start = window.start + dt.timedelta(days=days * group[0])
        last = min(window.start + dt.timedelta(days=days * (group[-1] + 1)), window.end) - dt.timedelta(days=1)
        periods.append((group, Period(start, last, sum(totals.get(i, 0) for i in group))))
    return periods


async def summary(conn: asyncpg.Connection, registry: SurveyRegistry, *, scope: Filter, today: dt.date, k: int,
                  survey_id: str = "after-meeting", touchpoint_ids: list[int] | None = None,
                  breakdown_k: int | None = None, comment_limit: int = 0, weeks: int = WEEKS,
                  staff_names: list[str] | None = None) -> Summary:
    """`touchpoint_ids` adds responses per touchpoint; `breakdown_k` adds the
    shared-practitioner breakdown (team managers only), suppressed at that k;
    `comment_limit` adds that many written answers, redacted (the team's own
    staff names are kept: they are legitimate feedback)."""
    window = window_for(today, weeks if weeks in WEEK_CHOICES else WEEKS)
    responses = await queries.response_counts(conn, scope=scope, start=window.start, end=window.end,
                                              days=window.period_days)
    total = sum(r.n for r in responses)
    if total < k:
        return Summary(window, k, None, [], [], [], [])
    answers = await queries.answer_counts(conn, scope=scope, start=window.start, end=window.end,
                                          days=window.period_days)

    by_period: dict[int, int] = defaultdict(int)
    by_audience: dict[str, int] = defaultdict(int)
    by_touchpoint: dict[int, int] = defaultdict(int)
    for r in responses:
        by_period[r.period] += r.n
        by_audience[r.audience] += r.n
        by_touchpoint[r.touchpoint_id] += r.n
    periods = _periods(by_period, window, k)

    audiences = ["under8", "8to12", "13to17", "parent"]
    audience_counts = [by_audience.get(a, 0) for a in audiences]
    hidden, _ = suppress_row(audience_counts, k)
    audience_cells = [Cell(a, None if h else n, None if h else _percent(n, total))
                      for a, n, h in zip(audiences, audience_counts, hidden)]

    touchpoint_cells = []
    if touchpoint_ids is not None:
        counts = [by_touchpoint.get(t, 0) for t in touchpoint_ids]
        others = total - sum(counts)  # touchpoints filtered out of view still add to the total
        hidden, _ = suppress_row([*counts, others], k)
        touchpoint_cells = [Cell(str(t), None if h else n) for t, n, h in zip(touchpoint_ids, counts, hidden)]

    views, totals = [], {}
    for question in summary_questions(registry, survey_id):
        view, totals[question.id] = _question_view(question, answers, registry, periods, k)
        views.append(view)
    comments = []
    if comment_limit:
        texts = await queries.free_texts(conn, scope=scope, start=window.start, end=window.end, limit=comment_limit)
        comments = [redact(t.body, staff_names=staff_names or []).text for t in texts]
    breakdown = None
    if breakdown_k is not None:
        breakdown = await _breakdown(conn, registry, team_id=scope.team_id, window=window, k=breakdown_k,
                                     views=views, team_totals=totals)
    return Summary(window, k, total, [p for _, p in periods], audience_cells, touchpoint_cells, views, breakdown,
                   comments)


def _question_view(question: SummaryQuestion, answers: list[queries.AnswerCount], registry: SurveyRegistry,
                   periods: list[tuple[list[int], Period]], k: int) -> tuple[QuestionView, list[int]]:
    period_of = {raw: row for row, (group, _) in enumerate(periods) for raw in group}
    columns = question.columns
    table = [[0] * len(columns) for _ in periods]
    for a in answers:
        if a.question_id != question.id or a.survey_id != question.survey_id or a.period not in period_of:
            continue
        definition = question_for(registry, a.survey_id, a.audience, a.question_id)
        key = level(definition, a.value) if definition else None
        if key in columns:
            table[period_of[a.period]][columns.index(key)] += a.n
    for row, (_, period) in zip(table, periods):
        row[-1] = period.responses - sum(row[:-1])  # not asked or not answered
    result = suppress(table, k, row_totals=[False] * len(periods))
    column_totals = [sum(row[c] for row in table) for c in range(len(columns))]
    grand = sum(column_totals)
    cells = [Cell(key, None if hide else n, None if hide else _percent(n, grand))
             for key, n, hide in zip(columns, column_totals, result.column_totals)]
    trend = [_positive(question, row, hidden) for row, hidden in zip(table, result.cells)]
    positive = _positive(question, column_totals, result.column_totals)
    answered = sum(column_totals[: len(SCALE_LEVELS)])
    interval = wilson(column_totals[0], answered) if positive is not None else None
    view = QuestionView(question, cells, positive, interval, trend)
    return view, column_totals


def _positive(question: SummaryQuestion, counts: list[int], hidden: list[bool]) -> float | None:
    """Positive share of those who answered, only when every part of it is shown."""
    if not question.is_scale or any(hidden[: len(SCALE_LEVELS)]):
        return None
    answered = sum(counts[: len(SCALE_LEVELS)])
    return _percent(counts[0], answered) if answered else None


async def _breakdown(conn: asyncpg.Connection, registry: SurveyRegistry, *, team_id: int, window: Window, k: int,
                     views: list[QuestionView], team_totals: dict[str, list[int]]) -> list[BreakdownRow]:
    """For team managers: results of practitioners who chose to share them.
    Listed by name, never ranked. Everyone else's responses stay in one hidden
    row, so nobody's can be worked out by subtraction from the team's figures."""
    people = await queries.shared_practitioner_responses(conn, team_id=team_id, start=window.start, end=window.end)
    sharing = sorted((p for p in people if p.practitioner_id is not None), key=lambda p: p.display_name)
    if not sharing:
        return []
    others = sum(p.n for p in people if p.practitioner_id is None)
    counts = await queries.shared_practitioner_counts(conn, team_id=team_id, start=window.start, end=window.end)
    row_hidden, _ = suppress_row([*(p.n for p in sharing), others], k)
    rows = {p.practitioner_id: index for index, p in enumerate(sharing)}
    shares: list[list[float | None]] = [[] for _ in sharing]
    for view in views:
        question = view.question
        table = [[0] * len(question.columns) for _ in range(len(sharing) + 1)]
        for c in counts:
            if c.question_id != question.id or c.survey_id != question.survey_id:
                continue
            definition = question_for(registry, c.survey_id, c.audience, c.question_id)
            key = level(definition, c.value) if definition else None
            if key in question.columns:
                table[rows[c.practitioner_id]][question.columns.index(key)] += c.n
        for index, person in enumerate(sharing):
            table[index][-1] = person.n - sum(table[index][:-1])
        totals = team_totals[question.id]
        table[-1] = [t - sum(table[r][c] for r in range(len(sharing))) for c, t in enumerate(totals)]
        result = suppress(table, k, row_totals=list(row_hidden),
                          column_totals=[cell.count is None for cell in view.cells])
        for index in range(len(sharing)):
            shares[index].append(_positive(question, table[index], result.cells[index]))
    return [BreakdownRow(p.practitioner_id, p.display_name, None if row_hidden[i] else p.n, shares[i])
            for i, p in enumerate(sharing)]
