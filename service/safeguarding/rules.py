"""Who may see the safeguarding queue and its items (read by the authorization matrix test).

Which items a lead sees is asked of the database by their teams (service.lead_queue, service.view_item).
"""

from __future__ import annotations

from service.staff.service import Viewer


def lead_teams(viewer: Viewer) -> list[int]:
    return [team_id for team_id in viewer.teams if viewer.leads_safeguarding(team_id)]


def may_use_queue(viewer: Viewer) -> bool:
    """Safeguarding leads of at least one team."""
    return bool(lead_teams(viewer))
