"""Staff pages for "you said, we did": publish an entry from a review, edit,
withdraw or publish it again, and print it as a postcard or poster."""

from __future__ import annotations

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from service import i18n
from service.staff.service import Viewer
from service.surveys.model import AUDIENCES, CHILDREN
from service.web.flash import done
from service.web.kept import RESPONDENT_PAGES
from service.web.numbers import whole_numbers
from service.web.templating import page

from . import service, you_said
from .pages import ENTRY_SLOTS, common, entry_for, form_fields, kept, one, review_for, step_page, step_path
from .queries import Entry
from .service import Invalid
from .you_said import EntryForm


def _entry_form(fields: dict[str, list[str]], slots: int) -> EntryForm:
    texts = []
    for index in range(slots):
        tag = one(fields, f"text_{index}_language")
        texts.append((tag, {key: one(fields, f"text_{index}_{key}") for key in you_said.ENTRY_FIELDS}))
    everywhere = one(fields, "where") != "touchpoints"
    touchpoints = None if everywhere else whole_numbers(fields.get("touchpoint_id", []), field="touchpoint_id")
    return EntryForm(texts, touchpoints, one(fields, "figure_question"))


@post("/staff/reviews/{review_id:int}/entries", name="entry_publish")
async def entry_publish(
    review_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    fields = await form_fields(request)
    found, _ = await review_for(conn, viewer, review_id, run=True)
    summary = await service.summary_for(conn, state.surveys, review=found, viewer=viewer, settings=state.settings)
    try:
        async with conn.transaction():  # undone alone if it is refused
            await you_said.publish_entry(
                conn, review=found, summary=summary, form=_entry_form(fields, ENTRY_SLOTS), by=viewer.staff.id
            )
    except Invalid as error:
        return await step_page(conn, state, viewer, review_id, "tell", problems=error.problems, fields=kept(fields))
    RESPONDENT_PAGES.forget()  # respondents see the entry now (other processes within seconds)
    return Redirect(done(step_path(review_id, "tell", "you-said"), "entry_published"), status_code=303)


def _entry_page(
    state: State,
    viewer: Viewer,
    found: Entry,
    touchpoints: list,
    *,
    problems: dict | None = None,
    fields: dict | None = None,
) -> Response[str]:
    return page(
        "reviews/entry.html",
        status=422 if problems else 200,
        viewer=viewer,
        entry=found,
        touchpoints=touchpoints,
        problems=problems or {},
        fields=fields or {},
        team=viewer.teams[found.team_id],
        **common(state, found.survey_id),
    )


@get("/staff/entries/{entry_id:int}", name="entry")
async def entry_page(
    entry_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    found = await entry_for(conn, viewer, entry_id)
    touchpoints = await you_said.team_touchpoints(conn, team_id=found.team_id)
    return _entry_page(state, viewer, found, touchpoints)


@post("/staff/entries/{entry_id:int}", name="entry_edit")
async def entry_edit(
    entry_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    fields = await form_fields(request)
    found = await entry_for(conn, viewer, entry_id)
    try:
        async with conn.transaction():  # undone alone if it is refused
            await you_said.edit_entry(
                conn, entry=found, form=_entry_form(fields, len(found.languages) + 1), by=viewer.staff.id
            )
    except Invalid as error:
        touchpoints = await you_said.team_touchpoints(conn, team_id=found.team_id)
        return _entry_page(state, viewer, found, touchpoints, problems=error.problems, fields=kept(fields))
    RESPONDENT_PAGES.forget()
    return Redirect(done(f"/staff/entries/{entry_id}", "entry_saved"), status_code=303)


@post("/staff/entries/{entry_id:int}/status", name="entry_status")
async def entry_status(
    entry_id: FromPath[int], request: Request, conn: NamedDependency[Connection], viewer: NamedDependency[Viewer]
) -> Redirect:
    publish = one(await form_fields(request), "status") == "published"
    found = await entry_for(conn, viewer, entry_id)
    await you_said.set_entry_status(conn, entry=found, published=publish, by=viewer.staff.id)
    RESPONDENT_PAGES.forget()
    return Redirect(
        done(f"/staff/entries/{entry_id}", "entry_published_again" if publish else "entry_withdrawn"), status_code=303
    )


@get("/staff/entries/{entry_id:int}/print/{audience:str}/{size:str}", name="entry_print")
async def entry_print(
    entry_id: FromPath[int],
    audience: FromPath[str],
    size: FromPath[str],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str]:
    """A postcard (A6) or poster (A4) for one audience, in a language the entry
    was written in; a child-friendly layout for under 8s and 8-12s."""
    if audience not in AUDIENCES or size not in ("postcard", "poster"):
        raise NotFoundException()
    found = await entry_for(conn, viewer, entry_id, run=False)
    shown = you_said.in_language(found, request.query_params.get("lang") or found.languages[0])
    i18n.use_language(i18n.match_tag(shown.language) or i18n.SOURCE_LANGUAGE)
    return page(
        "reviews/postcard.html",
        entry=shown,
        audience=audience,
        size=size,
        team_name=viewer.teams[found.team_id].team_name,
        child=audience in CHILDREN,
        **common(state, found.survey_id),
    )


ROUTES = [entry_publish, entry_page, entry_edit, entry_status, entry_print]
