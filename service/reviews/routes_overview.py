"""The administrators' overview across teams: which actions were followed by a
clear improvement (service/reviews/overview.py, through the figures engine)."""

from __future__ import annotations

from asyncpg import Connection
from litestar import Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency

from service.figures.door import published
from service.figures.model import FigureRequest
from service.staff.access import require
from service.staff.service import Viewer
from service.web.templating import page

from .pages import common
from .rules import may_read_overview


@get("/staff/admin/actions", name="admin_actions")
async def admin_actions(
    conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(may_read_overview(viewer))
    overview = (
        await published(
            conn, state.surveys, viewer=viewer, settings=state.settings, request=FigureRequest("admin_overview")
        )
    ).result
    return page("reviews/admin_actions.html", viewer=viewer, overview=overview, **common(state))


ROUTES = [admin_actions]
