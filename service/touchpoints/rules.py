"""Who may see and change a touchpoint, its codes, cards and posters (read by the authorization matrix test)."""

from __future__ import annotations

from service.staff.rules import may_manage_team, may_see_team
from service.staff.service import Viewer

from .queries import ManagedTouchpoint


def may_list(viewer: Viewer, team_id: int) -> bool:
    """A team's touchpoint list: every member (a practitioner sees their own, a manager all)."""
    return may_see_team(viewer, team_id)


def may_create(viewer: Viewer, team_id: int) -> bool:
    return may_manage_team(viewer, team_id)


def may_show(viewer: Viewer, touchpoint: ManagedTouchpoint) -> bool:
    """Managers of its team, and the practitioner it belongs to (while in that team)."""
    return may_manage_team(viewer, touchpoint.team_id) or (
        touchpoint.practitioner_id == viewer.staff.id and viewer.is_member(touchpoint.team_id)
    )


def may_change(viewer: Viewer, touchpoint: ManagedTouchpoint) -> bool:
    return may_manage_team(viewer, touchpoint.team_id)
