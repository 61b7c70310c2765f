"""You said, we did: a team's reply to the people who gave feedback, written
in a review in one or more languages, shown on respondents' welcome and
thank-you pages (newest first, in their language where written), with at
most one figure taken from the review's own summary (never typed). No web
code: routes call these."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
import msgspec

from service.figures.model import Figure
from service.figures.results import ReviewSummary
from service.i18n import available_tags, language, match_tag
from service.staff import service as staff
from service.surveys.loading import SurveyRegistry
from service.touchpoints import service as touchpoint_service

from . import queries
from .queries import Entry, Review
from .rules import may_read_you_said_figures
from .service import Invalid, summary_for

MAX_ENTRY_TEXT = 400
ENTRY_FIELDS = ("you_said", "we_did", "child")
SHOWN_ENTRIES = 3  # on a respondent's page
# A typed percentage could rest on a handful of people: figures come from the review instead.
_TYPED_FIGURE = re.compile(r"\d\s*(%|٪|per\s*cent|percent)|%\s*\d", re.IGNORECASE)


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
    if form.touchpoint_ids is not None and (
        not form.touchpoint_ids or any(t not in team_touchpoints for t in form.touchpoint_ids)
    ):
        problems["touchpoints"] = "choose_touchpoints"
    if problems:
        raise Invalid(problems)
    return languages, texts


async def publish_entry(
    conn: asyncpg.Connection, *, review: Review, summary: ReviewSummary, form: EntryForm, by: int
) -> int:
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
        conn,
        team_id=review.team_id,
        review_id=review.id,
        touchpoint_ids=form.touchpoint_ids,
        languages=languages,
        texts=texts,
        figure_question=form.figure_question or None,
        figure_percent=round(figure.value * 100) if figure else None,
        figure_base=figure.whole if figure else None,
        created_by=by,
    )
    await staff.record(conn, staff_id=by, action="you_said_we_did_published", detail={"entry_id": entry_id})
    return entry_id


async def edit_entry(conn: asyncpg.Connection, *, entry: Entry, form: EntryForm, by: int) -> None:
    touchpoints = {t.id for t in await touchpoint_service.team_touchpoints(conn, team_id=entry.team_id)}
    languages, texts = _check_entry(form, touchpoints)
    await queries.update_entry(
        conn, entry_id=entry.id, touchpoint_ids=form.touchpoint_ids, languages=languages, texts=texts
    )
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
    tag = (
        wanted
        if wanted in entry.languages
        else next((t for t in entry.languages if t.split("-")[0] == wanted.split("-")[0]), entry.languages[0])
    )
    texts = entry.texts[tag]
    return ShownEntry(
        entry.id,
        tag,
        language(tag).direction,
        texts.get("you_said", ""),
        texts.get("we_did", ""),
        texts.get("child", ""),
        entry.figure_question,
        entry.figure_percent,
        entry.figure_base,
        entry.published_at.date(),
    )


async def published_entries(
    conn: asyncpg.Connection, *, team_id: int, touchpoint_id: int, language: str
) -> list[ShownEntry]:
    """For a respondent's welcome and thank-you pages: newest first, in their language where written."""
    entries = await queries.published_for_touchpoint(
        conn, team_id=team_id, touchpoint_id=touchpoint_id, limit=SHOWN_ENTRIES
    )
    return [in_language(e, language) for e in entries]


def entry_languages() -> list[tuple[str, str]]:
    return [(tag, language(tag).own_name) for tag in available_tags()]


async def you_said_figures(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings, team_id: int | None
) -> list[tuple[Entry, list[Figure]]]:
    """Each of a team's published entries with a figure, and the review figures
    that figure was taken from (the counts of its question), as this viewer sees them."""
    if team_id is None or not may_read_you_said_figures(viewer, team_id):
        return []
    found = []
    for entry in await queries.published_with_figure(conn, team_id=team_id):
        if entry.review_id is None or not entry.figure_question:  # the query asks for both; the type allows none
            continue
        review = await queries.review_by_id(conn, review_id=entry.review_id)
        if review is None:
            continue
        summary = await summary_for(conn, registry, review=review, viewer=viewer, settings=settings)
        prefix = entry.figure_question + ":"
        found.append((entry, [f for f in summary.figures if f.measure.startswith(prefix)]))
    return found
