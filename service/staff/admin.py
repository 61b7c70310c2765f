"""Administrators manage teams and staff accounts in the browser."""

from __future__ import annotations

import secrets

from litestar.di import NamedDependency
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.response import Redirect

from service.db.pool import transaction
from service.web.templating import page

from . import service
from .access import require
from .service import ROLES, StaffError, Viewer


async def _fields(request: Request) -> dict[str, str]:
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


async def _people_page(state: State, viewer: Viewer, *, status: int = 200, problem: str | None = None,
                       new_password: str | None = None, fields: dict[str, str] | None = None) -> Response[str]:
    async with transaction(state.pool) as conn:
        people = await service.all_staff(conn)
        teams = await service.all_teams(conn)
    return page("staff/admin_people.html", status=status, viewer=viewer, people=people, teams=teams, roles=ROLES,
                problem=problem, new_password=new_password, fields=fields or {})


@get("/staff/admin/teams", name="admin_teams")
async def admin_teams(state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    require(viewer.staff.is_admin)
    async with transaction(state.pool) as conn:
        teams = await service.all_teams(conn)
    return page("staff/admin_teams.html", viewer=viewer, teams=teams, problem=None)


@post("/staff/admin/teams", name="admin_team_create")
async def admin_team_create(request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str] | Redirect:
    require(viewer.staff.is_admin)
    try:
        async with transaction(state.pool) as conn:
            await service.create_team(conn, name=(await _fields(request)).get("name", ""), by=viewer.staff.id)
    except StaffError as error:
        async with transaction(state.pool) as conn:
            teams = await service.all_teams(conn)
        return page("staff/admin_teams.html", status=422, viewer=viewer, teams=teams, problem=error.code)
    return Redirect("/staff/admin/teams", status_code=303)


@get("/staff/admin/people", name="admin_people")
async def admin_people(state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    require(viewer.staff.is_admin)
    return await _people_page(state, viewer)


@post("/staff/admin/people", name="admin_person_add")
async def admin_person_add(request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str]:
    """Add a person with a one-time password the admin passes on; they are asked to keep it private."""
    require(viewer.staff.is_admin)
    fields = await _fields(request)
    password = secrets.token_urlsafe(12)
    try:
        async with transaction(state.pool) as conn:
            staff_id = await service.add_staff(conn, email=fields.get("email", ""),
                                               display_name=fields.get("display_name", ""), password=password)
            team = fields.get("team_id", "")
            if team.isdigit():
                await service.give_role(conn, team_id=int(team), staff_id=staff_id,
                                        role=fields.get("role", "practitioner"))
    except StaffError as error:
        return await _people_page(state, viewer, status=422, problem=error.code, fields=fields)
    return await _people_page(state, viewer, new_password=password, fields={"email": fields.get("email", "")})


@post("/staff/admin/people/role", name="admin_person_role")
async def admin_person_role(request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str] | Redirect:
    require(viewer.staff.is_admin)
    fields = await _fields(request)
    try:
        async with transaction(state.pool) as conn:
            if not (fields.get("staff_id", "").isdigit() and fields.get("team_id", "").isdigit()):
                raise StaffError("choose")
            await service.give_role(conn, team_id=int(fields["team_id"]), staff_id=int(fields["staff_id"]),
                                    role=fields.get("role", ""))
    except StaffError as error:
        return await _people_page(state, viewer, status=422, problem=error.code)
    return Redirect("/staff/admin/people", status_code=303)


@post("/staff/admin/people/disable", name="admin_person_disable")
async def admin_person_disable(request: Request, state: State, viewer: NamedDependency[Viewer]) -> Response[str] | Redirect:
    require(viewer.staff.is_admin)
    fields = await _fields(request)
    try:
        async with transaction(state.pool) as conn:
            await service.set_disabled(conn, email=fields.get("email", ""), disabled=fields.get("disabled") != "no")
    except StaffError as error:
        return await _people_page(state, viewer, status=422, problem=error.code)
    return Redirect("/staff/admin/people", status_code=303)


ROUTES = [admin_teams, admin_team_create, admin_people, admin_person_add, admin_person_role, admin_person_disable]
