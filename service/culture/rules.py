"""Who may see a team's culture pulse and start one (read by the authorization matrix test)."""

from __future__ import annotations

from service.staff.rules import may_manage_team, may_see_team
from service.staff.service import Viewer


def may_see_pulse(viewer: Viewer, team_id: int) -> bool:
    return may_see_team(viewer, team_id)


def may_start_pulse(viewer: Viewer, team_id: int) -> bool:
    """A manager makes the pulse's QR code, to show in a team meeting."""
    return may_manage_team(viewer, team_id)
