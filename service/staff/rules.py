"""Who may do what, for staff accounts and teams: the rules every capability's own rules build on.

Each rule is a plain function of the viewer (and the thing asked about), so a handler asks it in one
call (`require(rules.may_see_team(viewer, team_id))`) and the authorization matrix test reads the same
functions (tests/unit/test_rules_matrix.py). No I/O here: what a rule needs is fetched first.
"""

from __future__ import annotations

from .service import Viewer


def may_see_team(viewer: Viewer, team_id: int) -> bool:
    """Any member of the team: its pages, its figures (as the figures engine allows), its touchpoint list."""
    return viewer.is_member(team_id)


def may_manage_team(viewer: Viewer, team_id: int) -> bool:
    """The team's managers: create and change touchpoints, decide held answers, choose readers."""
    return viewer.manages(team_id)


def may_administer(viewer: Viewer) -> bool:
    """Administrators: teams, people, roles, the audit log."""
    return viewer.staff.is_admin
