"""Debriefs after a piece of work (issue 17).

The rules, in one place:
- any practitioner or manager of a team opens a debrief for it (the name of the
  piece of work and a deadline, never shown to families) and gets an
  invitation link and QR code for everyone involved, partner agencies with no
  Heard account included;
- a person with the link answers once (no name, no account, no time of day);
  the written words go to the team's reading list like every written answer,
  and to the group redacted (names, numbers, addresses);
- the debrief closes when its opener or a team manager closes it, or after its
  deadline day; then everyone with the link, and the team's accounts, read the
  combined answers;
- authorship: each answer shows the agency its writer chose only when 3 or more
  people answered; with fewer, the answers to each question are pooled and
  shuffled by a keyed hash, and no agency is shown (the page says so up front);
- words written under "raise with management" are lessons for the team's next
  learning review, where a manager answers each one (will do / already doing /
  not now, because...); the answer shows on the debrief's results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid

import asyncpg
import msgspec

from service.reading import service as reading
from service.reviews import service as reviews
from service.safeguarding import redact
from service.staff import service as staff
from service.staff.service import Viewer
from service.surveys.answers import CheckedAnswers
from service.surveys.model import PARTNER, Audience
from service.touchpoints import codes
from service.touchpoints import service as touchpoint_service

from . import queries
from .queries import Answer, Debrief, Lesson
from .rules import may_close, may_open, may_respond, may_see, opening_teams  # noqa: F401 (the rules, one place)

SURVEY_ID = "debrief"
AUDIENCE: Audience = PARTNER
ROLE_QUESTION = "role"
RAISE_QUESTION = "raise"
AUTHORSHIP_FROM = 3  # answers shown with their writer's agency only from this many people answering
NAME_MAX = 200
LONGEST_DEADLINE = 90  # days
RESPONSES = ("will_do", "already_doing", "not_now")
BECAUSE_MAX = 2000


class Invalid(Exception):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


# ---------------------------------------------------------------- the rules


# may_open, opening_teams, may_see, may_close, may_respond: service/debriefs/rules.py


# ---------------------------------------------------------------- opening and closing


class OpenForm(msgspec.Struct, frozen=True):
    team_id: str
    name: str
    deadline: str


async def open_debrief(conn: asyncpg.Connection, *, viewer: Viewer, form: OpenForm, today: dt.date) -> int:
    problems = {}
    team_id = int(form.team_id) if form.team_id.isdigit() and form.team_id.isascii() else None
    if team_id is None or not may_open(viewer, team_id):
        problems["team_id"] = "choose"
    name = " ".join(form.name.split())
    if not name:
        problems["name"] = "required"
    elif len(name) > NAME_MAX:
        problems["name"] = "too_long"
    try:
        deadline = dt.date.fromisoformat(form.deadline.strip())
    except ValueError:
        problems["deadline"] = "not_a_date"
    else:
        if not today <= deadline <= today + dt.timedelta(days=LONGEST_DEADLINE):
            problems["deadline"] = "out_of_range"
    if problems or team_id is None:  # (team_id is None only with a problem)
        raise Invalid(problems)
    debrief_id = await queries.insert_debrief(
        conn,
        team_id=team_id,
        code=codes.new_code(),
        name=name,
        deadline=deadline,
        opened_by=viewer.staff.id,
        today=today,
    )
    await staff.record(
        conn,
        staff_id=viewer.staff.id,
        action=f"opened a debrief for {viewer.teams[team_id].team_name}",
        detail={"debrief_id": debrief_id},
    )
    return debrief_id


async def debrief(conn: asyncpg.Connection, *, debrief_id: int, today: dt.date) -> Debrief | None:
    return await queries.debrief_by_id(conn, debrief_id=debrief_id, today=today)


async def by_code(conn: asyncpg.Connection, *, typed_code: str, today: dt.date) -> Debrief | None:
    code = codes.normalise(typed_code)
    return await queries.debrief_by_code(conn, code=code, today=today) if code else None


async def team_debriefs(conn: asyncpg.Connection, *, viewer: Viewer, today: dt.date) -> list[Debrief]:
    return await queries.team_debriefs(conn, team_ids=sorted(viewer.teams), today=today)


async def close(conn: asyncpg.Connection, *, viewer: Viewer, debrief: Debrief) -> bool:
    if not may_close(viewer, debrief):
        return False
    closed = await queries.close_debrief(conn, debrief_id=debrief.id, by=viewer.staff.id)
    if closed:
        await staff.record(
            conn,
            staff_id=viewer.staff.id,
            action="closed a debrief: its group can read the answers",
            detail={"debrief_id": debrief.id},
        )
    return closed


# ---------------------------------------------------------------- answering


async def answer(
    conn: asyncpg.Connection,
    *,
    debrief: Debrief,
    checked: CheckedAnswers,
    submission_id: uuid.UUID,
    language: str,
    today: dt.date,
) -> bool:
    """Store one person's answers once; the words go to the reading list in full and to the group redacted.
    Returns False when this submission was stored before (a double tap or a retry)."""
    role = checked.closed.get(ROLE_QUESTION)
    texts = checked.free_text
    redacted = {question: redact(words).text for question, words in texts.items()}
    answer_id = await queries.insert_answer(
        conn,
        debrief_id=debrief.id,
        submission_id=submission_id,
        role=str(role) if role else None,
        language=language,
        answered_on=today,
        texts=redacted,
    )
    if answer_id is None:
        return False
    if texts:
        touchpoint_id = await touchpoint_service.debrief_touchpoint(conn, team_id=debrief.team_id)
        await reading.add_written_answers(
            conn,
            team_id=debrief.team_id,
            touchpoint_id=touchpoint_id,
            texts=texts,
            audience=AUDIENCE,
            language=language,
            today=today,
        )
    return True


# ---------------------------------------------------------------- reading the answers together


class Said(msgspec.Struct, frozen=True):
    """One person's words to one question."""

    question_id: str
    words: str


class Person(msgspec.Struct, frozen=True):
    role: str | None  # shown only when 3 or more answered
    said: list[Said]


class Results(msgspec.Struct, frozen=True):
    answered: int
    authorship: bool  # whether each person's answers show together, with their agency
    people: list[Person]  # when authorship: one per person, in a keyed-hash order
    pooled: dict[str, list[str]]  # otherwise: question id -> everyone's words, each list in a keyed-hash order
    lessons: list[Lesson]  # raised with management, with any response


def _lessons(debrief: Debrief, answers: list[Answer]) -> list[Lesson]:
    return [
        Lesson(a.id, debrief.id, debrief.name, a.texts[RAISE_QUESTION], debrief.closes_on, a.response, a.because)
        for a in answers
        if a.texts.get(RAISE_QUESTION)
    ]


def combine(debrief: Debrief, answers: list[Answer], question_ids: list[str], key: bytes) -> Results:
    """The group's view; `answers` come in a keyed-hash order, so no order here follows arrival."""
    texts = [q for q in question_ids if q != ROLE_QUESTION]
    if len(answers) >= AUTHORSHIP_FROM:
        people = [Person(a.role, [Said(q, a.texts[q]) for q in texts if a.texts.get(q)]) for a in answers]
        return Results(len(answers), True, people, {}, _lessons(debrief, answers))
    pooled = {}
    for q in texts:
        words = [a.texts[q] for a in answers if a.texts.get(q)]
        # A second shuffle per question, so the same person is not first (or last) everywhere.
        pooled[q] = sorted(words, key=lambda w: _keyed(key, str(debrief.id), q, w))
    return Results(len(answers), False, [], pooled, _lessons(debrief, answers))


def _keyed(key: bytes, *parts: str) -> str:
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


async def results(conn: asyncpg.Connection, *, debrief: Debrief, question_ids: list[str]) -> Results | None:
    """The combined answers, once the debrief is closed (None before)."""
    if not debrief.closed:
        return None
    key = await queries.shuffle_key(conn)
    return combine(debrief, await queries.answers(conn, debrief_id=debrief.id, key=key), question_ids, key)


# ---------------------------------------------------------------- raised lessons, the review and the team page


class Waiting(msgspec.Struct, frozen=True):
    lesson: Lesson
    days: int  # since it was raised


async def waiting(conn: asyncpg.Connection, *, team_id: int, today: dt.date) -> list[Waiting]:
    """Raised lessons no manager has answered yet, oldest first, with how long they have waited."""
    lessons = await queries.raised_waiting(conn, team_id=team_id, today=today)
    return [Waiting(lesson, max((today - lesson.raised_on).days, 0)) for lesson in lessons]


class ReviewLessons(msgspec.Struct, frozen=True):
    waiting: list[Waiting]
    answered: list[Lesson]  # answered in this review


async def for_review(conn: asyncpg.Connection, *, team_id: int, review_id: int, today: dt.date) -> ReviewLessons:
    return ReviewLessons(
        await waiting(conn, team_id=team_id, today=today), await queries.responded_in_review(conn, review_id=review_id)
    )


async def review_team(conn: asyncpg.Connection, *, review_id: int) -> int | None:
    found = await reviews.review(conn, review_id=review_id)
    return found.team_id if found else None


async def respond_in_review(
    conn: asyncpg.Connection,
    *,
    viewer: Viewer,
    review_id: int,
    review_team_id: int,
    answer_id: int,
    response: str,
    because: str,
    today: dt.date,
) -> tuple[dict[str, str], Lesson | None]:
    """respond(), from the learning review's form: ({}, None) once saved, else what to correct and the lesson
    to show again (nothing of it kept). A lesson that is not this review's team's raises Invalid({"lesson": ...})."""
    try:
        async with conn.transaction():
            await respond(
                conn,
                viewer=viewer,
                review_id=review_id,
                review_team_id=review_team_id,
                answer_id=answer_id,
                response=response,
                because=because,
                today=today,
            )
    except Invalid as error:
        if "lesson" in error.problems:
            raise
        lessons = await for_review(conn, team_id=review_team_id, review_id=review_id, today=today)
        return error.problems, next((w.lesson for w in lessons.waiting if w.lesson.answer_id == answer_id), None)
    return {}, None


async def respond(
    conn: asyncpg.Connection,
    *,
    viewer: Viewer,
    review_id: int,
    review_team_id: int,
    answer_id: int,
    response: str,
    because: str,
    today: dt.date,
) -> None:
    """A manager answers a raised lesson in the team's learning review; the group sees it on the results."""
    found = await queries.lesson(conn, answer_id=answer_id, today=today)
    if found is None or found.team_id != review_team_id or not found.closed or not found.lesson:
        raise Invalid({"lesson": "unknown"})
    if not may_respond(viewer, found.team_id):
        raise Invalid({"lesson": "not_manager"})
    because = because.strip()
    if response not in RESPONSES:
        raise Invalid({f"response_{answer_id}": "choose"})
    if response == "not_now" and not because:
        raise Invalid({f"because_{answer_id}": "required"})
    if len(because) > BECAUSE_MAX:
        raise Invalid({f"because_{answer_id}": "too_long"})
    await queries.respond(
        conn,
        answer_id=answer_id,
        review_id=review_id,
        response=response,
        because=because,
        by=viewer.staff.id,
        today=today,
    )
    await staff.record(
        conn,
        staff_id=viewer.staff.id,
        action=f"responded to a lesson raised in a debrief: {response}",
        detail={"debrief_id": found.debrief_id, "answer_id": answer_id, "review_id": review_id},
    )
