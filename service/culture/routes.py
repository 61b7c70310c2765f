"""A team's culture pulse page: its QR codes (managers make one) and the quarter's results for the whole team."""

from __future__ import annotations

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from service import i18n
from service.figures import grid
from service.figures.pulse import quarter_of
from service.figures.service import NotAllowed
from service.staff.access import require
from service.staff.service import Viewer
from service.web.templating import page

from . import rules, service


@get("/staff/teams/{team_id:int}/culture", name="team_culture")
async def team_culture(
    team_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str]:
    require(rules.may_see_pulse(viewer, team_id))
    today = state.settings.today()
    first, last = service.chosen_quarter(grid.parse_month(request.query_params.get("quarter") or ""), today)
    try:
        culture = await service.pulse_for(
            conn, state.surveys, viewer=viewer, settings=state.settings, team_id=team_id, first=first, last=last
        )
    except NotAllowed:
        require(False)
    codes = await service.pulse_touchpoints(conn, team_id=team_id)
    earlier = [quarter_of(grid.add_months(first, -3 * n))[0] for n in range(1, 5)]
    return page(
        "culture/team.html",
        viewer=viewer,
        team=viewer.teams[team_id],
        culture=culture,
        codes=codes,
        manages=rules.may_start_pulse(viewer, team_id),
        earlier=earlier,
    )


@post("/staff/teams/{team_id:int}/culture/touchpoints", name="team_culture_start")
async def team_culture_start(
    team_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Redirect:
    """A manager makes a QR code for the pulse, to show in a team meeting."""
    require(rules.may_start_pulse(viewer, team_id))
    touchpoint_id = await service.start_pulse(
        conn, state.surveys, team_id=team_id, language=i18n.current_language().tag, today=state.settings.today()
    )
    return Redirect(f"/staff/touchpoints/{touchpoint_id}", status_code=303)


ROUTES = [team_culture, team_culture_start]
