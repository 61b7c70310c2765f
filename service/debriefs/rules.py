"""Who may open, see, close and answer for a debrief (read by the authorization matrix test)."""

from __future__ import annotations

from service.staff.service import Viewer

from .queries import Debrief


def may_open(viewer: Viewer, team_id: int) -> bool:
    return bool({"practitioner", "team_manager"} & set(viewer.roles_in(team_id)))


def opening_teams(viewer: Viewer) -> list[int]:
    return sorted(team_id for team_id in viewer.teams if may_open(viewer, team_id))


def may_see(viewer: Viewer, debrief: Debrief) -> bool:
    """The team's accounts see the invitation while it is open and the answers once it is closed."""
    return viewer.is_member(debrief.team_id)


def may_close(viewer: Viewer, debrief: Debrief) -> bool:
    return not debrief.closed and (viewer.staff.id == debrief.opened_by or viewer.manages(debrief.team_id))


def may_respond(viewer: Viewer, team_id: int) -> bool:
    return viewer.manages(team_id)
