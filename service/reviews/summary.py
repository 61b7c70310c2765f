"""The service-impact summary a learning review reads: who answered, each
question's results with honest uncertainty, the change since the previous
review, what went well, where people felt least heard, and a balanced
selection of redacted comments.

Small numbers are suppressed by the staff pages' rule (insights.suppression):
no count from 1 to k-1 is shown, nor can one be worked out by subtracting shown
figures from a shown total. A share is shown only when every count it is made
of is shown. Nothing is shown at all, comments included, when the period has
fewer than k responses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import asyncpg
import msgspec

from service.insights.levels import NO_ANSWER, SCALE_LEVELS, SummaryQuestion, level, question_for, summary_questions
from service.insights.suppression import suppress, suppress_row
from service.safeguarding.redaction import redact
from service.surveys.loading import SurveyRegistry
from service.surveys.model import AUDIENCES, Text

from . import queries
from .queries import Count, Scope
from .stats import NOT_COMPARABLE, Share, verdict, wilson

SURVEY_ID = "after-meeting"
LISTENED = "listened"  # the question "where people felt least heard" is read from
COMMENTS_EACH_WAY = 3  # per question: up to this many positive and this many critical comments
CANDIDATES = 400  # comments read from the database before choosing
WENT_WELL = 2
ROLL_BATCH = 24  # touchpoint-weeks counted per statement when the weekly rollup is filled


class Cell(msgspec.Struct, frozen=True):
    key: str
    count: int | None  # None: hidden


class QuestionResult(msgspec.Struct, frozen=True):
    id: str
    text: str
    is_scale: bool
    options: list[tuple[str, str]]
    cells: list[Cell]  # one per column: positive, neutral, negative (or options), no_answer
    share: Share | None  # positive, of those who answered; None when it cannot be shown
    previous: Share | None = None
    change: str = NOT_COMPARABLE


class GroupShare(msgspec.Struct, frozen=True):
    """Positive share of one audience or contact kind on the `listened` question."""

    kind: str  # "audience" or "contact_kind"
    key: str
    share: Share


class Comment(msgspec.Struct, frozen=True):
    tone: str  # "positive" or "critical"
    text: str  # redacted


class CommentGroup(msgspec.Struct, frozen=True):
    question_id: str
    question_text: str
    comments: list[Comment]


class ReviewSummary(msgspec.Struct, frozen=True):
    start: dt.date
    last_day: dt.date
    k: int
    responses: int | None  # None: fewer than k, nothing else is shown
    by_audience: list[Cell] = []
    by_kind: list[Cell] = []
    questions: list[QuestionResult] = []
    previous_start: dt.date | None = None
    previous_last_day: dt.date | None = None
    previous_responses: int | None = None
    went_well: list[QuestionResult] = []
    least_heard: list[GroupShare] = []
    comments: list[CommentGroup] = []

    @property
    def hidden(self) -> bool:
        return self.responses is None

    def question(self, question_id: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.id == question_id), None)


class _Tables(msgspec.Struct):
    """Counts of one period, by level: what every figure is computed from."""

    total: int
    by_audience: dict[str, int]
    by_kind: dict[str, int]
    # question id -> group (("audience", a) / ("contact_kind", c) / ("all", "")) -> column -> count
    answers: dict[str, dict[tuple[str, str], dict[str, int]]]


def _tables(counts: list[Count], registry: SurveyRegistry, questions: list[SummaryQuestion]) -> _Tables:
    by_audience: dict[str, int] = defaultdict(int)
    by_kind: dict[str, int] = defaultdict(int)
    answers: dict[str, dict[tuple[str, str], dict[str, int]]] = {
        q.id: defaultdict(lambda: defaultdict(int)) for q in questions}
    columns = {q.id: q.columns for q in questions}
    for c in counts:
        if c.question_id == "":
            by_audience[c.audience] += c.n
            by_kind[c.contact_kind] += c.n
            continue
        if c.survey_id != SURVEY_ID or c.question_id not in answers:
            continue
        definition = question_for(registry, c.survey_id, c.audience, c.question_id)
        key = level(definition, c.value) if definition else None
        if key not in columns[c.question_id]:
            continue
        table = answers[c.question_id]
        for group in (("all", ""), ("audience", c.audience), ("contact_kind", c.contact_kind)):
            table[group][key] += c.n
    total = sum(by_audience.values())
    return _Tables(total, dict(by_audience), dict(by_kind), answers)


def _row(question: SummaryQuestion, counts: dict[str, int], responses: int) -> list[int]:
    row = [counts.get(column, 0) for column in question.columns[:-1]]
    return [*row, responses - sum(row)]  # the last column: not asked or not answered


def _share(question: SummaryQuestion, row: list[int], hidden: list[bool]) -> Share | None:
    """Positive share of those who answered, only when every part of it is shown."""
    if not question.is_scale or any(hidden[: len(SCALE_LEVELS)]):
        return None
    answered = sum(row[: len(SCALE_LEVELS)])
    return wilson(row[0], answered) if answered else None


def _question(question: SummaryQuestion, tables: _Tables, k: int) -> tuple[QuestionResult, list[int], list[bool]]:
    row = _row(question, tables.answers[question.id].get(("all", ""), {}), tables.total)
    hidden, _ = suppress_row(row, k)
    cells = [Cell(key, None if hide else n) for key, n, hide in zip(question.columns, row, hidden)]
    result = QuestionResult(question.id, question.text, question.is_scale, question.options, cells,
                            _share(question, row, hidden))
    return result, row, hidden


def _cells(keys: list[str], counts: dict[str, int], k: int) -> tuple[list[Cell], list[bool]]:
    values = [counts.get(key, 0) for key in keys]
    hidden, _ = suppress_row(values, k)
    return [Cell(key, None if hide else n) for key, n, hide in zip(keys, values, hidden)], hidden


def _least_heard(question: SummaryQuestion, tables: _Tables, k: int, kind: str, keys: list[str],
                 group_hidden: list[bool], column_hidden: list[bool]) -> list[GroupShare]:
    """Positive share per group on one question, suppressed as a table whose
    row totals (the groups' responses) and column totals (the question's
    cells) are pinned to what the page already shows, so no group's small
    count can be worked out by subtraction."""
    sizes = tables.by_audience if kind == "audience" else tables.by_kind
    table = [_row(question, tables.answers[question.id].get((kind, key), {}), sizes.get(key, 0)) for key in keys]
    if not table:
        return []
    result = suppress(table, k, row_totals=list(group_hidden), column_totals=list(column_hidden))
    shares = []
    for key, row, hidden in zip(keys, table, result.cells):
        share = _share(question, row, hidden)
        if share is not None:
            shares.append(GroupShare(kind, key, share))
    return shares


def compute(counts: list[Count], registry: SurveyRegistry, *, scope: Scope, k: int,
            previous_counts: list[Count] | None = None, previous_scope: Scope | None = None) -> ReviewSummary:
    """Every figure of the summary from the period's counts (and the previous
    period's), with suppression applied. Pure: no database."""
    questions = summary_questions(registry, SURVEY_ID)
    last_day = scope.end - dt.timedelta(days=1)
    tables = _tables(counts, registry, questions)
    if tables.total < k:
        return ReviewSummary(scope.start, last_day, k, None)
    by_audience, audience_hidden = _cells(list(AUDIENCES), tables.by_audience, k)
    kinds = sorted(key for key, n in tables.by_kind.items() if n > 0)
    by_kind, kind_hidden = _cells(kinds, tables.by_kind, k)

    previous_tables = _tables(previous_counts, registry, questions) if previous_counts is not None else None
    previous_shown = previous_tables is not None and previous_tables.total >= k
    results: list[QuestionResult] = []
    least_heard: list[GroupShare] = []
    for question in questions:
        result, _, hidden = _question(question, tables, k)
        if previous_shown:
            before, _, _ = _question(question, previous_tables, k)
            result = msgspec.structs.replace(result, previous=before.share, change=verdict(before.share, result.share))
        results.append(result)
        if question.id == LISTENED:
            least_heard = [
                *_least_heard(question, tables, k, "audience", list(AUDIENCES), audience_hidden, hidden),
                *_least_heard(question, tables, k, "contact_kind", kinds, kind_hidden, hidden)]
    least_heard.sort(key=lambda g: (g.share.value, g.kind, g.key))
    shown = [q for q in results if q.share is not None]
    # The strongest results: the highest lower bounds, so a share resting on few answers does not win by luck.
    went_well = sorted(shown, key=lambda q: (-q.share.low, q.id))[:WENT_WELL]
    return ReviewSummary(
        scope.start, last_day, k, tables.total, by_audience, by_kind, results,
        previous_scope.start if previous_scope else None,
        previous_scope.end - dt.timedelta(days=1) if previous_scope else None,
        previous_tables.total if previous_shown else None,
        went_well, least_heard[:3])


def tone(registry: SurveyRegistry, candidate: queries.Candidate) -> str | None:
    """"positive" or "critical" from the same person's closed answers (more
    positive than negative answers, or the other way); None when even."""
    score = 0
    for question_id, value in candidate.answers.items():
        definition = question_for(registry, candidate.survey_id, candidate.audience, question_id)
        if definition is None or isinstance(definition, Text):
            continue
        key = level(definition, str(value))
        score += 1 if key == "positive" else -1 if key == "negative" else 0
    return "positive" if score > 0 else "critical" if score < 0 else None


def choose_comments(candidates: list[queries.Candidate], registry: SurveyRegistry, *,
                    staff_names: list[str]) -> list[CommentGroup]:
    """Up to COMMENTS_EACH_WAY positive and as many critical comments per
    question, balanced (as many of each as both sides allow, at least one of
    each when there is one), redacted, without dates."""
    labels: dict[str, str] = {}
    loaded = registry.current(SURVEY_ID)
    for audience in ("under8", "8to12", "13to17", "parent"):
        variant = loaded.survey.variant(audience) if loaded else None
        for question in variant.questions if variant else []:
            if isinstance(question, Text):
                labels[question.id] = question.text
    by_question: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"positive": [], "critical": []})
    for candidate in candidates:
        if candidate.survey_id != SURVEY_ID or not candidate.body.strip():
            continue
        found = tone(registry, candidate)
        side = by_question[candidate.question_id][found] if found else None
        if side is not None and candidate.body.strip() not in side:  # the same words twice say nothing new
            side.append(candidate.body.strip())
    groups = []
    for question_id in sorted(by_question):
        sides = by_question[question_id]
        each = min(COMMENTS_EACH_WAY, max(1, min(len(sides["positive"]), len(sides["critical"]))))
        # Shown in an order that says nothing about when they were written.
        comments = [Comment(side, redact(text, staff_names=staff_names).text)
                    for side in ("positive", "critical")
                    for text in sorted(sides[side][:each], key=lambda t: hashlib.sha256(t.encode()).digest())]
        if comments:
            groups.append(CommentGroup(question_id, labels.get(question_id, question_id), comments))
    return groups


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=-day.weekday() % 7)


def _monday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


async def _bring_up_to_date(conn: asyncpg.Connection, *, team_id: int, first: dt.date, end: dt.date,
                            live: dict[tuple[int, dt.date], queries.WeekCount]) -> None:
    """Count again the weeks whose responses changed, and count new ones. Two
    people opening the same review at once take turns (a lock per team), so
    they never count the same week at the same time."""
    for attempt in range(2):
        rolled = {(w.touchpoint_id, w.week): w.responses
                  for w in await queries.rolled_weeks(conn, team_id=team_id, first=first, end=end)}
        stale = sorted({key for key in rolled if key not in live or rolled[key] != live[key].responses})
        missing = sorted(key for key, week in live.items() if rolled.get(key) != week.responses)
        if not stale and not missing:
            return
        if attempt == 0:  # take the lock, then look again: someone may just have done it
            await queries.lock_rollup(conn, team_id=team_id)
            continue
        if stale:
            await queries.forget_weeks(conn, weeks=stale)
        # A few touchpoint-weeks per statement, so no one statement runs long on a big team.
        for start in range(0, len(missing), ROLL_BATCH):
            await queries.roll_weeks(conn, weeks=[live[key] for key in missing[start:start + ROLL_BATCH]])


async def period_counts(conn: asyncpg.Connection, *, scope: Scope, today: dt.date | None = None) -> list[Count]:
    """The period's counts: whole weeks that have ended from the weekly rollup
    (brought up to date first), the days at either end from the responses.
    Responses are stored with the day they arrive, so an ended week changes
    only when responses are deleted; each week's response count is checked
    every time, and a week whose count changed is counted again."""
    today = today or dt.date.today()
    first = _monday_on_or_after(scope.start)
    # A day's margin, so a week is never rolled up while it may still be "today" somewhere.
    end = min(_monday_on_or_before(scope.end), _monday_on_or_before(today - dt.timedelta(days=1)))
    if end <= first:
        return await queries.period_counts(conn, scope=scope)
    weekly: dict[tuple[int, dt.date], int] = defaultdict(int)
    for touchpoint_id, day, responses in await queries.day_fingerprints(conn, team_id=scope.team_id, first=first,
                                                                        end=end):
        weekly[(touchpoint_id, _monday_on_or_before(day))] += responses
    live = {key: queries.WeekCount(key[0], key[1], n) for key, n in weekly.items() if n > 0}
    await _bring_up_to_date(conn, team_id=scope.team_id, first=first, end=end, live=live)
    counts = await queries.rolled_counts(conn, scope=msgspec.structs.replace(scope, start=first, end=end))
    if scope.start < first:
        counts += await queries.period_counts(conn, scope=msgspec.structs.replace(scope, end=first))
    if end < scope.end:
        counts += await queries.period_counts(conn, scope=msgspec.structs.replace(scope, start=end))
    return counts


async def review_summary(conn: asyncpg.Connection, registry: SurveyRegistry, *, scope: Scope, k: int,
                         previous_scope: Scope | None = None, comments: bool = True) -> ReviewSummary:
    counts = await period_counts(conn, scope=scope)
    previous_counts = await period_counts(conn, scope=previous_scope) if previous_scope else None
    result = compute(counts, registry, scope=scope, k=k, previous_counts=previous_counts,
                     previous_scope=previous_scope)
    if result.hidden or not comments:
        return result
    candidates = await queries.comment_candidates(conn, scope=scope, limit=CANDIDATES)
    names = await queries.team_staff_names(conn, team_id=scope.team_id)
    return msgspec.structs.replace(result, comments=choose_comments(candidates, registry, staff_names=names))


__all__ = ["NO_ANSWER", "Cell", "CommentGroup", "GroupShare", "QuestionResult", "ReviewSummary", "compute",
           "review_summary"]


WARM_WEEKS = 104


async def warm_rollups(conn: asyncpg.Connection, *, today: dt.date, weeks: int = WARM_WEEKS) -> int:
    """Bring every team's weekly rollup up to date for the last `weeks` weeks, so
    the first opening of any review period is as fast as later ones (run nightly
    by `heard reviews warm`). Returns how many teams it looked at."""
    team_ids = await queries.all_team_ids(conn)
    for team_id in team_ids:
        scope = Scope(team_id=team_id, start=today - dt.timedelta(weeks=weeks), end=today)
        await period_counts(conn, scope=scope, today=today)
    return len(team_ids)
