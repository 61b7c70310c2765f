"""Who reads a team's reading list, which items, and who sees its backlog (read by the authorization matrix test)."""

from __future__ import annotations

from service.staff.service import Viewer

from .queries import FullItem


def reading_teams(viewer: Viewer) -> list[int]:
    return sorted(team_id for team_id in viewer.teams if viewer.reads(team_id))


def may_read(viewer: Viewer, item: FullItem) -> bool:
    """A reader of the item's team, and not the practitioner it may be about (then or now)."""
    about = {item.practitioner_id, item.touchpoint_practitioner_id}
    return viewer.reads(item.team_id) and viewer.staff.id not in about


def sees_backlog(viewer: Viewer, team_id: int) -> bool:
    return viewer.reads(team_id) or viewer.manages(team_id)


def may_choose_readers(viewer: Viewer, team_id: int) -> bool:
    return viewer.manages(team_id)
