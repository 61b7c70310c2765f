"""Learning reviews: intentions and decisions. Start a review, prepare its
summary, record reflections and actions, carry open actions to the next
review, publish "you said, we did", and show across teams which actions were
followed by a clear improvement. No web code: routes call these."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
import msgspec

from service.figures import grid
from service.figures import service as figures
from service.figures.levels import summary_questions
from service.figures.model import Figure, FigureRequest
from service.figures.results import ReviewSummary
from service.i18n import N_, available_tags, language, match_tag
from service.surveys.loading import SurveyRegistry
from service.staff import service as staff
from service.surveys.model import AUDIENCES
from service.touchpoints import service as touchpoint_service
from service.touchpoints.kinds import CONTACT_KINDS

from . import queries
from .queries import Action, EarlierAction, Entry, Review
from .stats import HIGHER, LOWER, NO_CLEAR_CHANGE, NOT_COMPARABLE, Share, verdict

# A review is about one families' survey (reviews.survey_id): its figures, comments and action targets.

# The debrief prompts, in the order a team talks them through. They ask about
# the work and its conditions, never about who is to blame.
PROMPTS: list[tuple[str, str, str]] = [
    ("expected", N_("What did we expect?"), N_("What did we think people would tell us, and why?")),
    ("happened", N_("What happened?"), N_("What does the feedback actually say? Stay with what people told us.")),
    ("made_sense", N_("Why did it make sense to us at the time?"),
     N_("What we did made sense to us when we did it: what did we know, and what were we trying to do?")),
    ("protect", N_("What went well that we should protect?"),
     N_("Which habits, routines or conditions helped, and how do we keep them?")),
    ("in_the_way", N_("What got in the way?"),
     N_("Time, tools, procedures, caseloads, rooms, interpreters: the conditions of the work.")),
    ("try", N_("What will we try?"), N_("Small changes we can make and check at the next review.")),
]
PROMPT_IDS = [p[0] for p in PROMPTS]
ACTION_STATUSES = ("open", "done", "dropped")
MAX_TEXT = 4000
MAX_ENTRY_TEXT = 400
ENTRY_FIELDS = ("you_said", "we_did", "child")
SHOWN_ENTRIES = 3  # on a respondent's page
# A typed percentage could rest on a handful of people: figures come from the review instead.
_TYPED_FIGURE = re.compile(r"\d\s*(%|٪|per\s*cent|percent)|%\s*\d", re.IGNORECASE)


class Invalid(Exception):
    """The form cannot be accepted; `problems` maps field names to message codes (templates word them)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


# Who may do what --------------------------------------------------------------


class Permissions(msgspec.Struct, frozen=True):
    read: bool  # every member of the team
    run: bool  # team managers, and members a manager allowed
    manage: bool  # team managers: who may run reviews


async def permissions(conn: asyncpg.Connection, viewer, team_id: int) -> Permissions:
    manages = viewer.manages(team_id)
    member = viewer.is_member(team_id)
    allowed = member and (manages or viewer.staff.id in await queries.facilitators(conn, team_id=team_id))
    return Permissions(read=member, run=allowed, manage=manages)


async def set_facilitators(conn: asyncpg.Connection, *, team_id: int, staff_ids: list[int], members: list[int],
                           by: int) -> None:
    """Exactly these team members (besides managers) may run reviews from now on."""
    keep = [s for s in staff_ids if s in members]
    await queries.revoke_facilitators(conn, team_id=team_id, keep=keep)
    for staff_id in keep:
        await queries.grant_facilitator(conn, team_id=team_id, staff_id=staff_id, granted_by=by)
    await staff.record(conn, staff_id=by, action="review_facilitators_set", detail={"team_id": team_id, "staff": keep})


async def facilitators(conn: asyncpg.Connection, *, team_id: int) -> set[int]:
    return await queries.facilitators(conn, team_id=team_id)


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


async def start_review(conn: asyncpg.Connection, registry: SurveyRegistry, *, team_id: int, form: ReviewForm,
                       by: int, today: dt.date) -> int:
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
    if problems:
        raise Invalid(problems)
    review_id = await queries.insert_review(conn, team_id=team_id, period_start=first, period_end=grid.last_day(last),
                                            focus_kind=form.focus_kind or None,
                                            focus_audience=form.focus_audience or None, created_by=by,
                                            survey_id=survey_id)
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


def _slice(review: Review, period_start: dt.date | None = None, period_end: dt.date | None = None) -> figures.ReviewSlice:
    """A review's months (or another period's, read with this review's focus, so like is compared with like)."""
    return figures.ReviewSlice(review.team_id, grid.month_of(period_start or review.period_start),
                               grid.month_of(period_end or review.period_end), review.focus_kind, review.focus_audience,
                               review.survey_id)


async def review_page(conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, viewer,
                      settings) -> ReviewPage:
    summary = await figures.review_summary(conn, registry, viewer=viewer, settings=settings, scope=_slice(review))
    actions = await queries.review_actions(conn, review_id=review.id) if review.id else []
    carried, seen = await carried_actions(conn, registry, review=review, summary=summary, viewer=viewer,
                                          settings=settings)
    entries = [e for e in await queries.team_entries(conn, team_id=review.team_id) if e.review_id == review.id]
    return ReviewPage(review, summary, actions, carried, entries, [*summary.figures, *seen])


async def summary_for(conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, viewer,
                      settings) -> ReviewSummary:
    """The review's figures alone (no comments): what a published figure is checked against."""
    return await figures.review_summary(conn, registry, viewer=viewer, settings=settings, scope=_slice(review),
                                        comments=False)


async def carried_actions(conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review,
                          summary: ReviewSummary, viewer, settings) -> tuple[list[CarriedAction], list[Figure]]:
    """Open actions from earlier reviews, each with its target questions then
    (the action's review months) and now (this review's months)."""
    earlier = await queries.earlier_open_actions(conn, team_id=review.team_id, before=review.period_start,
                                                 survey_id=review.survey_id)
    then: dict[figures.ReviewSlice, ReviewSummary] = {}
    carried = []
    for action in earlier:
        scope = _slice(review, action.period_start, action.period_end)
        if scope not in then:
            then[scope] = await figures.review_summary(conn, registry, viewer=viewer, settings=settings, scope=scope,
                                                       compare=False, comments=False)
        carried.append(CarriedAction(action, _feedback(action.target_questions, then[scope], summary)))
    return carried, [f for s in then.values() for f in s.figures]


def _feedback(targets: list[str], before: ReviewSummary, after: ReviewSummary) -> list[TargetFeedback]:
    """Each target question's share then and now, and whether it clearly changed."""
    rows = []
    for question_id in targets:
        old, new = before.question(question_id), after.question(question_id)
        text = (new or old).text if (new or old) else question_id
        old_share = old.share if old else None
        new_share = new.share if new else None
        rows.append(TargetFeedback(question_id, text, old_share, new_share, verdict(old_share, new_share)))
    return rows


async def prepared_review(conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings,
                          request: FigureRequest) -> ReviewPage | None:
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
    unsaved = Review(0, request.team_id, "", request.first_month, grid.last_day(request.last_month),
                     request.contact_kind, request.audience, {}, "", dt.datetime.now(dt.timezone.utc),
                     figures.chosen_survey(registry, request, asked))
    return await review_page(conn, registry, review=unsaved, viewer=viewer, settings=settings)


async def save_reflections(conn: asyncpg.Connection, *, review: Review, fields: dict[str, str], by: int) -> None:
    reflections = {pid: fields.get(f"reflection_{pid}", "").strip()[:MAX_TEXT] for pid in PROMPT_IDS}
    await queries.set_reflections(conn, review_id=review.id, reflections={k: v for k, v in reflections.items() if v})
    await staff.record(conn, staff_id=by, action="review_reflections_saved", detail={"review_id": review.id})


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


class ActionForm(msgspec.Struct, frozen=True):
    what: str
    owner: str = ""
    review_on: str = ""
    target_questions: list[str] = []


async def add_action(conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, form: ActionForm,
                     by: int) -> int:
    known = {q.id for q in summary_questions(registry, review.survey_id)}
    problems = {}
    if not form.what.strip():
        problems["what"] = "action_missing"
    review_on = _date(form.review_on) if form.review_on.strip() else None
    if form.review_on.strip() and review_on is None:
        problems["review_on"] = "date_missing"
    if any(q not in known for q in form.target_questions):
        problems["target_questions"] = "choose"
    if problems:
        raise Invalid(problems)
    action_id = await queries.insert_action(conn, review_id=review.id, team_id=review.team_id,
                                            what=form.what.strip()[:MAX_TEXT], owner=form.owner.strip()[:200],
                                            review_on=review_on, target_questions=list(dict.fromkeys(form.target_questions)))
    await staff.record(conn, staff_id=by, action="review_action_added", detail={"action_id": action_id})
    return action_id


async def action(conn: asyncpg.Connection, *, action_id: int) -> Action | None:
    return await queries.action_by_id(conn, action_id=action_id)


async def set_action_status(conn: asyncpg.Connection, *, action: Action, status: str, by: int) -> None:
    if status not in ACTION_STATUSES:
        raise Invalid({"status": "choose"})
    await queries.set_action_status(conn, action_id=action.id, status=status)
    await staff.record(conn, staff_id=by, action="review_action_status", detail={"action_id": action.id,
                                                                                  "status": status})


# You said, we did ------------------------------------------------------------------


class EntryForm(msgspec.Struct, frozen=True):
    texts: list[tuple[str, dict[str, str]]]  # (language tag, {"you_said", "we_did", "child"}) in the order written
    touchpoint_ids: list[int] | None  # None: every touchpoint of the team
    figure_question: str = ""


def _check_entry(form: EntryForm, team_touchpoints: set[int]) -> tuple[list[str], dict[str, dict[str, str]]]:
    problems: dict[str, str] = {}
    languages: list[str] = []
    texts: dict[str, dict[str, str]] = {}
    for index, (tag, fields) in enumerate(form.texts):
        cleaned = {key: fields.get(key, "").strip() for key in ENTRY_FIELDS}
        if not any(cleaned.values()):
            continue  # an empty language slot
        matched = match_tag(tag)
        if matched is None or matched != tag:
            problems[f"text_{index}_language"] = "choose"
            continue
        if matched in texts:
            problems[f"text_{index}_language"] = "language_twice"
            continue
        for key in ("you_said", "we_did"):
            if not cleaned[key]:
                problems[f"text_{index}_{key}"] = "entry_text_missing"
        for key, value in cleaned.items():
            if len(value) > MAX_ENTRY_TEXT:
                problems[f"text_{index}_{key}"] = "entry_text_too_long"
            elif _TYPED_FIGURE.search(value):
                problems[f"text_{index}_{key}"] = "typed_figure"
        languages.append(matched)
        texts[matched] = {key: value for key, value in cleaned.items() if value}
    if not languages and not problems:
        problems["text_0_you_said"] = "entry_text_missing"
    if form.touchpoint_ids is not None and (not form.touchpoint_ids
                                            or any(t not in team_touchpoints for t in form.touchpoint_ids)):
        problems["touchpoints"] = "choose_touchpoints"
    if problems:
        raise Invalid(problems)
    return languages, texts


async def publish_entry(conn: asyncpg.Connection, *, review: Review, summary: ReviewSummary, form: EntryForm,
                        by: int) -> int:
    """Publish a reply from a review. A figure, if chosen, is taken from the
    review's own summary and refused unless it is shown there (so it rests on
    at least k responses)."""
    touchpoints = {t.id for t in await touchpoint_service.team_touchpoints(conn, team_id=review.team_id)}
    problems: dict[str, str] = {}
    try:
        languages, texts = _check_entry(form, touchpoints)
    except Invalid as error:
        problems = error.problems
    figure = None
    if form.figure_question:
        result = summary.question(form.figure_question)
        figure = result.share if result else None
        if figure is None or figure.whole < summary.k:
            problems["figure_question"] = "figure_hidden"
    if problems:
        raise Invalid(problems)
    entry_id = await queries.insert_entry(
        conn, team_id=review.team_id, review_id=review.id, touchpoint_ids=form.touchpoint_ids, languages=languages,
        texts=texts, figure_question=form.figure_question or None,
        figure_percent=round(figure.value * 100) if figure else None, figure_base=figure.whole if figure else None,
        created_by=by)
    await staff.record(conn, staff_id=by, action="you_said_we_did_published", detail={"entry_id": entry_id})
    return entry_id


async def edit_entry(conn: asyncpg.Connection, *, entry: Entry, form: EntryForm, by: int) -> None:
    touchpoints = {t.id for t in await touchpoint_service.team_touchpoints(conn, team_id=entry.team_id)}
    languages, texts = _check_entry(form, touchpoints)
    await queries.update_entry(conn, entry_id=entry.id, touchpoint_ids=form.touchpoint_ids, languages=languages,
                               texts=texts)
    await staff.record(conn, staff_id=by, action="you_said_we_did_edited", detail={"entry_id": entry.id})


async def set_entry_status(conn: asyncpg.Connection, *, entry: Entry, published: bool, by: int) -> None:
    status = "published" if published else "withdrawn"
    await queries.set_entry_status(conn, entry_id=entry.id, status=status)
    await staff.record(conn, staff_id=by, action=f"you_said_we_did_{status}", detail={"entry_id": entry.id})


async def entry(conn: asyncpg.Connection, *, entry_id: int) -> Entry | None:
    return await queries.entry_by_id(conn, entry_id=entry_id)


async def team_entries(conn: asyncpg.Connection, *, team_id: int) -> list[Entry]:
    return await queries.team_entries(conn, team_id=team_id)


async def team_touchpoints(conn: asyncpg.Connection, *, team_id: int) -> list[touchpoint_service.ManagedTouchpoint]:
    return await touchpoint_service.team_touchpoints(conn, team_id=team_id)


class ShownEntry(msgspec.Struct, frozen=True):
    """An entry as one reader sees it: the texts in one language."""

    id: int
    language: str  # the tag the texts are in
    direction: str
    you_said: str
    we_did: str
    child: str
    figure_question: str | None
    figure_percent: float | None
    figure_base: int | None
    published_on: dt.date


def in_language(entry: Entry, wanted: str) -> ShownEntry:
    """The texts in the reader's language when the team wrote them in it; otherwise in
    the language the entry was first written in (marked with its own language,
    so it is read and read aloud correctly). A reply in another language is
    better than none: the team can always add a translation."""
    tag = wanted if wanted in entry.languages else next(
        (t for t in entry.languages if t.split("-")[0] == wanted.split("-")[0]), entry.languages[0])
    texts = entry.texts[tag]
    return ShownEntry(entry.id, tag, language(tag).direction, texts.get("you_said", ""), texts.get("we_did", ""),
                      texts.get("child", ""), entry.figure_question, entry.figure_percent, entry.figure_base,
                      entry.published_at.date())


async def published_entries(conn: asyncpg.Connection, *, team_id: int, touchpoint_id: int,
                            language: str) -> list[ShownEntry]:
    """For a respondent's welcome and thank-you pages: newest first, in their language where written."""
    entries = await queries.published_for_touchpoint(conn, team_id=team_id, touchpoint_id=touchpoint_id,
                                                     limit=SHOWN_ENTRIES)
    return [in_language(e, language) for e in entries]


def entry_languages() -> list[tuple[str, str]]:
    return [(tag, language(tag).own_name) for tag in available_tags()]


# Across teams --------------------------------------------------------------------------


class FollowedUp(msgspec.Struct, frozen=True):
    action: queries.FollowedAction
    question_id: str
    question_text: str
    before: Share | None
    after: Share | None
    change: str


class QuestionOutcomes(msgspec.Struct, frozen=True):
    question_id: str
    question_text: str
    counts: dict[str, int]  # verdict -> how many actions
    survey_id: str = ""  # question ids are a survey's own: "listened" after a meeting is not "listened" at a review


class Overview(msgspec.Struct, frozen=True):
    outcomes: list[QuestionOutcomes]
    improved: list[FollowedUp]  # alphabetical by action: never a ranking
    waiting: int  # actions whose team has not held its next review yet
    figures: list[Figure] = []


async def followed_actions(conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings) -> Overview:
    """Which actions were followed by a clear improvement on the questions they
    aimed to move: each compared between its review's months and the team's
    next review's months, team figures protected as for any viewer outside the
    team. Counted per question across teams; the improved ones listed by what
    was tried, so a team can ask another how. Never a ranking of teams."""
    cache: dict[figures.ReviewSlice, ReviewSummary] = {}

    async def summary_for(scope: figures.ReviewSlice) -> ReviewSummary:
        if scope not in cache:
            cache[scope] = await figures.review_summary(conn, registry, viewer=viewer, settings=settings, scope=scope,
                                                        compare=False, comments=False)
        return cache[scope]

    outcomes: dict[tuple[str, str], dict[str, int]] = {}
    labels: dict[tuple[str, str], str] = {}
    improved, waiting = [], 0
    for found in await queries.followed_actions(conn):
        if found.next_start is None or found.next_end is None:
            waiting += 1
            continue
        before = await summary_for(figures.ReviewSlice(found.team_id, grid.month_of(found.period_start),
                                                       grid.month_of(found.period_end), found.focus_kind,
                                                       found.focus_audience, found.survey_id))
        after = await summary_for(figures.ReviewSlice(found.team_id, grid.month_of(found.next_start),
                                                      grid.month_of(found.next_end), found.focus_kind,
                                                      found.focus_audience, found.survey_id))
        for row in _feedback(found.target_questions, before, after):
            key = (found.survey_id, row.question_id)
            labels[key] = row.question_text
            tally = outcomes.setdefault(key, {HIGHER: 0, NO_CLEAR_CHANGE: 0, LOWER: 0, NOT_COMPARABLE: 0})
            tally[row.change] += 1
            if row.change == HIGHER:
                improved.append(FollowedUp(found, row.question_id, row.question_text, row.before, row.after,
                                           row.change))
    improved.sort(key=lambda f: (f.action.what.casefold(), f.question_id, f.action.id))
    return Overview([QuestionOutcomes(q, labels[(s, q)], outcomes[(s, q)], s) for s, q in sorted(outcomes)], improved,
                    waiting,
                    [f for s in cache.values() for f in s.figures])


async def you_said_figures(conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings,
                           team_id: int | None) -> list[tuple[Entry, list[Figure]]]:
    """Each of a team's published entries with a figure, and the review figures
    that figure was taken from (the counts of its question), as this viewer sees them."""
    if team_id is None or not viewer.is_member(team_id):
        return []
    found = []
    for entry in await queries.team_entries(conn, team_id=team_id):
        if entry.status != "published" or not entry.figure_question or entry.review_id is None:
            continue
        review = await queries.review_by_id(conn, review_id=entry.review_id)
        if review is None:
            continue
        summary = await summary_for(conn, registry, review=review, viewer=viewer, settings=settings)
        prefix = entry.figure_question + ":"
        found.append((entry, [f for f in summary.figures if f.measure.startswith(prefix)]))
    return found
