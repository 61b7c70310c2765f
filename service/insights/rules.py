"""Who may see a team's figures and exports, and decide about held answers (read by the authorization matrix test).

What a figure may show is the figures engine's business (service/figures); these rules say who may ask.
"""

from __future__ import annotations

from service.figures.service import filterable as may_filter_by  # a touchpoint the viewer may look at on its own
from service.staff.rules import may_manage_team, may_see_team
from service.staff.service import Viewer

__all__ = ["may_decide_held", "may_filter_by", "may_see_figures"]


def may_see_figures(viewer: Viewer, team_id: int) -> bool:
    """The team page and its CSV and workbook exports."""
    return may_see_team(viewer, team_id)


def may_decide_held(viewer: Viewer, team_id: int) -> bool:
    """Whether answers held as a burst count: the team's managers."""
    return may_manage_team(viewer, team_id)
