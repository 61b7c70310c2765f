"""The figures engine: every number staff can see or download comes from here.

A team's responses are counted per atom (month, touchpoint, practitioner and
contact kind at answer time, audience, survey) and measure ("responses", or
"<question>:<level>"), each count with the sum of its responses' secret
record keys. Every published figure is a sum over atoms, protected by
`protection.decide` for the viewer who asks (cell-key perturbation,
thresholds, the practitioner rule with dominance). Pages, exports, reviews and
the admin overview only arrange what comes out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable

import asyncpg
import msgspec

from service.safeguarding.redaction import redact
from service.surveys.loading import SurveyRegistry
from service.surveys.model import AUDIENCES, STAFF, Question, Text
from service.touchpoints import service as touchpoint_service
from service.touchpoints.kinds import CONTACT_KINDS

from . import grid, queries
from .levels import ANSWERED, SummaryQuestion, level, question_for, summary_questions
from .model import RESPONSES, AtomKey, Figure, FigureRequest
from .protection import Rules, decide, why_hidden
from .results import (
    BreakdownRow,
    Cell,
    Comment,
    CommentGroup,
    GroupShare,
    Hidden,
    Period,
    QuestionResult,
    QuestionView,
    ReviewSummary,
    Summary,
    TrendRow,
)
from .stats import HIGHER, Share, share, verdict, wilson

COMMENTS = 20  # written answers on a staff page, redacted
LISTENED = "listened"  # the question "where people felt least heard" is read from
COMMENTS_EACH_WAY = 3  # per question in a review: up to this many positive and this many critical comments
CANDIDATES = 400  # comments read from the database before a review chooses
ROLL_BATCH = 24  # touchpoint-months counted per statement when the monthly rollup is filled
WARM_MONTHS = 24

TouchpointLabel = touchpoint_service.ManagedTouchpoint  # a team's touchpoint, as the touchpoints capability lists it


class NotAllowed(Exception):
    """The viewer may not ask for this output (pages answer 403)."""


# Counting ---------------------------------------------------------------------------------------


class Table:
    """One team's counts for a run of months: atom -> measure -> [n, key_sum]."""

    def __init__(self, team_id: int, counts: dict[AtomKey, dict[str, list[int]]]) -> None:
        self.team_id = team_id
        self.counts = counts
        self.atoms = sorted(counts)

    def select(
        self,
        *,
        months: Iterable[dt.date] | None = None,
        audience: str | None = None,
        contact_kind: str | None = None,
        touchpoint_id: int | None = None,
        practitioner_id: int | None = None,
        survey_id: str,
    ) -> list[AtomKey]:
        """The atoms of one survey (families' surveys and the staff pulse never mix), narrowed by the filters."""
        wanted = set(months) if months is not None else None
        return [
            a
            for a in self.atoms
            if (wanted is None or a.month in wanted)
            and (audience is None or a.audience == audience)
            and (contact_kind is None or a.contact_kind == contact_kind)
            and (touchpoint_id is None or a.touchpoint_id == touchpoint_id)
            and (practitioner_id is None or a.practitioner_id == practitioner_id)
            and (survey_id is None or a.survey_id == survey_id)
        ]


def _table(team_id: int, rows: list[queries.AtomCount], registry: SurveyRegistry) -> Table:
    counts: dict[AtomKey, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    definitions: dict[tuple[str, str, str], Question | None] = {}
    for row in rows:
        atom = AtomKey(
            team_id, row.month, row.touchpoint_id, row.practitioner_id, row.contact_kind, row.audience, row.survey_id
        )
        if row.question_id == "":
            measure = RESPONSES
        else:
            found = (row.survey_id, row.audience, row.question_id)
            if found not in definitions:
                definitions[found] = question_for(registry, *found)
            definition = definitions[found]
            key = level(definition, row.value) if definition and not isinstance(definition, Text) else None
            if key is None:
                continue
            measure = f"{row.question_id}:{key}"
        cell = counts[atom][measure]
        cell[0] += row.n
        cell[1] += row.key_sum
    questions: dict[str, list[SummaryQuestion]] = {}
    for atom, measures in counts.items():
        if atom.survey_id not in questions:
            questions[atom.survey_id] = summary_questions(registry, atom.survey_id)
        responses = measures.get(RESPONSES, [0, 0])
        for question in questions[atom.survey_id]:
            answered = [
                measures[f"{question.id}:{c}"] for c in question.columns[:-1] if f"{question.id}:{c}" in measures
            ]
            n = responses[0] - sum(a[0] for a in answered)
            if n > 0:  # not asked or not answered: the rest of the atom's responses, and the rest of their keys
                measures[f"{question.id}:no_answer"] = [n, responses[1] - sum(a[1] for a in answered)]
            if question.is_scale and answered:  # each response gives one answer: the sets, and their keys, add up
                measures[f"{question.id}:{ANSWERED}"] = [sum(a[0] for a in answered), sum(a[1] for a in answered)]
    return Table(team_id, {a: dict(m) for a, m in counts.items()})


def _month_key(day: dt.date) -> dt.date:
    return day.replace(day=1)


async def _bring_up_to_date(conn: asyncpg.Connection, *, team_id: int, first: dt.date, end: dt.date) -> None:
    """Count again the touchpoint-months whose responses changed, and count new
    ones. Two people opening figures at once take turns (a lock per team)."""
    monthly: dict[tuple[int, dt.date], int] = defaultdict(int)
    for touchpoint_id, day, responses in await queries.day_fingerprints(conn, team_id=team_id, first=first, end=end):
        monthly[(touchpoint_id, _month_key(day))] += responses
    live = {key: n for key, n in monthly.items() if n > 0}
    for attempt in range(2):
        rolled = {
            (m.touchpoint_id, m.month): m.responses
            for m in await queries.rolled_months(conn, team_id=team_id, first=first, end=end)
        }
        stale = sorted(key for key in rolled if rolled[key] != live.get(key))
        missing = sorted(key for key, n in live.items() if rolled.get(key) != n)
        if not stale and not missing:
            return
        if attempt == 0:  # take the lock, then look again: someone may just have done it
            await queries.lock_rollup(conn, team_id=team_id)
            continue
        if stale:
            await queries.forget_months(conn, months=stale)
        for start in range(0, len(missing), ROLL_BATCH):
            await queries.roll_months(
                conn, months=[queries.MonthCount(t, m, live[(t, m)]) for t, m in missing[start : start + ROLL_BATCH]]
            )


async def load(
    conn: asyncpg.Connection,
    registry: SurveyRegistry,
    *,
    team_id: int,
    first: dt.date,
    last: dt.date,
    rollup: bool = True,
) -> Table:
    """A team's counts per atom for whole months `first`..`last`. With `rollup`,
    from the monthly rollup (brought up to date first); without, straight from
    the responses (a read replica)."""
    end = grid.add_months(last, 1)
    if rollup:
        await _bring_up_to_date(conn, team_id=team_id, first=first, end=end)
        rows = await queries.atom_counts(conn, team_id=team_id, first=first, end=end)
    else:
        rows = await queries.atom_counts_live(conn, team_id=team_id, first=first, end=end)
    return _table(team_id, rows, registry)


async def warm_rollups(conn: asyncpg.Connection, *, today: dt.date, months: int = WARM_MONTHS) -> int:
    """Bring every team's monthly rollup up to date for the last `months` whole
    months, so the first opening of a review is as fast as later ones (run
    nightly by `heard reviews warm`). Returns how many teams it looked at."""
    first, last = grid.window(today, months)
    team_ids = await queries.all_team_ids(conn)
    for team_id in team_ids:
        await _bring_up_to_date(conn, team_id=team_id, first=first, end=grid.add_months(last, 1))
    return len(team_ids)


# Protecting ---------------------------------------------------------------------------------------


async def rules_for(conn: asyncpg.Connection, viewer, team_id: int, table: Table, settings) -> Rules:
    """Whose answers this viewer may see on their own in this team: their own,
    and for a team manager, those of practitioners who chose to share."""
    open_ids = {viewer.staff.id}
    if viewer.manages(team_id):
        ids = sorted({a.practitioner_id for a in table.atoms if a.practitioner_id is not None})
        open_ids |= {p.id for p in await queries.sharing(conn, staff_ids=ids) if p.shares_with_manager}
    return Rules(viewer.staff.id, frozenset(open_ids), settings.k_team, settings.k_practitioner)


class Engine:
    """Publishes figures of one table for one viewer, and remembers every figure it published."""

    def __init__(self, table: Table, rules: Rules) -> None:
        self.table = table
        self.rules = rules
        self.figures: dict[tuple[str, frozenset[AtomKey]], Figure] = {}
        self.reason = Hidden(*why_hidden(rules.k_team, rules.k_practitioner))  # set per page: see staff_summary

    def figure(self, measure: str, atoms: Iterable[AtomKey]) -> Figure:
        chosen = frozenset(atoms)
        found = self.figures.get((measure, chosen))
        if found is None:
            by_practitioner: dict[int | None, int] = defaultdict(int)
            key_sum = 0
            for atom in chosen:
                count = self.table.counts[atom].get(measure)
                if count:
                    by_practitioner[atom.practitioner_id] += count[0]
                    key_sum += count[1]
            value, noise = decide(self.rules, by_practitioner, key_sum)
            found = self.figures[(measure, chosen)] = Figure(measure, chosen, value, noise if value else 0)
        return found

    def hidden(self, measure: str, atoms: Iterable[AtomKey]) -> Hidden | None:
        """Why this figure is hidden (None when it is shown): the page's one reason, whatever the cell holds."""
        return self.reason if self.figure(measure, atoms).value is None else None

    def cell(self, key: str, measure: str, atoms: Iterable[AtomKey], whole: int | None = None) -> Cell:
        chosen = frozenset(atoms)
        count = self.value(measure, chosen)
        return Cell(key, count, _percent(count, whole), self.hidden(measure, chosen))

    def share_hidden(self, question: SummaryQuestion, atoms: list[AtomKey]) -> Hidden | None:
        """Why a question's share of these atoms is hidden: the first hidden part it is made of."""
        for measure in (f"{question.id}:positive", f"{question.id}:{ANSWERED}"):  # what a share is made of
            found = self.hidden(measure, atoms)
            if found is not None:
                return Hidden("part", found.k, found.k_one)
        return None

    def value(self, measure: str, atoms: Iterable[AtomKey]) -> int | None:
        return self.figure(measure, atoms).value

    def published(self) -> list[Figure]:
        return list(self.figures.values())

    def question_row(self, question: SummaryQuestion, atoms: list[AtomKey]) -> list[int | None]:
        return [self.value(f"{question.id}:{column}", atoms) for column in question.columns]

    def positive(self, question: SummaryQuestion, atoms: list[AtomKey]) -> tuple[int, int] | None:
        """(positive, answered) for a share: how many gave a positive answer and how many answered at all, two
        published counts, each protected like any other; shown only when both are. The other answers' counts
        need not be shown (a share of 100% with its other answers hidden says no more than these two counts).
        Each count carries its own adjustment, so the part is capped at the whole."""
        if not question.is_scale:
            return None
        part = self.value(f"{question.id}:positive", atoms)
        whole = self.value(f"{question.id}:{ANSWERED}", atoms)
        return (min(part, whole), whole) if part is not None and whole is not None else None


def _percent(part: int | None, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if part is not None and whole else None


# Staff pages: the team page (and its CSV) and a practitioner's own feedback -----------------------------------


def _asked(question: SummaryQuestion, atoms: list[AtomKey], audience: str | None) -> bool:
    """Asked of the chosen audience, or (with none chosen) of an audience that answered in this slice."""
    if audience is not None:
        return audience in question.texts
    return any(a.audience in question.texts for a in atoms)


def _trend_rows(
    engine: Engine,
    question: SummaryQuestion,
    months: list[dt.date],
    periods: list[Period],
    by_month: dict[dt.date, list[AtomKey]],
    trend: list[float | None],
) -> list[TrendRow]:
    """One row a month, with runs of months hidden for the same reason (or with no responses) folded into one."""
    rows: list[TrendRow] = []
    for month, period, value in zip(months, periods, trend):
        hidden = None
        if value is None and period.responses != 0:
            hidden = (
                engine.hidden(RESPONSES, by_month[month])
                if period.responses is None
                else engine.share_hidden(question, by_month[month])
            )  # None: nobody answered it that month
        previous = rows[-1] if rows else None
        if value is None and previous is not None and previous.percent is None and previous.hidden == hidden:
            rows[-1] = msgspec.structs.replace(previous, last=month)
        else:
            rows.append(TrendRow(month, month, value, hidden))
    return rows


def _question_view(
    engine: Engine,
    question: SummaryQuestion,
    atoms: list[AtomKey],
    total: int,
    *,
    audience: str | None,
    months: list[dt.date],
    periods: list[Period],
    by_month: dict[dt.date, list[AtomKey]],
) -> QuestionView:
    row = engine.question_row(question, atoms)
    cells = [Cell(c, n, _percent(n, total)) for c, n in zip(question.columns, row)]
    parts = row[:-1]
    if question.is_scale:  # everyone who answered it: a published count of its own (the share's whole)
        answered = engine.value(f"{question.id}:{ANSWERED}", atoms)
    else:
        published = [n for n in parts if n is not None]
        answered = sum(published) if len(published) == len(parts) else None  # None: a part is hidden
    answers = [engine.cell(c, f"{question.id}:{c}", atoms, answered) for c in question.columns[:-1]]
    found = engine.positive(question, atoms)
    trend = []
    for m in months:
        monthly = engine.positive(question, by_month[m])
        trend.append(_percent(*monthly) if monthly else None)
    hidden = engine.share_hidden(question, atoms) if question.is_scale and not found else None
    rows = _trend_rows(engine, question, months, periods, by_month, trend) if question.is_scale else []
    return QuestionView(
        question,
        cells,
        _percent(*found) if found else None,
        wilson(*found) if found else None,
        trend,
        question.text_for(audience),
        question.asked_of,
        answers,
        answered,
        hidden,
        rows,
    )


def staff_summary(
    engine: Engine,
    registry: SurveyRegistry,
    *,
    survey_id: str,
    atoms: list[AtomKey],
    first: dt.date,
    last: dt.date,
    k: int,
    touchpoints: list[TouchpointLabel] | None = None,
    sharing: list[queries.Person] | None = None,
    audience: str | None = None,
) -> Summary:
    engine.reason = Hidden(*why_hidden(k, engine.rules.k_practitioner))
    total = engine.value(RESPONSES, atoms)
    if not total:  # hidden, or nobody answered: nothing else is shown
        because = engine.reason
        return Summary(
            first, last, because.k, None, figures=engine.published(), hidden_because=because, audience=audience
        )
    months = grid.months(first, last)
    by_month = {m: [a for a in atoms if a.month == m] for m in months}
    periods = [Period(m, grid.last_day(m), engine.value(RESPONSES, by_month[m])) for m in months]
    by_audience = [engine.cell(a, RESPONSES, [x for x in atoms if x.audience == a], total) for a in AUDIENCES]
    views = [
        _question_view(
            engine, question, atoms, total, audience=audience, months=months, periods=periods, by_month=by_month
        )
        for question in summary_questions(registry, survey_id)
        if _asked(question, atoms, audience)
    ]
    by_touchpoint = [
        engine.cell(str(t.id), RESPONSES, [a for a in atoms if a.touchpoint_id == t.id]) for t in touchpoints or []
    ]
    breakdown = None
    if sharing is not None:
        breakdown = []
        for person in sorted(sharing, key=lambda p: p.display_name):
            theirs = [a for a in atoms if a.practitioner_id == person.id]
            shares = []
            for view in views:
                found = engine.positive(view.question, theirs)
                shares.append(_percent(*found) if found else None)
            breakdown.append(BreakdownRow(person.id, person.display_name, engine.value(RESPONSES, theirs), shares))
    return Summary(
        first,
        last,
        k,
        total,
        periods,
        by_audience,
        by_touchpoint,
        views,
        breakdown,
        figures=engine.published(),
        audience=audience,
    )


def filterable(viewer, team_id: int, touchpoint: TouchpointLabel) -> bool:
    """A touchpoint the viewer may look at on its own: no practitioner's name on
    it, their own, or (for a manager) a practitioner who chose to share."""
    return (
        touchpoint.practitioner_id is None
        or touchpoint.practitioner_id == viewer.staff.id
        or (viewer.manages(team_id) and touchpoint.practitioner_shares)
    )


class TeamResult(msgspec.Struct, frozen=True):
    summary: Summary
    touchpoints: list[TouchpointLabel]  # the rows of "responses by touchpoint" (unfiltered pages only)
    filterable: list[TouchpointLabel]  # what the touchpoint filter offers
    survey_id: str = ""  # the families' survey these figures are of
    surveys: list[str] = []  # the families' surveys the team asks (a chooser where there are two or more)


class MySection(msgspec.Struct, frozen=True):
    team_id: int
    team_name: str
    touchpoints: list[TouchpointLabel]  # theirs now, of the chosen survey
    summary: Summary
    survey_id: str = ""  # the families' survey these figures are of
    surveys: list[str] = []  # the families' surveys their touchpoints in this team ask


def surveys_asked(registry: SurveyRegistry, touchpoints: list[TouchpointLabel]) -> list[str]:
    """The families' surveys these touchpoints ask, in the order they began asking them (a team's first survey
    first). Staff surveys (the culture pulse) and debriefs are never among them."""
    families = set(registry.family_survey_ids())
    return list(dict.fromkeys(t.survey_id for t in touchpoints if t.survey_id in families and t.audience != STAFF))


def chosen_survey(registry: SurveyRegistry, request: FigureRequest, asked: list[str]) -> str:
    """The families' survey a request is about: the one it names, or (none named) the first its touchpoints ask,
    or the first families' survey there is. A survey that is not a families' survey is refused."""
    families = registry.family_survey_ids()
    if request.survey_id is not None:
        if request.survey_id not in families:
            raise NotAllowed()
        return request.survey_id
    if asked or families:
        return (asked or families)[0]
    raise NotAllowed()


def _allowed_window(request: FigureRequest, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The request's (first month, last month) when it is one of the windows offered, else None."""
    asked = (request.first_month, request.last_month)
    return next((w for w in (grid.window(today, m) for m in grid.MONTH_CHOICES) if w == asked), None)


def _filters_valid(request: FigureRequest) -> bool:
    return (request.audience is None or request.audience in AUDIENCES) and (
        request.contact_kind is None or request.contact_kind in CONTACT_KINDS
    )


async def _comments(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    survey_id: str,
    months: list[dt.date],
    audience: str | None,
    contact_kind: str | None,
    touchpoint_id: int | None,
    practitioner_id: int | None,
    limit: int,
) -> list[queries.Candidate]:
    """Up to `limit` written answers of a slice, from these months only (each shown on its own). The months
    are read one at a time in a fixed order of their own (a hash of team and month, nothing about the
    answers), stopping once there are enough, so a period of two years reads a month or two of free
    text rather than all of it; within a month the order is the query's (a keyed hash, never arrival)."""
    found: list[queries.Candidate] = []
    for month in sorted(months, key=lambda m: hashlib.sha256(f"{team_id}:{m.isoformat()}".encode()).digest()):
        if len(found) >= limit:
            break
        found += await queries.comments(
            conn,
            team_id=team_id,
            months=[month],
            audience=audience,
            contact_kind=contact_kind,
            touchpoint_id=touchpoint_id,
            practitioner_id=practitioner_id,
            limit=limit - len(found),
            survey_id=survey_id,
        )
    return found


def _shown_months(summary: Summary) -> list[dt.date]:
    """Comments come only from months whose own count is shown in this slice."""
    return [p.start for p in summary.periods if p.responses is not None]


async def team_page(
    conn: asyncpg.Connection,
    registry: SurveyRegistry,
    *,
    viewer,
    request: FigureRequest,
    settings,
    rollup: bool = False,
) -> TeamResult:
    team_id = request.team_id
    if team_id is None or not viewer.is_member(team_id) or not _filters_valid(request):
        raise NotAllowed()
    window = _allowed_window(request, settings.today())
    if window is None:
        raise NotAllowed()
    first, last = window
    every = await touchpoint_service.team_touchpoints(conn, team_id=team_id)
    surveys = surveys_asked(registry, every)
    survey_id = chosen_survey(registry, request, surveys)
    touchpoints = [t for t in every if t.survey_id == survey_id]
    allowed = [t for t in touchpoints if filterable(viewer, team_id, t)]
    if request.touchpoint_id is not None and request.touchpoint_id not in {t.id for t in allowed}:
        raise NotAllowed()
    table = await load(conn, registry, team_id=team_id, first=first, last=last, rollup=rollup)
    rules = await rules_for(conn, viewer, team_id, table, settings)
    engine = Engine(table, rules)
    atoms = table.select(
        audience=request.audience,
        contact_kind=request.contact_kind,
        touchpoint_id=request.touchpoint_id,
        survey_id=survey_id,
    )
    unfiltered = request.audience is None and request.contact_kind is None and request.touchpoint_id is None
    sharing = None
    if viewer.manages(team_id) and unfiltered:
        ids = sorted({a.practitioner_id for a in atoms if a.practitioner_id is not None})
        members = {t.practitioner_id for t in touchpoints}
        sharing = [p for p in await queries.sharing(conn, staff_ids=ids) if p.shares_with_manager and p.id in members]
    summary = staff_summary(
        engine,
        registry,
        survey_id=survey_id,
        atoms=atoms,
        first=first,
        last=last,
        k=settings.k_team,
        touchpoints=touchpoints if unfiltered else None,
        sharing=sharing,
        audience=request.audience,
    )
    if not summary.hidden and request.output == "team":
        names = await queries.team_staff_names(conn, team_id=team_id)
        found = await _comments(
            conn,
            team_id=team_id,
            survey_id=survey_id,
            months=_shown_months(summary),
            audience=request.audience,
            contact_kind=request.contact_kind,
            touchpoint_id=request.touchpoint_id,
            practitioner_id=None,
            limit=COMMENTS,
        )
        summary = msgspec.structs.replace(summary, comments=[redact(c.body, staff_names=names).text for c in found])
    return TeamResult(summary, touchpoints if unfiltered else [], allowed, survey_id, surveys)


async def my_feedback(
    conn: asyncpg.Connection,
    registry: SurveyRegistry,
    *,
    viewer,
    request: FigureRequest,
    settings,
    rollup: bool = False,
) -> list[MySection]:
    """Feedback about this practitioner (attributed when it was given), in each of their teams."""
    window = _allowed_window(request, settings.today()) if _filters_valid(request) else None
    if window is None:
        raise NotAllowed()
    first, last = window
    sections, found_touchpoint = [], request.touchpoint_id is None
    for team in viewer.teams.values():
        if request.team_id is not None and team.team_id != request.team_id:
            continue
        theirs = [
            t
            for t in await touchpoint_service.team_touchpoints(conn, team_id=team.team_id)
            if t.practitioner_id == viewer.staff.id
        ]
        surveys = surveys_asked(registry, theirs)
        survey_id = chosen_survey(registry, request, surveys)
        mine = [t for t in theirs if t.survey_id == survey_id]
        if request.touchpoint_id is not None and request.touchpoint_id not in {t.id for t in mine}:
            continue  # the chosen touchpoint is in another team: nothing to show here
        found_touchpoint = True
        table = await load(conn, registry, team_id=team.team_id, first=first, last=last, rollup=rollup)
        engine = Engine(table, await rules_for(conn, viewer, team.team_id, table, settings))
        atoms = table.select(
            audience=request.audience,
            contact_kind=request.contact_kind,
            touchpoint_id=request.touchpoint_id,
            practitioner_id=viewer.staff.id,
            survey_id=survey_id,
        )
        summary = staff_summary(
            engine,
            registry,
            survey_id=survey_id,
            atoms=atoms,
            first=first,
            last=last,
            k=settings.k_practitioner,
            audience=request.audience,
        )
        if not summary.hidden:
            names = await queries.team_staff_names(conn, team_id=team.team_id)
            found = await _comments(
                conn,
                team_id=team.team_id,
                survey_id=survey_id,
                months=_shown_months(summary),
                audience=request.audience,
                contact_kind=request.contact_kind,
                touchpoint_id=request.touchpoint_id,
                practitioner_id=viewer.staff.id,
                limit=COMMENTS,
            )
            summary = msgspec.structs.replace(summary, comments=[redact(c.body, staff_names=names).text for c in found])
        sections.append(MySection(team.team_id, team.team_name, mine, summary, survey_id, surveys))
    if not found_touchpoint:
        raise NotAllowed()
    return sections


# Learning reviews ------------------------------------------------------------------------------------------


class ReviewSlice(msgspec.Struct, frozen=True):
    """Which responses a review reads: a team, whole months, the review's optional focus, and its survey (a
    families' survey: a review is about one)."""

    team_id: int
    first: dt.date
    last: dt.date
    focus_kind: str | None = None
    focus_audience: str | None = None
    survey_id: str = ""


def _share(engine: Engine, question: SummaryQuestion, atoms: list[AtomKey]) -> Share | None:
    found = engine.positive(question, atoms)
    return share(*found) if found else None


def tone(registry: SurveyRegistry, candidate: queries.Candidate) -> str | None:
    """ "positive" or "critical" from the same person's closed answers (more
    positive than negative answers, or the other way); None when even."""
    score = 0
    for question_id, value in candidate.answers.items():
        definition = question_for(registry, candidate.survey_id, candidate.audience, question_id)
        if definition is None or isinstance(definition, Text):
            continue
        key = level(definition, str(value))
        score += 1 if key == "positive" else -1 if key == "negative" else 0
    return "positive" if score > 0 else "critical" if score < 0 else None


def choose_comments(
    candidates: list[queries.Candidate], registry: SurveyRegistry, *, survey_id: str, staff_names: list[str]
) -> list[CommentGroup]:
    """Up to COMMENTS_EACH_WAY positive and as many critical comments per
    question, balanced, redacted, without dates, in an order that says nothing
    about when they were written."""
    labels: dict[str, str] = {}
    loaded = registry.current(survey_id)
    for audience in AUDIENCES:
        variant = loaded.survey.variant(audience) if loaded else None
        for question in variant.questions if variant else []:
            if isinstance(question, Text):
                labels[question.id] = question.text
    by_question: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"positive": [], "critical": []})
    for candidate in candidates:
        if candidate.survey_id != survey_id or not candidate.body.strip():
            continue
        found = tone(registry, candidate)
        side = by_question[candidate.question_id][found] if found else None
        if side is not None and candidate.body.strip() not in side:  # the same words twice say nothing new
            side.append(candidate.body.strip())
    groups = []
    for question_id in sorted(by_question):
        sides = by_question[question_id]
        each = min(COMMENTS_EACH_WAY, max(1, min(len(sides["positive"]), len(sides["critical"]))))
        comments = [
            Comment(side, redact(text, staff_names=staff_names).text)
            for side in ("positive", "critical")
            for text in sorted(sides[side][:each], key=lambda t: hashlib.sha256(t.encode()).digest())
        ]
        if comments:
            groups.append(CommentGroup(question_id, labels.get(question_id, question_id), comments))
    return groups


async def review_summary(
    conn: asyncpg.Connection,
    registry: SurveyRegistry,
    *,
    viewer,
    settings,
    scope: ReviewSlice,
    compare: bool = True,
    comments: bool = True,
) -> ReviewSummary:
    """A learning review's figures for whole months, compared with the same
    number of months immediately before, as this viewer may see them."""
    last = min(scope.last, grid.last_whole_month(settings.today()))
    previous_first, previous_last = grid.previous(scope.first, scope.last)
    table = await load(
        conn, registry, team_id=scope.team_id, first=previous_first if compare else scope.first, last=last
    )
    engine = Engine(table, await rules_for(conn, viewer, scope.team_id, table, settings))
    months = grid.months(scope.first, last)

    def pick(**extra) -> list[AtomKey]:
        options = {
            "contact_kind": scope.focus_kind,
            "audience": scope.focus_audience,
            "survey_id": scope.survey_id,
            **extra,
        }
        return table.select(**options)

    atoms = pick(months=months)
    k = settings.k_team
    start, last_day = scope.first, grid.last_day(scope.last)
    total = engine.value(RESPONSES, atoms)
    if not total:
        return ReviewSummary(start, last_day, k, None, figures=engine.published())
    by_audience = [Cell(a, engine.value(RESPONSES, [x for x in atoms if x.audience == a])) for a in AUDIENCES]
    kinds = sorted({a.contact_kind for a in atoms})
    by_kind = [Cell(kind, engine.value(RESPONSES, [x for x in atoms if x.contact_kind == kind])) for kind in kinds]
    before = pick(months=grid.months(previous_first, previous_last)) if compare else []
    before_total = engine.value(RESPONSES, before) if compare else None
    results, least_heard = [], []
    for question in summary_questions(registry, scope.survey_id):
        row = engine.question_row(question, atoms)
        result = QuestionResult(
            question.id,
            question.text,
            question.is_scale,
            question.options,
            [Cell(c, n) for c, n in zip(question.columns, row)],
            _share(engine, question, atoms),
        )
        if before_total is not None:
            then = _share(engine, question, before)
            result = msgspec.structs.replace(result, previous=then, change=verdict(then, result.share))
        results.append(result)
        if question.id == LISTENED:
            for kind, keys, attribute in (
                ("audience", list(AUDIENCES), "audience"),
                ("contact_kind", kinds, "contact_kind"),
            ):
                for key in keys:
                    group = [a for a in atoms if getattr(a, attribute) == key]
                    found = _share(engine, question, group)
                    if found is not None:
                        least_heard.append(GroupShare(kind, key, found))
    least_heard.sort(key=lambda g: (g.share.value, g.kind, g.key))
    shown = [q for q in results if q.share is not None]
    # What went well, by the summary's own rule: clearly better than the period before (the two
    # 95% intervals do not overlap), never "a high share" on its own.
    went_well = [q for q in shown if q.change == HIGHER]
    groups: list[CommentGroup] = []
    shown_months = [m for m in months if engine.value(RESPONSES, [a for a in atoms if a.month == m]) is not None]
    if comments:
        candidates = await _comments(
            conn,
            team_id=scope.team_id,
            survey_id=scope.survey_id,
            months=shown_months,
            audience=scope.focus_audience,
            contact_kind=scope.focus_kind,
            touchpoint_id=None,
            practitioner_id=None,
            limit=CANDIDATES,
        )
        names = await queries.team_staff_names(conn, team_id=scope.team_id)
        groups = choose_comments(candidates, registry, survey_id=scope.survey_id, staff_names=names)
    return ReviewSummary(
        start,
        last_day,
        k,
        total,
        by_audience,
        by_kind,
        results,
        previous_first if compare else None,
        grid.last_day(previous_last) if compare else None,
        before_total,
        went_well,
        least_heard[:3],
        groups,
        engine.published(),
    )


async def review_slice(conn: asyncpg.Connection, *, review_id: int) -> ReviewSlice | None:
    found = await queries.review_slice(conn, review_id=review_id)
    if found is None:
        return None
    return ReviewSlice(
        found.team_id,
        grid.month_of(found.period_start),
        grid.month_of(found.period_end),
        found.focus_kind,
        found.focus_audience,
        found.survey_id,
    )


def team_request(
    output: str,
    team_id: int,
    today: dt.date,
    *,
    months: int,
    audience: str | None = None,
    contact_kind: str | None = None,
    touchpoint_id: int | None = None,
    survey_id: str | None = None,
) -> FigureRequest:
    first, last = grid.window(today, months if months in grid.MONTH_CHOICES else grid.DEFAULT_MONTHS)
    return FigureRequest(output, team_id, first, last, audience, contact_kind, touchpoint_id, survey_id)


__all__ = [
    "Engine",
    "NotAllowed",
    "ReviewSlice",
    "Table",
    "TeamResult",
    "filterable",
    "load",
    "review_summary",
    "staff_summary",
    "team_request",
    "warm_rollups",
]
