"""Staff forms for a review's actions: add one (from families' feedback, a
debrief's lesson or the culture pulse) and change its status."""

from __future__ import annotations

from asyncpg import Connection
from litestar import Request, Response, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from service.staff.access import require
from service.staff.service import Viewer
from service.web.flash import done

from . import actions, rules
from .actions import ActionForm
from .pages import form_fields, kept, one, review_for, step_page, step_path
from .service import Invalid


def _action_form(fields: dict[str, list[str]]) -> ActionForm:
    return ActionForm(
        one(fields, "what"),
        one(fields, "owner"),
        one(fields, "review_on"),
        fields.get("target_questions", []),
        one(fields, "source") or "families",
    )


@post("/staff/reviews/{review_id:int}/actions", name="review_action_add")
async def review_action_add(
    review_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    fields = await form_fields(request)
    form = _action_form(fields)
    found, _ = await review_for(conn, viewer, review_id, run=True)
    try:
        async with conn.transaction():  # undone alone if it is refused
            await actions.add_action(conn, state.surveys, review=found, form=form, by=viewer.staff.id)
    except Invalid as error:
        typed = kept(fields) | {"target_questions_all": form.target_questions}
        return await step_page(conn, state, viewer, review_id, "do", problems=error.problems, fields=typed)
    return Redirect(done(step_path(review_id, "do", "actions"), "action_added"), status_code=303)


def _back(fields: dict[str, list[str]], review_id: int) -> str:
    back = one(fields, "back")
    return back if back.startswith("/staff/reviews/") else step_path(review_id, "do", "actions")


@post("/staff/actions/{action_id:int}/status", name="review_action_status")
async def review_action_status(
    action_id: FromPath[int], request: Request, conn: NamedDependency[Connection], viewer: NamedDependency[Viewer]
) -> Redirect:
    fields = await form_fields(request)
    found = await actions.action(conn, action_id=action_id)
    if found is None:
        raise NotFoundException()
    require((await rules.permissions(conn, viewer, found.team_id)).run)
    try:
        await actions.set_action_status(conn, action=found, status=one(fields, "status"), by=viewer.staff.id)
    except Invalid:  # an unknown status changes nothing; the page shows the action as it is
        return Redirect(step_path(found.review_id, "do", "actions"), status_code=303)
    return Redirect(done(_back(fields, found.review_id), "action_saved"), status_code=303)


ROUTES = [review_action_add, review_action_status]
