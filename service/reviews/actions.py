"""The actions a learning review agrees: what the team will try, who owns it,
when it is checked, which family-feedback questions it should move, and where
it came from: what families said, a debrief, or the team's culture pulse. A
lesson a debrief raised with management and a manager answered "will do" is
offered as an action, prefilled; each lesson gets at most one action."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.debriefs import service as debriefs
from service.debriefs.service import Lesson
from service.figures.levels import summary_questions
from service.staff import service as staff
from service.surveys.loading import SurveyRegistry

from . import queries
from .queries import Action, Review
from .service import MAX_TEXT, Invalid

# Where an action came from, in the order the review reads its sources.
SOURCES = ("families", "debrief", "culture")
ACTION_STATUSES = ("open", "done", "dropped")
LESSON_CHOICE = "lesson-"  # the form's source value for one raised lesson: "lesson-<debrief answer id>"


class ActionForm(msgspec.Struct, frozen=True):
    what: str
    owner: str = ""
    review_on: str = ""
    target_questions: list[str] = []
    source: str = "families"  # one of SOURCES, or LESSON_CHOICE + a debrief answer id


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _lesson_id(source: str) -> int | None:
    tail = source.removeprefix(LESSON_CHOICE)
    return int(tail) if source.startswith(LESSON_CHOICE) and tail.isascii() and tail.isdigit() else None


async def _source(conn: asyncpg.Connection, *, review: Review, source: str) -> tuple[str, int | None] | None:
    """(source, lesson id) as chosen on the form, or None when it isn't one the review offers: a lesson must
    have been answered in this review (so it was raised in one of this team's debriefs)."""
    if source in SOURCES:
        return source, None
    lesson_id = _lesson_id(source)
    lessons = await debriefs.for_review(conn, team_id=review.team_id, review_id=review.id, today=dt.date.today())
    if lesson_id is None or lesson_id not in {lesson.answer_id for lesson in lessons.answered}:
        return None
    return "debrief", lesson_id


async def add_action(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, form: ActionForm, by: int
) -> int:
    """The new action's id; for a lesson that already has an action, that action's id (nothing added twice)."""
    known = {q.id for q in summary_questions(registry, review.survey_id)}
    problems = {}
    if not form.what.strip():
        problems["what"] = "action_missing"
    review_on = _date(form.review_on) if form.review_on.strip() else None
    if form.review_on.strip() and review_on is None:
        problems["review_on"] = "date_missing"
    if any(q not in known for q in form.target_questions):
        problems["target_questions"] = "choose"
    source = await _source(conn, review=review, source=form.source)
    if source is None:
        problems["source"] = "choose"
    if problems or source is None:
        raise Invalid(problems)
    kind, lesson_id = source
    action_id = await queries.insert_action(
        conn,
        review_id=review.id,
        team_id=review.team_id,
        what=form.what.strip()[:MAX_TEXT],
        owner=form.owner.strip()[:200],
        review_on=review_on,
        target_questions=list(dict.fromkeys(form.target_questions)),
        source=kind,
        lesson_answer_id=lesson_id,
    )
    if action_id is None:  # the lesson already has its action (the form sent twice, or answered twice)
        existing = await queries.action_for_lesson(conn, lesson_answer_id=lesson_id) if lesson_id else None
        if existing is None:  # only a lesson's action is ever not inserted
            raise LookupError("an action was neither added nor found")
        return existing
    await staff.record(
        conn,
        staff_id=by,
        action="review_action_added",
        detail={"action_id": action_id, "source": kind, "lesson_answer_id": lesson_id},
    )
    return action_id


async def action(conn: asyncpg.Connection, *, action_id: int) -> Action | None:
    return await queries.action_by_id(conn, action_id=action_id)


async def set_action_status(conn: asyncpg.Connection, *, action: Action, status: str, by: int) -> None:
    if status not in ACTION_STATUSES:
        raise Invalid({"status": "choose"})
    await queries.set_action_status(conn, action_id=action.id, status=status)
    await staff.record(
        conn, staff_id=by, action="review_action_status", detail={"action_id": action.id, "status": status}
    )


def by_source(actions: list[Action]) -> list[tuple[str, list[Action]]]:
    """The actions grouped by where they came from, in SOURCES order; sources with none left out."""
    return [(s, found) for s in SOURCES if (found := [a for a in actions if a.source == s])]


async def lessons_to_act_on(conn: asyncpg.Connection, *, team_id: int, answered: list[Lesson]) -> list[Lesson]:
    """Lessons answered "will do" in this review that have no action yet: each is offered as one, prefilled."""
    acted = await queries.lessons_acted_on(conn, team_id=team_id)
    return [lesson for lesson in answered if lesson.response == "will_do" and lesson.answer_id not in acted]
