"""Administrators manage teams and staff accounts in the browser; every change
is written to the audit log, which they can read, filter and export here."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.response import Redirect

from service.web.flash import done
from service.web.numbers import calendar_date, required_number, whole_number
from service.web.templating import page

from . import rules, service
from .access import require
from .service import ROLES, StaffError, Viewer


async def _fields(request: Request) -> dict[str, str]:
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


async def _people_page(
    conn: Connection,
    state: State,
    viewer: Viewer,
    *,
    status: int = 200,
    problem: str | None = None,
    new_password: str | None = None,
    fields: dict[str, str] | None = None,
) -> Response[str]:
    people = await service.all_staff(conn)
    teams = await service.all_teams(conn)
    return page(
        "staff/admin_people.html",
        status=status,
        viewer=viewer,
        people=people,
        teams=teams,
        roles=ROLES,
        problem=problem,
        new_password=new_password,
        fields=fields or {},
        hours=service.FIRST_PASSWORD_HOURS,
    )


@get("/staff/admin/teams", name="admin_teams")
async def admin_teams(
    conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(rules.may_administer(viewer))
    teams = await service.all_teams(conn)
    return page("staff/admin_teams.html", viewer=viewer, teams=teams, problem=None)


@post("/staff/admin/teams", name="admin_team_create")
async def admin_team_create(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    require(rules.may_administer(viewer))
    try:
        async with conn.transaction():  # undone alone if it fails
            await service.create_team(conn, name=(await _fields(request)).get("name", ""), by=viewer.staff.id)
    except StaffError as error:
        teams = await service.all_teams(conn)
        return page("staff/admin_teams.html", status=422, viewer=viewer, teams=teams, problem=error.code)
    return Redirect(done("/staff/admin/teams", "team_created"), status_code=303)


@get("/staff/admin/people", name="admin_people")
async def admin_people(
    conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(rules.may_administer(viewer))
    return await _people_page(conn, state, viewer)


@post("/staff/admin/people", name="admin_person_add")
async def admin_person_add(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    """Add a person with a first password the admin passes on: it works once, within 72 hours, to choose their own."""
    require(rules.may_administer(viewer))
    fields = await _fields(request)
    team_id = whole_number(fields.get("team_id"), field="team_id")
    password = secrets.token_urlsafe(12)
    try:
        async with conn.transaction():  # undone alone if it fails
            staff_id = await service.add_staff(
                conn,
                email=fields.get("email", ""),
                display_name=fields.get("display_name", ""),
                password=password,
                first_password=True,
                by=viewer.staff.id,
            )
            if team_id is not None:
                await service.give_role(
                    conn,
                    team_id=team_id,
                    staff_id=staff_id,
                    role=fields.get("role", "practitioner"),
                    by=viewer.staff.id,
                )
    except StaffError as error:
        return await _people_page(conn, state, viewer, status=422, problem=error.code, fields=fields)
    return await _people_page(conn, state, viewer, new_password=password, fields={"email": fields.get("email", "")})


async def _change(
    conn: Connection, state: State, viewer: Viewer, change: Callable[[Connection], Awaitable[None]]
) -> Response[str] | Redirect:
    """Run one administrative change (audited by the service); a refusal shows the page with why."""
    require(rules.may_administer(viewer))
    try:
        async with conn.transaction():  # undone alone if it fails
            await change(conn)
    except StaffError as error:
        return await _people_page(conn, state, viewer, status=422, problem=error.code)
    return Redirect(done("/staff/admin/people", "person_saved"), status_code=303)


async def _role_change(
    request: Request, conn: Connection, state: State, viewer: Viewer, change_role: Callable[..., Awaitable[None]]
) -> Response[str] | Redirect:
    """Give or take away a role: the form names the person, the team and the role."""
    fields = await _fields(request)
    staff_id = required_number(fields.get("staff_id"), field="staff_id")
    team_id = required_number(fields.get("team_id"), field="team_id")
    return await _change(
        conn,
        state,
        viewer,
        lambda conn: change_role(
            conn, team_id=team_id, staff_id=staff_id, role=fields.get("role", ""), by=viewer.staff.id
        ),
    )


@post("/staff/admin/people/role", name="admin_person_role")
async def admin_person_role(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    return await _role_change(request, conn, state, viewer, service.give_role)


@post("/staff/admin/people/role/remove", name="admin_person_role_remove")
async def admin_person_role_remove(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    return await _role_change(request, conn, state, viewer, service.remove_role)


@post("/staff/admin/people/disable", name="admin_person_disable")
async def admin_person_disable(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    """Disable (ending every session) or enable again; never yourself, never the last administrator."""
    fields = await _fields(request)
    staff_id = whole_number(fields.get("staff_id"), field="staff_id")
    email = None if staff_id is not None else fields.get("email", "")
    return await _change(
        conn,
        state,
        viewer,
        lambda conn: service.set_disabled(
            conn, staff_id=staff_id, email=email, disabled=fields.get("disabled") != "no", by=viewer.staff.id
        ),
    )


@post("/staff/admin/people/administrator", name="admin_person_administrator")
async def admin_person_administrator(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    fields = await _fields(request)
    staff_id = required_number(fields.get("staff_id"), field="staff_id")
    return await _change(
        conn,
        state,
        viewer,
        lambda conn: service.set_administrator(
            conn, staff_id=staff_id, is_admin=fields.get("administrator") == "yes", by=viewer.staff.id
        ),
    )


@post("/staff/admin/people/two-step", name="admin_person_two_step")
async def admin_person_two_step(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    """For someone who lost their phone and their recovery codes: they set it up again at their next sign-in."""
    fields = await _fields(request)
    staff_id = required_number(fields.get("staff_id"), field="staff_id")
    return await _change(
        conn,
        state,
        viewer,
        lambda conn: service.turn_off_two_step(
            conn, staff_id=staff_id, by=viewer.staff.id, mfa_policy=state.settings.mfa_required
        ),
    )


@post("/staff/admin/people/password", name="admin_person_password")
async def admin_person_password(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    """A new first password (their sessions end); shown once, on this answer."""
    require(rules.may_administer(viewer))
    staff_id = required_number((await _fields(request)).get("staff_id"), field="staff_id")
    password = secrets.token_urlsafe(12)
    try:
        async with conn.transaction():  # undone alone if it fails
            await service.reset_password(conn, staff_id=staff_id, password=password, by=viewer.staff.id)
            account = await service.account_by_id(conn, staff_id=staff_id)
    except StaffError as error:
        return await _people_page(conn, state, viewer, status=422, problem=error.code)
    return await _people_page(
        conn, state, viewer, new_password=password, fields={"email": account.email, "reset": "yes"}
    )


# The audit log ---------------------------------------------------------------------------------


class AuditFilter:
    """What the audit page and its export were asked for (typed, or a 400)."""

    def __init__(self, request: Request) -> None:
        query = request.query_params
        self.action = (query.get("action") or "")[:100] or None
        self.by = whole_number(query.get("by"), field="by")
        self.about = whole_number(query.get("about"), field="about")
        self.since = calendar_date(query.get("from"), field="from")
        self.until = calendar_date(query.get("to"), field="to")

    def query(self) -> dict:
        return dict(action=self.action, by=self.by, about=self.about, since=self.since, until=self.until)

    def as_params(self) -> str:
        pairs = {"action": self.action, "by": self.by, "about": self.about, "from": self.since, "to": self.until}
        return urlencode({k: str(v) for k, v in pairs.items() if v is not None})


@get("/staff/admin/audit", name="admin_audit")
async def admin_audit(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(rules.may_administer(viewer))
    chosen = AuditFilter(request)
    entries = await service.audit_entries(conn, **chosen.query())
    actions = await service.audit_actions(conn)
    people = await service.all_staff(conn)
    return page(
        "staff/admin_audit.html",
        viewer=viewer,
        entries=entries,
        actions=actions,
        people=people,
        chosen=chosen,
        names={p.id: p.display_name for p in people},
        limit=service.AUDIT_LIMIT,
    )


def audit_csv(entries, names: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when (UTC)", "who", "who (email)", "action", "about", "detail"])
    for entry in entries:
        about = entry.detail.get("staff_id")
        detail = "; ".join(f"{k}={v}" for k, v in sorted(entry.detail.items()))
        row = [
            entry.at.isoformat(timespec="seconds"),
            entry.actor_name or "command line or system",
            entry.actor_email or "",
            entry.action,
            names.get(about, "") if isinstance(about, int) else "",
            detail,
        ]
        writer.writerow([("'" + v) if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in map(str, row)])
    return out.getvalue()


@get("/staff/admin/audit.csv", name="admin_audit_export")
async def admin_audit_export(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[bytes]:
    require(rules.may_administer(viewer))
    chosen = AuditFilter(request)
    entries = await service.audit_entries(conn, **chosen.query(), limit=100_000)
    names = {p.id: p.display_name for p in await service.all_staff(conn)}
    # A byte-order mark so Excel reads UTF-8; Litestar adds "; charset=utf-8" to text/ types itself.
    return Response(
        ("\ufeff" + audit_csv(entries, names)).encode(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="heard-audit-log.csv"'},
    )


ROUTES = [
    admin_teams,
    admin_team_create,
    admin_people,
    admin_person_add,
    admin_person_role,
    admin_person_role_remove,
    admin_person_disable,
    admin_person_administrator,
    admin_person_two_step,
    admin_person_password,
    admin_audit,
    admin_audit_export,
]
