"""Staff pages for a team's learning reviews: the list and the start form, who
may run them, the four steps of one review, its reflections, the printable
review and its Markdown export."""

from __future__ import annotations

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from service.figures import grid
from service.staff.access import require
from service.staff.service import Viewer, team_people
from service.web.flash import done
from service.web.numbers import whole_numbers
from service.web.templating import page

from . import rules, service, you_said
from .export import review_markdown
from .pages import common, form_fields, kept, one, review_for, sources_context, sources_for, step_page, step_path
from .service import Invalid, ReviewForm

# Reviews of a team ---------------------------------------------------------------------


async def _team_page(
    conn: Connection,
    state: State,
    viewer: Viewer,
    team_id: int,
    *,
    problems: dict | None = None,
    fields: dict | None = None,
) -> Response[str]:
    allowed = await rules.permissions(conn, viewer, team_id)
    require(allowed.read)
    reviews = await service.team_reviews(conn, team_id=team_id)
    entries = await you_said.team_entries(conn, team_id=team_id)
    people = await team_people(conn, team_id=team_id) if allowed.manage else []
    chosen = await rules.facilitators(conn, team_id=team_id) if allowed.manage else set()
    surveys = await service.team_surveys(conn, state.surveys, team_id=team_id)
    first, last = service.default_period(state.settings.today())
    return page(
        "reviews/team.html",
        status=422 if problems else 200,
        viewer=viewer,
        team=viewer.teams[team_id],
        allowed=allowed,
        reviews=reviews,
        entries=entries,
        people=people,
        chosen=chosen,
        surveys=surveys,
        default_first=first,
        default_last=last,
        problems=problems or {},
        fields=fields or {},
        month_options=[grid.add_months(last, -n) for n in range(grid.OLDEST_MONTHS)],
        **common(state),
    )


@get("/staff/teams/{team_id:int}/reviews", name="team_reviews")
async def team_reviews(
    team_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    return await _team_page(conn, state, viewer, team_id)


def _review_form(fields: dict[str, list[str]]) -> ReviewForm:
    # Months; a day (an old bookmarked form, or someone typing one) means its whole month.
    return ReviewForm(
        one(fields, "first_month") or one(fields, "period_start"),
        one(fields, "last_month") or one(fields, "period_end"),
        one(fields, "focus_kind"),
        one(fields, "focus_audience"),
        one(fields, "survey_id"),
    )


@post("/staff/teams/{team_id:int}/reviews", name="review_start")
async def review_start(
    team_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    fields = await form_fields(request)
    require((await rules.permissions(conn, viewer, team_id)).run)
    try:
        async with conn.transaction():  # undone alone if it is refused
            review_id = await service.start_review(
                conn,
                state.surveys,
                team_id=team_id,
                form=_review_form(fields),
                by=viewer.staff.id,
                today=state.settings.today(),
            )
    except Invalid as error:
        return await _team_page(conn, state, viewer, team_id, problems=error.problems, fields=kept(fields))
    return Redirect(done(f"/staff/reviews/{review_id}", "review_started"), status_code=303)


@post("/staff/teams/{team_id:int}/reviews/facilitators", name="review_facilitators")
async def review_facilitators(
    team_id: FromPath[int], request: Request, conn: NamedDependency[Connection], viewer: NamedDependency[Viewer]
) -> Redirect:
    require(rules.may_manage(viewer, team_id))
    wanted = whole_numbers((await form_fields(request)).get("staff_id", []), field="staff_id")
    members = [p.id for p in await team_people(conn, team_id=team_id)]
    await rules.set_facilitators(conn, team_id=team_id, staff_ids=wanted, members=members, by=viewer.staff.id)
    return Redirect(done(f"/staff/teams/{team_id}/reviews#who-runs", "facilitators_saved"), status_code=303)


# One review, in four steps -----------------------------------------------------------------------


@get("/staff/reviews/{review_id:int}", name="review")
async def review_page(
    review_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    return await step_page(conn, state, viewer, review_id, "told")


@get("/staff/reviews/{review_id:int}/think", name="review_think")
async def review_think(
    review_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    return await step_page(conn, state, viewer, review_id, "think")


@get("/staff/reviews/{review_id:int}/do", name="review_do")
async def review_do(
    review_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    return await step_page(conn, state, viewer, review_id, "do")


@get("/staff/reviews/{review_id:int}/tell", name="review_tell")
async def review_tell(
    review_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    return await step_page(conn, state, viewer, review_id, "tell")


@post("/staff/reviews/{review_id:int}/reflections", name="review_reflections")
async def review_reflections(
    review_id: FromPath[int], request: Request, conn: NamedDependency[Connection], viewer: NamedDependency[Viewer]
) -> Redirect:
    fields = await form_fields(request)
    found, _ = await review_for(conn, viewer, review_id, run=True)
    await service.save_reflections(conn, review=found, fields=kept(fields), by=viewer.staff.id)
    return Redirect(done(step_path(review_id, "think"), "reflections_saved"), status_code=303)


# The whole review, to print or keep ------------------------------------------------------------------


@get("/staff/reviews/{review_id:int}/print", name="review_print")
async def review_print(
    review_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    sources = await sources_for(conn, state, viewer, review_id)
    return page("reviews/print.html", **sources_context(state, viewer, sources, printing=True))


@get("/staff/reviews/{review_id:int}/export.md", name="review_markdown")
async def review_export(
    review_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    sources = await sources_for(conn, state, viewer, review_id)
    review, context = sources.review, common(state, sources.review.survey_id)
    body = review_markdown(
        sources.prepared,
        questions=context["questions"],
        lessons=sources.debrief_lessons,
        culture=sources.culture,
        survey_title=context["survey_titles"].get(review.survey_id, review.survey_id),
    )
    name = f"heard-review-{review.team_id}-{review.period_start}-{review.period_end}.md"
    return Response(
        body,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    team_reviews,
    review_start,
    review_facilitators,
    review_page,
    review_think,
    review_do,
    review_tell,
    review_reflections,
    review_print,
    review_export,
]
