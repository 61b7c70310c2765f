"""What a respondent can do: open a touchpoint, and submit their answers."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from service.safeguarding import service as safeguarding
from service.surveys.answers import CheckedAnswers
from service.surveys.model import LoadedSurvey, Question, Variant
from service.touchpoints import codes
from service.touchpoints import service as touchpoints
from service.touchpoints.service import Touchpoint, find_by_code

from . import queries
from .limits import BurstWatch


class Closed(Exception):
    """The touchpoint cannot take answers: `reason` is unknown, paused, expired or revoked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def open_touchpoint(conn: asyncpg.Connection, *, typed_code: str, today: dt.date) -> Touchpoint:
    code = codes.normalise(typed_code)
    touchpoint = await find_by_code(conn, code=code, today=today) if code else None
    if touchpoint is None:
        raise Closed("unknown")
    if touchpoint.status != "active":
        raise Closed(touchpoint.status)
    return touchpoint


async def touchpoint_for_exit(conn: asyncpg.Connection, *, typed_code: str, today: dt.date) -> Touchpoint | None:
    """The touchpoint behind a code whatever its state (a shared device's staff exit works when it is paused)."""
    code = codes.normalise(typed_code)
    return await find_by_code(conn, code=code, today=today) if code else None


async def exit_pin_matches(conn: asyncpg.Connection, *, touchpoint_id: int, pin: str) -> bool:
    return await touchpoints.exit_pin_matches(conn, touchpoint_id=touchpoint_id, pin=pin)


def audience_allowed(touchpoint: Touchpoint, loaded: LoadedSurvey, audience: str) -> bool:
    if touchpoint.audience is not None and audience != touchpoint.audience:
        return False
    return loaded.survey.variant(audience) is not None


def worded_for(questions: list[Question], contact_kind: str | None) -> list[Question]:
    """The questions as a touchpoint's kind of contact words them (a survey's `text_for`)."""
    return [msgspec.structs.replace(q, text=q.text_at(contact_kind)) if q.text_for else q for q in questions]


def skipping(variants: list[Variant]) -> str:
    """What the welcome page can promise about skipping, from the survey file:
    "any" (nothing is required), "first" (only the first question) or "some"."""
    required = [[i for i, q in enumerate(v.questions) if q.required] for v in variants]
    if not any(required):
        return "any"
    return "first" if all(indexes == [0] for indexes in required) else "some"


async def thanks_key(conn: asyncpg.Connection) -> bytes:
    """The key that signs thank-you addresses (responses/thanks.py), read once at start-up."""
    return await queries.instance_key(conn, name="thanks")


async def already_sent(conn: asyncpg.Connection, *, submission_id: uuid.UUID) -> bool:
    """Whether answers with this submission id were stored."""
    return await queries.submission_stored(conn, submission_id=submission_id)


class Submission(msgspec.Struct, frozen=True):
    submission_id: uuid.UUID
    touchpoint: Touchpoint
    survey: LoadedSurvey
    audience: str
    language: str
    answers: CheckedAnswers
    answered_on: dt.date | None = None  # the device's day, for answers that waited offline (None: today)
    device_id: uuid.UUID | None = None  # a shared device's random id, remembered with the day it last sent


async def answered_day(conn: asyncpg.Connection, submission: Submission, *, today: dt.date, timezone: str) -> dt.date:
    """The day stored with an answer: today, or for one that waited on a device the day the device says it was
    given, never in the future and never outside the days its survey version was current (a device's clock can be
    wrong; a version cannot have been answered before it existed or long after it was replaced)."""
    day = submission.answered_on
    if day is None or day >= today:
        return today
    life = await queries.version_life(
        conn, survey_id=submission.survey.survey.id, version_hash=submission.survey.version_hash, timezone=timezone
    )
    if life is None:
        return today
    starts, ends = life
    return min(max(day, starts), ends or today, today)


async def burst_state(conn: asyncpg.Connection, bursts: BurstWatch, *, touchpoint_id: int, today: dt.date) -> str:
    """'calm', 'starting' (this answer crosses the line) or 'burst': whether this answer
    is part of a flood to its touchpoint. Dates only, nothing about who."""
    count = bursts.count(touchpoint_id, today)
    if bursts.needs_baseline(touchpoint_id):
        bursts.set_baseline(
            touchpoint_id, await queries.touchpoint_baseline(conn, touchpoint_id=touchpoint_id, today=today)
        )
    threshold = bursts.threshold(touchpoint_id)
    return "calm" if count <= threshold else "starting" if count == threshold + 1 else "burst"


class Stored(msgspec.Struct, frozen=True):
    new: bool  # False: this submission was stored before (a double tap or a retry)
    needs_support: bool  # something written may disclose harm: show where help is, now


async def submit_response(
    conn: asyncpg.Connection,
    submission: Submission,
    *,
    today: dt.date,
    bursts: BurstWatch | None = None,
    over_limit: bool = False,
    timezone: str = "Europe/London",
) -> Stored:
    """Store the answers once, in one statement: every written answer goes to the team's
    reading list and free text that may disclose harm to its safeguarding queue with them, or
    nothing is stored. Over the flood limit (`over_limit`) the answer is kept all the same,
    held out of the figures like a burst: it is never refused. An answer that waited on a device is stored with
    the day it was given (`answered_day`) and arrives on the reading list today, like any other."""
    free_text = submission.answers.free_text
    flagged = safeguarding.screen(free_text, submission.language)
    burst = (
        "calm"
        if bursts is None
        else await burst_state(conn, bursts, touchpoint_id=submission.touchpoint.id, today=today)
    )
    response_id = await queries.store_response(
        conn,
        submission_id=submission.submission_id,
        touchpoint_id=submission.touchpoint.id,
        team_id=submission.touchpoint.team_id,
        survey_id=submission.survey.survey.id,
        version_hash=submission.survey.version_hash,
        audience=submission.audience,
        language=submission.language,
        submitted_on=await answered_day(conn, submission, today=today, timezone=timezone),
        arrived_on=today,
        answers=submission.answers.closed,
        free_text=free_text,
        flagged=flagged,
        held=burst != "calm" or over_limit,
        burst_starts=burst == "starting",
    )
    if submission.device_id is not None and submission.touchpoint.shared_device:
        await touchpoints.device_sent(
            conn, touchpoint_id=submission.touchpoint.id, device_id=submission.device_id, today=today
        )
    return Stored(new=response_id is not None, needs_support=bool(flagged))


async def decide_held(
    conn: asyncpg.Connection, *, team_id: int, touchpoint_id: int, day: dt.date, include: bool
) -> None:
    """A manager includes one touchpoint's answers held as a burst on one day in the figures, or keeps them out."""
    await queries.decide_held(conn, team_id=team_id, touchpoint_id=touchpoint_id, day=day, include=include)


async def forget_submission_ids_before(conn: asyncpg.Connection, *, before: dt.date) -> int:
    """Retention: forget the submission ids of responses before a date (their months are dropped)."""
    return await queries.forget_old_submission_ids(conn, before=before)
