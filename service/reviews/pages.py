"""What every review page needs, shared by the routes_*.py modules: reading a
form, the review (or entry) a viewer may see, and rendering one of a review's
four steps from its sources."""

from __future__ import annotations

import asyncpg
from litestar import Request, Response
from litestar.datastructures import State
from litestar.exceptions import NotFoundException

from service.debriefs.rules import may_respond
from service.figures.levels import summary_questions
from service.staff.access import require
from service.surveys.model import AUDIENCES
from service.touchpoints.kinds import CONTACT_KINDS
from service.web.templating import page

from . import actions, service, you_said
from .queries import Entry, Review
from .rules import Permissions, permissions
from .sources import ReviewSources, review_sources

ENTRY_SLOTS = 2  # empty language slots offered on the publish form

# Each step is its own page with its own form, saved on its own: what people told us → what we
# think → what we'll do → what we tell people (templates/reviews/_review_layout.html names them).
STEPS = {
    "told": ("", "reviews/review.html"),
    "think": ("/think", "reviews/review_think.html"),
    "do": ("/do", "reviews/review_do.html"),
    "tell": ("/tell", "reviews/review_tell.html"),
}


async def form_fields(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form}


def one(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[0]


def kept(fields: dict[str, list[str]]) -> dict[str, str]:
    """What was typed, to fill the form again beside its problems."""
    return {k: one(fields, k) for k in fields}


def common(state: State, survey_id: str | None = None) -> dict:
    """What review pages share; `questions` are the review's survey's (a review is about one survey)."""
    return {
        "kinds": CONTACT_KINDS,
        "audiences": AUDIENCES,
        "prompts": service.PROMPTS,
        "sources": actions.SOURCES,
        "questions": summary_questions(state.surveys, survey_id) if survey_id else [],
        "languages": you_said.entry_languages(),
        "survey_titles": {s.survey.id: s.survey.title for s in state.surveys.family_surveys()},
    }


def step_path(review_id: int, step: str, anchor: str = "") -> str:
    return f"/staff/reviews/{review_id}{STEPS[step][0]}" + (f"#{anchor}" if anchor else "")


async def review_for(
    conn: asyncpg.Connection, viewer, review_id: int, *, run: bool = False
) -> tuple[Review, Permissions]:
    """The review, if the viewer may read it (or, with `run`, change it); 404 or 403 otherwise."""
    found = await service.review(conn, review_id=review_id)
    if found is None:
        raise NotFoundException()
    allowed = await permissions(conn, viewer, found.team_id)
    require(allowed.run if run else allowed.read)
    return found, allowed


async def entry_for(conn: asyncpg.Connection, viewer, entry_id: int, *, run: bool = True) -> Entry:
    """The "you said, we did" entry, if the viewer may change it (or, without `run`, read it)."""
    found = await you_said.entry(conn, entry_id=entry_id)
    if found is None:
        raise NotFoundException()
    allowed = await permissions(conn, viewer, found.team_id)
    require(allowed.run if run else allowed.read)
    return found


async def sources_for(conn: asyncpg.Connection, state: State, viewer, review_id: int) -> ReviewSources:
    """The review with its three sources, as the viewer may read it."""
    found, allowed = await review_for(conn, viewer, review_id)
    sources = await review_sources(
        conn, state.surveys, review=found, allowed=allowed, viewer=viewer, settings=state.settings
    )
    require(sources is not None)
    assert sources is not None  # require() stopped the request otherwise
    return sources


def sources_context(state: State, viewer, sources: ReviewSources, *, printing: bool = False) -> dict:
    """What the step pages and the printable review (`printing`: no forms) render."""
    return dict(
        viewer=viewer,
        printing=printing,
        review=sources.review,
        allowed=sources.allowed,
        prepared=sources.prepared,
        actions_by_source=actions.by_source(sources.prepared.actions),
        debrief_lessons=sources.debrief_lessons,
        to_act_on=sources.to_act_on,
        may_answer_lessons=may_respond(viewer, sources.review.team_id),
        culture=sources.culture,
        touchpoints=sources.touchpoints,
        slots=ENTRY_SLOTS,
        **common(state, sources.review.survey_id),
    )


async def step_page(
    conn: asyncpg.Connection,
    state: State,
    viewer,
    review_id: int,
    step: str,
    *,
    problems: dict | None = None,
    fields: dict | None = None,
) -> Response[str]:
    context = sources_context(state, viewer, await sources_for(conn, state, viewer, review_id))
    return page(
        STEPS[step][1], status=422 if problems else 200, problems=problems or {}, fields=fields or {}, **context
    )
