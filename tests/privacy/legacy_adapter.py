"""The figures today's two engines publish, as the differencing audit reads
them. Deleted with those engines when the figures engine lands.

`service/insights/service.summary` (the practitioner's page, the team page
with its touchpoint and audience filters and week windows, and the CSV) and
`service/reviews/summary.review_summary` (learning reviews for any days, with
a contact kind or audience focus; page, print and Markdown show the same
counts) publish exact counts. Each count shown becomes a Figure (noise 0) over
day-sized atoms: the engines accept periods that start and end on any day, so
the finest cell they can tell apart is a day. Percentages, trends and shares
are left out (they are ratios; leaving them out only makes the audit find
less), as is the order comments are chosen in.

The calls mirror what the routes pass (service/insights/routes.py
`_team_summary` and `my_feedback`, service/reviews/routes.py), with the
viewer's real permissions (`filterable`, `Viewer.manages`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

import asyncpg

from service.insights.export import summary_csv
from service.insights.levels import question_for, level, summary_questions
from service.insights.queries import Filter, team_touchpoints
from service.insights.routes import filterable
from service.insights.service import WEEK_CHOICES, summary
from service.reviews.queries import Scope
from service.reviews.summary import review_summary
from service.surveys.loading import SurveyRegistry
from service.surveys.model import AUDIENCES
from tests.privacy.differencing import AtomKey, Figure

SURVEY_ID = "after-meeting"
HIDDEN = "hidden"


class Universe:
    """Every day-sized atom of a team that could hold a response (each
    touchpoint on every day, in each audience it can be answered in), and the
    true count of every measure in each."""

    def __init__(self, atoms: list[AtomKey], truth: dict[tuple[AtomKey, str], int], measures: list[str]) -> None:
        self.atoms = atoms
        self.truth = truth
        self.measures = measures

    def select(self, *, start: dt.date, end: dt.date, touchpoint: int | None = None, practitioner: int | None = None,
               audience: str | None = None, kind: str | None = None) -> frozenset[AtomKey]:
        """Atoms with a day in [start, end) matching the filters (None: any)."""
        return frozenset(a for a in self.atoms if start <= a.month < end
                         and (touchpoint is None or a.touchpoint_id == touchpoint)
                         and (practitioner is None or a.practitioner_id == practitioner)
                         and (audience is None or a.audience == audience)
                         and (kind is None or a.contact_kind == kind))


async def universe(conn: asyncpg.Connection, registry: SurveyRegistry, *, team_id: int, first: dt.date,
                   last: dt.date) -> Universe:
    questions = summary_questions(registry, SURVEY_ID)
    touchpoints = await team_touchpoints(conn, team_id=team_id)
    rows = await conn.fetch(
        "select r.touchpoint_id, r.audience, r.submitted_on, r.answers from responses r "
        "join touchpoints t on t.id = r.touchpoint_id where t.team_id = $1 and not r.held and r.survey_id = $2",
        team_id, SURVEY_ID)
    seen_audiences: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        seen_audiences[row["touchpoint_id"]].add(row["audience"])
    atoms, index = [], {}
    day = first
    while day <= last:
        for t in touchpoints:
            for audience in ([t.audience] if t.audience else list(AUDIENCES)) + sorted(seen_audiences[t.id] - {t.audience}):
                if (t.id, day, audience) in index:
                    continue
                atom = AtomKey(team_id, day, t.id, t.practitioner_id, t.contact_kind, audience, SURVEY_ID)
                index[(t.id, day, audience)] = atom
                atoms.append(atom)
        day += dt.timedelta(days=1)
    truth: dict[tuple[AtomKey, str], int] = defaultdict(int)
    for row in rows:
        atom = index.get((row["touchpoint_id"], row["submitted_on"], row["audience"]))
        if atom is None:
            continue
        truth[(atom, "responses")] += 1
        answers = row["answers"] if isinstance(row["answers"], dict) else {}
        for question in questions:
            definition = question_for(registry, SURVEY_ID, row["audience"], question.id)
            value = answers.get(question.id)
            key = level(definition, str(value)) if definition is not None and value is not None else None
            column = key if key in question.columns[:-1] else question.columns[-1]
            truth[(atom, f"{question.id}:{column}")] += 1
    measures = ["responses"] + [f"{q.id}:{c}" for q in questions for c in q.columns]
    return Universe(atoms, dict(truth), measures)


class Collected:
    """Figures a role obtained, each with a readable label."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.labels: list[str] = []

    def add(self, label: str, measure: str, atoms: frozenset[AtomKey], value: int | None) -> None:
        self.figures.append(Figure(measure, atoms, value, 0))
        self.labels.append(label)

    def extend(self, other: "Collected") -> None:
        self.figures += other.figures
        self.labels += other.labels


def _window_label(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()}..{(end - dt.timedelta(days=1)).isoformat()}"


async def team_page(conn: asyncpg.Connection, registry: SurveyRegistry, world: Universe, out: Collected, *,
                    viewer, team_id: int, today: dt.date, weeks: int, k_team: int, k_practitioner: int,
                    touchpoint: int | None = None, audience: str | None = None, csv_export: bool = False) -> None:
    """/staff/teams/<id>?touchpoint=&audience=&weeks= (or its export.csv), as the route computes it."""
    touchpoints = await team_touchpoints(conn, team_id=team_id)
    chosen = next((t for t in touchpoints if t.id == touchpoint), None)
    if touchpoint is not None and (chosen is None or not filterable(viewer, team_id, chosen)):
        return  # the route refuses it
    unfiltered = touchpoint is None and audience is None
    one_person = chosen is not None and chosen.practitioner_id is not None
    k = k_practitioner if one_person else k_team
    result = await summary(conn, registry, scope=Filter(team_id=team_id, touchpoint_id=touchpoint, audience=audience),
                           today=today, k=k, weeks=weeks,
                           touchpoint_ids=[t.id for t in touchpoints] if unfiltered else None,
                           breakdown_k=k_practitioner if viewer.manages(team_id) and unfiltered else None)
    start, end = result.window.start, result.window.end
    where = dict(start=start, end=end, touchpoint=touchpoint, audience=audience)
    name = (f"{'CSV' if csv_export else 'team page'} {weeks}w {_window_label(start, end)}"
            f"{f' touchpoint={touchpoint}' if touchpoint else ''}{f' audience={audience}' if audience else ''}")
    if csv_export:
        _from_csv(summary_csv(result, team_name="team", hidden_label=HIDDEN), world, out, name, where)
        return
    out.add(f"{name}: responses", "responses", world.select(**where), result.responses)
    if result.hidden:
        return
    for cell in result.by_audience:
        if audience is None or cell.key == audience:  # the other audiences are empty by the filter
            out.add(f"{name}: audience {cell.key}", "responses", world.select(**{**where, "audience": cell.key}),
                    cell.count)
    for cell in result.by_touchpoint:
        out.add(f"{name}: touchpoint {cell.key}", "responses", world.select(**{**where, "touchpoint": int(cell.key)}),
                cell.count)
    for view in result.questions:
        for cell in view.cells:
            out.add(f"{name}: {view.question.id} {cell.key}", f"{view.question.id}:{cell.key}", world.select(**where),
                    cell.count)
    for row in result.breakdown or []:
        out.add(f"{name}: shared practitioner {row.practitioner_id}", "responses",
                world.select(start=start, end=end, practitioner=row.practitioner_id), row.responses)


def _from_csv(text: str, world: Universe, out: Collected, name: str, where: dict) -> None:
    for row in list(csv.DictReader(io.StringIO(text))):
        count = None if row["count"] == HIDDEN else int(row["count"])
        if row["figure"] == "responses":
            out.add(f"{name}: responses", "responses", world.select(**where), count)
        elif row["figure"] == "responses by audience" and where["audience"] in (None, row["group"]):
            out.add(f"{name}: audience {row['group']}", "responses",
                    world.select(**{**where, "audience": row["group"]}), count)
        elif row["figure"].startswith("question "):
            question = row["figure"].removeprefix("question ")
            out.add(f"{name}: {question} {row['group']}", f"{question}:{row['group']}", world.select(**where), count)


async def my_feedback(conn: asyncpg.Connection, registry: SurveyRegistry, world: Universe, out: Collected, *,
                      viewer, team_id: int, today: dt.date, weeks: int, k_practitioner: int,
                      touchpoint: int | None = None, audience: str | None = None) -> None:
    """/staff/me?touchpoint=&audience=&weeks=: the practitioner's own touchpoints, at the practitioner's k."""
    scope = Filter(team_id=team_id, practitioner_id=viewer.staff.id, touchpoint_id=touchpoint, audience=audience)
    result = await summary(conn, registry, scope=scope, today=today, k=k_practitioner, weeks=weeks)
    start, end = result.window.start, result.window.end
    where = dict(start=start, end=end, practitioner=viewer.staff.id, touchpoint=touchpoint, audience=audience)
    name = (f"my feedback {weeks}w {_window_label(start, end)}"
            f"{f' touchpoint={touchpoint}' if touchpoint else ''}{f' audience={audience}' if audience else ''}")
    out.add(f"{name}: responses", "responses", world.select(**where), result.responses)
    if result.hidden:
        return
    for cell in result.by_audience:
        if audience is None or cell.key == audience:
            out.add(f"{name}: audience {cell.key}", "responses", world.select(**{**where, "audience": cell.key}),
                    cell.count)
    for view in result.questions:
        for cell in view.cells:
            out.add(f"{name}: {view.question.id} {cell.key}", f"{view.question.id}:{cell.key}", world.select(**where),
                    cell.count)


async def review(conn: asyncpg.Connection, registry: SurveyRegistry, world: Universe, out: Collected, *,
                 team_id: int, first: dt.date, last: dt.date, k_team: int, focus_kind: str | None = None,
                 focus_audience: str | None = None) -> None:
    """A learning review of first..last (any days) with its focus: the counts its page, print view and
    Markdown export show."""
    end = last + dt.timedelta(days=1)
    result = await review_summary(conn, registry, scope=Scope(team_id, first, end, focus_kind, focus_audience),
                                  k=k_team, comments=False)
    where = dict(start=first, end=end, kind=focus_kind, audience=focus_audience)
    name = (f"review {first.isoformat()}..{last.isoformat()}{f' focus {focus_kind}' if focus_kind else ''}"
            f"{f' focus {focus_audience}' if focus_audience else ''}")
    out.add(f"{name}: responses", "responses", world.select(**where), result.responses)
    if result.hidden:
        return
    for cell in result.by_audience:
        if focus_audience is None or cell.key == focus_audience:
            out.add(f"{name}: audience {cell.key}", "responses", world.select(**{**where, "audience": cell.key}),
                    cell.count)
    for cell in result.by_kind:
        if focus_kind is None or cell.key == focus_kind:
            out.add(f"{name}: kind {cell.key}", "responses", world.select(**{**where, "kind": cell.key}), cell.count)
    for question in result.questions:
        for cell in question.cells:
            out.add(f"{name}: {question.id} {cell.key}", f"{question.id}:{cell.key}", world.select(**where),
                    cell.count)


__all__ = ["WEEK_CHOICES", "Collected", "Universe", "my_feedback", "review", "team_page", "universe"]
