"""Who may do what with learning reviews, in one place: every member of a team
reads its reviews; team managers, and members a manager allowed, run them
(start one, write reflections, agree actions, publish "you said, we did");
team managers choose who else may run them; administrators read the overview
of actions across teams. Handlers ask here and nowhere else."""

from __future__ import annotations

import asyncpg
import msgspec

from service.staff import service as staff

from . import queries


class Permissions(msgspec.Struct, frozen=True):
    read: bool  # every member of the team
    run: bool  # team managers, and members a manager allowed
    manage: bool  # team managers: who may run reviews


async def permissions(conn: asyncpg.Connection, viewer, team_id: int) -> Permissions:
    manages = viewer.manages(team_id)
    member = viewer.is_member(team_id)
    allowed = member and (manages or viewer.staff.id in await queries.facilitators(conn, team_id=team_id))
    return Permissions(read=member, run=allowed, manage=manages)


def may_manage(viewer, team_id: int) -> bool:
    """Choosing who runs a team's reviews: its managers."""
    return viewer.manages(team_id)


def may_read_overview(viewer) -> bool:
    """The admin overview of actions across teams (team figures protected as for anyone outside the team)."""
    return viewer.staff.is_admin


def may_read_you_said_figures(viewer, team_id: int | None) -> bool:
    """The figures behind a team's published "you said, we did" entries: its members."""
    return team_id is not None and viewer.is_member(team_id)


# Changing who may run reviews ------------------------------------------------------------


async def set_facilitators(
    conn: asyncpg.Connection, *, team_id: int, staff_ids: list[int], members: list[int], by: int
) -> None:
    """Exactly these team members (besides managers) may run reviews from now on."""
    keep = [s for s in staff_ids if s in members]
    await queries.revoke_facilitators(conn, team_id=team_id, keep=keep)
    for staff_id in keep:
        await queries.grant_facilitator(conn, team_id=team_id, staff_id=staff_id, granted_by=by)
    await staff.record(conn, staff_id=by, action="review_facilitators_set", detail={"team_id": team_id, "staff": keep})


async def facilitators(conn: asyncpg.Connection, *, team_id: int) -> set[int]:
    return await queries.facilitators(conn, team_id=team_id)
