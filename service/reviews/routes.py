"""Staff pages for learning reviews, actions and "you said, we did"; the
printable review, its Markdown export, postcards and posters; the admin
overview of actions followed by a clear improvement."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from service import i18n
from service.culture.service import pulse_for_review
from service.db.pool import transaction
from service.figures import grid
from service.figures.levels import summary_questions
from service.figures.model import FigureRequest
from service.figures.service import NotAllowed, published
from service.staff.access import require
from service.staff.service import Viewer, team_people
from service.surveys.model import AUDIENCES, CHILDREN
from service.touchpoints.kinds import CONTACT_KINDS
from service.web.flash import done
from service.web.kept import RESPONDENT_PAGES
from service.web.numbers import whole_numbers
from service.web.templating import page
from service.debriefs.routes import review_lessons

from . import service
from .export import review_markdown
from .service import ActionForm, EntryForm, Invalid, ReviewForm

ENTRY_SLOTS = 2  # empty language slots offered on the publish form


async def _fields(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form.keys()}


def _one(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[0]


def _common(state: State, survey_id: str | None = None) -> dict:
    """What review pages share; `questions` are the review's survey's (a review is about one survey)."""
    return {"kinds": CONTACT_KINDS, "audiences": AUDIENCES, "prompts": service.PROMPTS,
            "questions": summary_questions(state.surveys, survey_id) if survey_id else [],
            "languages": service.entry_languages(),
            "survey_titles": {s.survey.id: s.survey.title for s in state.surveys.family_surveys()}}


async def _review(state: State, viewer: Viewer, review_id: int, *, run: bool = False):
    """The review, if the viewer may read it (or, with `run`, change it)."""
    async with transaction(state.pool) as conn:
        found = await service.review(conn, review_id=review_id)
        if found is None:
            raise NotFoundException()
        allowed = await service.permissions(conn, viewer, found.team_id)
    require(allowed.run if run else allowed.read)
    return found, allowed


# Reviews of a team ---------------------------------------------------------------------


async def _team_page(state: State, viewer: Viewer, team_id: int, *, problems: dict | None = None,
                     fields: dict | None = None) -> Response[str]:
    async with transaction(state.pool) as conn:
        allowed = await service.permissions(conn, viewer, team_id)
        require(allowed.read)
        reviews = await service.team_reviews(conn, team_id=team_id)
        entries = await service.team_entries(conn, team_id=team_id)
        people = await team_people(conn, team_id=team_id) if allowed.manage else []
        chosen = await service.facilitators(conn, team_id=team_id) if allowed.manage else set()
        surveys = await service.team_surveys(conn, state.surveys, team_id=team_id)
    first, last = service.default_period(state.settings.today())
    return page("reviews/team.html", status=422 if problems else 200, viewer=viewer, team=viewer.teams[team_id],
                allowed=allowed, reviews=reviews, entries=entries, people=people, chosen=chosen,
                default_first=first, default_last=last, surveys=surveys,
                month_options=[grid.add_months(last, -n) for n in range(grid.OLDEST_MONTHS)], problems=problems or {}, fields=fields or {},
                **_common(state))


@get("/staff/teams/{team_id:int}/reviews", name="team_reviews")
async def team_reviews(team_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    return await _team_page(state, viewer, team_id)


@post("/staff/teams/{team_id:int}/reviews", name="review_start")
async def review_start(team_id: FromPath[int], request: Request, state: State,
                       viewer: NamedDependency[Viewer]) -> Response[str] | Redirect:
    fields = await _fields(request)
    # Months; a day (an old bookmarked form, or someone typing one) means its whole month.
    form = ReviewForm(_one(fields, "first_month") or _one(fields, "period_start"),
                      _one(fields, "last_month") or _one(fields, "period_end"), _one(fields, "focus_kind"),
                      _one(fields, "focus_audience"), _one(fields, "survey_id"))
    try:
        async with transaction(state.pool) as conn:
            require((await service.permissions(conn, viewer, team_id)).run)
            review_id = await service.start_review(conn, state.surveys, team_id=team_id, form=form, by=viewer.staff.id,
                                                   today=state.settings.today())
    except Invalid as error:
        return await _team_page(state, viewer, team_id, problems=error.problems,
                                fields={k: _one(fields, k) for k in fields})
    return Redirect(done(f"/staff/reviews/{review_id}", "review_started"), status_code=303)


@post("/staff/teams/{team_id:int}/reviews/facilitators", name="review_facilitators")
async def review_facilitators(team_id: FromPath[int], request: Request, state: State,
                              viewer: NamedDependency[Viewer]) -> Redirect:
    require(viewer.manages(team_id))
    fields = await _fields(request)
    wanted = whole_numbers(fields.get("staff_id", []), field="staff_id")
    async with transaction(state.pool) as conn:
        members = [p.id for p in await team_people(conn, team_id=team_id)]
        await service.set_facilitators(conn, team_id=team_id, staff_ids=wanted, members=members, by=viewer.staff.id)
    return Redirect(done(f"/staff/teams/{team_id}/reviews#who-runs", "facilitators_saved"), status_code=303)


# One review, in four steps -----------------------------------------------------------------------

# Each step is its own page with its own form, saved on its own: what people told us → what we
# think → what we'll do → what we tell people (templates/reviews/_review_layout.html names them).
STEPS = {"told": ("", "reviews/review.html"), "think": ("/think", "reviews/review_think.html"),
         "do": ("/do", "reviews/review_do.html"), "tell": ("/tell", "reviews/review_tell.html")}


def step_path(review_id: int, step: str, anchor: str = "") -> str:
    return f"/staff/reviews/{review_id}{STEPS[step][0]}" + (f"#{anchor}" if anchor else "")


async def _review_context(state: State, viewer: Viewer, review_id: int) -> dict:
    found, allowed = await _review(state, viewer, review_id)
    async with transaction(state.pool) as conn:
        try:
            prepared = (await published(conn, state.surveys, viewer=viewer, settings=state.settings,
                                        request=FigureRequest("review", found.team_id, review_id=found.id))).result
        except NotAllowed:
            require(False)
        touchpoints = await service.team_touchpoints(conn, team_id=found.team_id)
        culture = await pulse_for_review(conn, state.surveys, viewer=viewer, settings=state.settings,
                                         team_id=found.team_id, review_last=found.period_end)
    return dict(viewer=viewer, prepared=prepared, review=found, allowed=allowed, touchpoints=touchpoints,
                slots=ENTRY_SLOTS, culture=culture, debrief_lessons=await review_lessons(state, viewer, found),
                **_common(state, found.survey_id))


async def _step_page(state: State, viewer: Viewer, review_id: int, step: str, *, problems: dict | None = None,
                     fields: dict | None = None) -> Response[str]:
    context = await _review_context(state, viewer, review_id)
    return page(STEPS[step][1], status=422 if problems else 200, problems=problems or {}, fields=fields or {},
                **context)


@get("/staff/reviews/{review_id:int}", name="review")
async def review_page(review_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    return await _step_page(state, viewer, review_id, "told")


@get("/staff/reviews/{review_id:int}/think", name="review_think")
async def review_think(review_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    return await _step_page(state, viewer, review_id, "think")


@get("/staff/reviews/{review_id:int}/do", name="review_do")
async def review_do(review_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    return await _step_page(state, viewer, review_id, "do")


@get("/staff/reviews/{review_id:int}/tell", name="review_tell")
async def review_tell(review_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    return await _step_page(state, viewer, review_id, "tell")


@post("/staff/reviews/{review_id:int}/reflections", name="review_reflections")
async def review_reflections(review_id: FromPath[int], request: Request, state: State,
                             viewer: NamedDependency[Viewer]) -> Redirect:
    found, _ = await _review(state, viewer, review_id, run=True)
    fields = await _fields(request)
    async with transaction(state.pool) as conn:
        await service.save_reflections(conn, review=found, fields={k: _one(fields, k) for k in fields},
                                       by=viewer.staff.id)
    return Redirect(done(step_path(review_id, "think"), "reflections_saved"), status_code=303)


@post("/staff/reviews/{review_id:int}/actions", name="review_action_add")
async def review_action_add(review_id: FromPath[int], request: Request, state: State,
                            viewer: NamedDependency[Viewer]) -> Response[str] | Redirect:
    found, _ = await _review(state, viewer, review_id, run=True)
    fields = await _fields(request)
    form = ActionForm(_one(fields, "what"), _one(fields, "owner"), _one(fields, "review_on"),
                      fields.get("target_questions", []))
    try:
        async with transaction(state.pool) as conn:
            await service.add_action(conn, state.surveys, review=found, form=form, by=viewer.staff.id)
    except Invalid as error:
        kept = {k: _one(fields, k) for k in fields} | {"target_questions_all": form.target_questions}
        return await _step_page(state, viewer, review_id, "do", problems=error.problems, fields=kept)
    return Redirect(done(step_path(review_id, "do", "actions"), "action_added"), status_code=303)


@post("/staff/actions/{action_id:int}/status", name="review_action_status")
async def review_action_status(action_id: FromPath[int], request: Request, state: State,
                               viewer: NamedDependency[Viewer]) -> Redirect:
    fields = await _fields(request)
    async with transaction(state.pool) as conn:
        found = await service.action(conn, action_id=action_id)
        if found is None:
            raise NotFoundException()
        require((await service.permissions(conn, viewer, found.team_id)).run)
        try:
            await service.set_action_status(conn, action=found, status=_one(fields, "status"), by=viewer.staff.id)
        except Invalid:
            # an unknown status changes nothing; the page shows the action as it is
            return Redirect(step_path(found.review_id, "do", "actions"), status_code=303)
    back = _one(fields, "back")
    back = back if back.startswith("/staff/reviews/") else step_path(found.review_id, "do", "actions")
    return Redirect(done(back, "action_saved"), status_code=303)


@get("/staff/reviews/{review_id:int}/print", name="review_print")
async def review_print(review_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    context = await _review_context(state, viewer, review_id)
    return page("reviews/print.html", **context)


@get("/staff/reviews/{review_id:int}/export.md", name="review_markdown")
async def review_export(review_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    context = await _review_context(state, viewer, review_id)
    prepared = context["prepared"]
    survey_id = prepared.review.survey_id
    body = review_markdown(prepared, questions=context["questions"],
                           survey_title=context["survey_titles"].get(survey_id, survey_id))
    name = f"heard-review-{prepared.review.team_id}-{prepared.review.period_start}-{prepared.review.period_end}.md"
    return Response(body, media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# You said, we did -----------------------------------------------------------------------------


def _entry_form(fields: dict[str, list[str]], slots: int) -> EntryForm:
    texts = []
    for index in range(slots):
        tag = _one(fields, f"text_{index}_language")
        texts.append((tag, {key: _one(fields, f"text_{index}_{key}") for key in service.ENTRY_FIELDS}))
    everywhere = _one(fields, "where") != "touchpoints"
    touchpoints = None if everywhere else whole_numbers(fields.get("touchpoint_id", []), field="touchpoint_id")
    return EntryForm(texts, touchpoints, _one(fields, "figure_question"))


@post("/staff/reviews/{review_id:int}/entries", name="entry_publish")
async def entry_publish(review_id: FromPath[int], request: Request, state: State,
                        viewer: NamedDependency[Viewer]) -> Response[str] | Redirect:
    found, _ = await _review(state, viewer, review_id, run=True)
    fields = await _fields(request)
    try:
        async with transaction(state.pool) as conn:
            figures = await service.summary_for(conn, state.surveys, review=found, viewer=viewer,
                                                settings=state.settings)
            await service.publish_entry(conn, review=found, summary=figures,
                                        form=_entry_form(fields, ENTRY_SLOTS), by=viewer.staff.id)
        RESPONDENT_PAGES.forget()  # respondents see the entry now (other processes within seconds)
    except Invalid as error:
        return await _step_page(state, viewer, review_id, "tell", problems=error.problems,
                                fields={k: _one(fields, k) for k in fields})
    return Redirect(done(step_path(review_id, "tell", "you-said"), "entry_published"), status_code=303)


async def _entry(state: State, viewer: Viewer, entry_id: int, *, run: bool = True):
    async with transaction(state.pool) as conn:
        found = await service.entry(conn, entry_id=entry_id)
        if found is None:
            raise NotFoundException()
        allowed = await service.permissions(conn, viewer, found.team_id)
        touchpoints = await service.team_touchpoints(conn, team_id=found.team_id)
    require(allowed.run if run else allowed.read)
    return found, touchpoints


@get("/staff/entries/{entry_id:int}", name="entry")
async def entry_page(entry_id: FromPath[int], state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    found, touchpoints = await _entry(state, viewer, entry_id)
    return page("reviews/entry.html", viewer=viewer, entry=found, touchpoints=touchpoints, problems={}, fields={},
                team=viewer.teams[found.team_id], **_common(state, found.survey_id))


@post("/staff/entries/{entry_id:int}", name="entry_edit")
async def entry_edit(entry_id: FromPath[int], request: Request, state: State,
                     viewer: NamedDependency[Viewer]) -> Response[str] | Redirect:
    found, touchpoints = await _entry(state, viewer, entry_id)
    fields = await _fields(request)
    try:
        async with transaction(state.pool) as conn:
            await service.edit_entry(conn, entry=found, form=_entry_form(fields, len(found.languages) + 1),
                                     by=viewer.staff.id)
        RESPONDENT_PAGES.forget()
    except Invalid as error:
        return page("reviews/entry.html", status=422, viewer=viewer, entry=found, touchpoints=touchpoints,
                    problems=error.problems, fields={k: _one(fields, k) for k in fields},
                    team=viewer.teams[found.team_id], **_common(state, found.survey_id))
    return Redirect(done(f"/staff/entries/{entry_id}", "entry_saved"), status_code=303)


@post("/staff/entries/{entry_id:int}/status", name="entry_status")
async def entry_status(entry_id: FromPath[int], request: Request, state: State,
                       viewer: NamedDependency[Viewer]) -> Redirect:
    found, _ = await _entry(state, viewer, entry_id)
    fields = await _fields(request)
    publish = _one(fields, "status") == "published"
    async with transaction(state.pool) as conn:
        await service.set_entry_status(conn, entry=found, published=publish, by=viewer.staff.id)
    RESPONDENT_PAGES.forget()
    return Redirect(done(f"/staff/entries/{entry_id}", "entry_published_again" if publish else "entry_withdrawn"),
                    status_code=303)


@get("/staff/entries/{entry_id:int}/print/{audience:str}/{size:str}", name="entry_print")
async def entry_print(entry_id: FromPath[int], audience: FromPath[str], size: FromPath[str], request: Request,
                      state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    """A postcard (A6) or poster (A4) for one audience, in a language the entry
    was written in; a child-friendly layout for under 8s and 8-12s."""
    found, _ = await _entry(state, viewer, entry_id, run=False)
    if audience not in AUDIENCES or size not in ("postcard", "poster"):
        raise NotFoundException()
    wanted = request.query_params.get("lang") or found.languages[0]
    shown = service.in_language(found, wanted)
    i18n.use_language(i18n.match_tag(shown.language) or i18n.SOURCE_LANGUAGE)
    return page("reviews/postcard.html", entry=shown, audience=audience, size=size,
                team_name=viewer.teams[found.team_id].team_name, child=audience in CHILDREN,
                **_common(state, found.survey_id))


# Across teams ------------------------------------------------------------------------------------


@get("/staff/admin/actions", name="admin_actions")
async def admin_actions(state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    require(viewer.staff.is_admin)
    async with transaction(state.pool) as conn:
        overview = (await published(conn, state.surveys, viewer=viewer, settings=state.settings,
                                    request=FigureRequest("admin_overview"))).result
    return page("reviews/admin_actions.html", viewer=viewer, overview=overview, **_common(state))


ROUTES = [team_reviews, review_start, review_facilitators, review_page, review_think, review_do, review_tell,
          review_reflections, review_action_add,
          review_action_status, review_print, review_export, entry_publish, entry_page, entry_edit, entry_status,
          entry_print, admin_actions]
