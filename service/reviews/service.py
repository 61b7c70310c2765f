"""Learning reviews themselves: start a review, prepare its summary of what
families said (through the figures engine), the open actions carried from
earlier reviews with how their target questions moved, and the team's
reflections. Actions (actions.py), "you said, we did" (you_said.py) and the
overview across teams (overview.py) have their own modules; who may do what
is in rules.py. No web code: routes call these."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.figures import grid
from service.figures import service as figures
from service.figures.model import Figure, FigureRequest
from service.figures.results import ReviewSummary
from service.i18n import N_
from service.staff import service as staff
from service.surveys.loading import SurveyRegistry
from service.surveys.model import AUDIENCES
from service.touchpoints import service as touchpoint_service
from service.touchpoints.kinds import CONTACT_KINDS

from . import queries
from .queries import Action, EarlierAction, Entry, Review
from .rules import permissions
from .stats import Share, verdict

# A review is about one families' survey (reviews.survey_id): its figures, comments and action targets.

# The debrief prompts, in the order a team talks them through. They ask about
# the work and its conditions, never about who is to blame.
PROMPTS: list[tuple[str, str, str]] = [
    ("expected", N_("What did we expect?"), N_("What did we think people would tell us, and why?")),
    ("happened", N_("What happened?"), N_("What does the feedback actually say? Stay with what people told us.")),
    (
        "made_sense",
        N_("Why did it make sense to us at the time?"),
        N_("What we did made sense to us when we did it: what did we know, and what were we trying to do?"),
    ),
    (
        "protect",
        N_("What went well that we should protect?"),
        N_("Which habits, routines or conditions helped, and how do we keep them?"),
    ),
    (
        "in_the_way",
        N_("What got in the way?"),
        N_("Time, tools, procedures, caseloads, rooms, interpreters: the conditions of the work."),
    ),
    ("try", N_("What will we try?"), N_("Small changes we can make and check at the next review.")),
]
PROMPT_IDS = [p[0] for p in PROMPTS]
MAX_TEXT = 4000


class Invalid(Exception):
    """The form cannot be accepted; `problems` maps field names to message codes (templates word them)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


# Starting a review -------------------------------------------------------------


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last REVIEW_MONTHS whole months: (first month, last month)."""
    return grid.window(today, grid.REVIEW_MONTHS)


class ReviewForm(msgspec.Struct, frozen=True):
    first_month: str  # "2026-09"; a day ("2026-09-14") means its month
    last_month: str
    focus_kind: str = ""
    focus_audience: str = ""
    survey_id: str = ""  # a families' survey; empty where the team asks one (or there is only one)


async def team_surveys(conn: asyncpg.Connection, registry: SurveyRegistry, *, team_id: int) -> list[str]:
    """The families' surveys a review of this team can be about: those its touchpoints ask, first asked first (a
    team that asks none yet: the first families' survey, whose figures it would read as empty as any other's)."""
    asked = figures.surveys_asked(registry, await touchpoint_service.team_touchpoints(conn, team_id=team_id))
    return asked or registry.family_survey_ids()[:1]


async def start_review(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, team_id: int, form: ReviewForm, by: int, today: dt.date
) -> int:
    """A review covers whole calendar months that have ended: nobody chooses a period's edges to the day."""
    first, last = grid.parse_month(form.first_month), grid.parse_month(form.last_month)
    problems = {}
    surveys = await team_surveys(conn, registry, team_id=team_id)
    survey_id = form.survey_id or (surveys[0] if len(surveys) == 1 else "")
    if survey_id not in registry.family_survey_ids():
        problems["survey_id"] = "choose"
    if first is None:
        problems["first_month"] = "month_missing"
    elif first < grid.add_months(grid.last_whole_month(today), -(grid.OLDEST_MONTHS - 1)):
        problems["first_month"] = "month_too_early"
    if last is None:
        problems["last_month"] = "month_missing"
    elif last > grid.last_whole_month(today):
        problems["last_month"] = "period_not_ended"
    if first and last and last < first:
        problems["last_month"] = "period_backwards"
    if form.focus_kind and form.focus_kind not in CONTACT_KINDS:
        problems["focus_kind"] = "choose"
    if form.focus_audience and form.focus_audience not in AUDIENCES:
        problems["focus_audience"] = "choose"
    if problems or first is None or last is None:
        raise Invalid(problems)
    review_id = await queries.insert_review(
        conn,
        team_id=team_id,
        period_start=first,
        period_end=grid.last_day(last),
        focus_kind=form.focus_kind or None,
        focus_audience=form.focus_audience or None,
        created_by=by,
        survey_id=survey_id,
    )
    await staff.record(conn, staff_id=by, action="review_started", detail={"review_id": review_id})
    return review_id


async def review(conn: asyncpg.Connection, *, review_id: int) -> Review | None:
    return await queries.review_by_id(conn, review_id=review_id)


async def team_reviews(conn: asyncpg.Connection, *, team_id: int) -> list[Review]:
    return await queries.team_reviews(conn, team_id=team_id)


# The review page ----------------------------------------------------------------


class TargetFeedback(msgspec.Struct, frozen=True):
    """How a question an action aimed to move did: then (the action's review) and now."""

    question_id: str
    question_text: str
    before: Share | None
    after: Share | None
    change: str


class CarriedAction(msgspec.Struct, frozen=True):
    action: EarlierAction
    feedback: list[TargetFeedback]


class ReviewPage(msgspec.Struct, frozen=True):
    review: Review
    summary: ReviewSummary
    actions: list[Action]
    carried: list[CarriedAction]
    entries: list[Entry]
    figures: list[Figure] = []  # every figure the page shows: the summary's and the carried actions'


def _slice(
    review: Review, period_start: dt.date | None = None, period_end: dt.date | None = None
) -> figures.ReviewSlice:
    """A review's months (or another period's, read with this review's focus, so like is compared with like)."""
    return figures.ReviewSlice(
        review.team_id,
        grid.month_of(period_start or review.period_start),
        grid.month_of(period_end or review.period_end),
        review.focus_kind,
        review.focus_audience,
        review.survey_id,
    )


async def review_page(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, viewer, settings
) -> ReviewPage:
    summary = await figures.review_summary(conn, registry, viewer=viewer, settings=settings, scope=_slice(review))
    actions = await queries.review_actions(conn, review_id=review.id) if review.id else []
    carried, seen = await carried_actions(
        conn, registry, review=review, summary=summary, viewer=viewer, settings=settings
    )
    entries = await queries.review_entries(conn, review_id=review.id) if review.id else []
    return ReviewPage(review, summary, actions, carried, entries, [*summary.figures, *seen])


async def summary_for(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, viewer, settings
) -> ReviewSummary:
    """The review's figures alone (no comments): what a published figure is checked against."""
    return await figures.review_summary(
        conn, registry, viewer=viewer, settings=settings, scope=_slice(review), comments=False
    )


async def carried_actions(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, summary: ReviewSummary, viewer, settings
) -> tuple[list[CarriedAction], list[Figure]]:
    """Open actions from earlier reviews, each with its target questions then
    (the action's review months) and now (this review's months)."""
    earlier = await queries.earlier_open_actions(
        conn, team_id=review.team_id, before=review.period_start, survey_id=review.survey_id
    )
    then: dict[figures.ReviewSlice, ReviewSummary] = {}
    carried = []
    for action in earlier:
        scope = _slice(review, action.period_start, action.period_end)
        if scope not in then:
            then[scope] = await figures.review_summary(
                conn, registry, viewer=viewer, settings=settings, scope=scope, compare=False, comments=False
            )
        carried.append(CarriedAction(action, target_feedback(action.target_questions, then[scope], summary)))
    return carried, [f for s in then.values() for f in s.figures]


def target_feedback(targets: list[str], before: ReviewSummary, after: ReviewSummary) -> list[TargetFeedback]:
    """Each target question's share then and now, and whether it clearly changed."""
    rows = []
    for question_id in targets:
        old, new = before.question(question_id), after.question(question_id)
        either = new or old
        text = either.text if either else question_id
        old_share = old.share if old else None
        new_share = new.share if new else None
        rows.append(TargetFeedback(question_id, text, old_share, new_share, verdict(old_share, new_share)))
    return rows


async def prepared_review(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings, request: FigureRequest
) -> ReviewPage | None:
    """A saved review as this viewer may read it, or (no review id) one they
    could start for these months and focus. None when they may not."""
    if request.review_id is not None:
        found = await queries.review_by_id(conn, review_id=request.review_id)
        if found is None or not (await permissions(conn, viewer, found.team_id)).read:
            return None
        return await review_page(conn, registry, review=found, viewer=viewer, settings=settings)
    if request.team_id is None or request.first_month is None or request.last_month is None:
        return None
    if not (await permissions(conn, viewer, request.team_id)).run:
        return None
    if request.last_month > grid.last_whole_month(settings.today()) or request.last_month < request.first_month:
        return None
    asked = figures.surveys_asked(registry, await touchpoint_service.team_touchpoints(conn, team_id=request.team_id))
    unsaved = Review(
        0,
        request.team_id,
        "",
        request.first_month,
        grid.last_day(request.last_month),
        request.contact_kind,
        request.audience,
        {},
        "",
        dt.datetime.now(dt.UTC),
        figures.chosen_survey(registry, request, asked),
    )
    return await review_page(conn, registry, review=unsaved, viewer=viewer, settings=settings)


async def save_reflections(conn: asyncpg.Connection, *, review: Review, fields: dict[str, str], by: int) -> None:
    reflections = {pid: fields.get(f"reflection_{pid}", "").strip()[:MAX_TEXT] for pid in PROMPT_IDS}
    await queries.set_reflections(conn, review_id=review.id, reflections={k: v for k, v in reflections.items() if v})
    await staff.record(conn, staff_id=by, action="review_reflections_saved", detail={"review_id": review.id})
