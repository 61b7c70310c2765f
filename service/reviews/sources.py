"""A learning review as the meeting reads it: the three sources side by side
(what families said, through the figures engine; what debriefs raised, with
the manager's answers; how the team sees its own culture, the pulse's latest
ended quarter) and the actions that came from each. The step pages, the
printable review and the Markdown export all read this one assembly, so an
export never shows a figure the screen hides."""

from __future__ import annotations

import asyncpg
import msgspec

from service.culture.service import pulse_for_review
from service.debriefs import service as debriefs
from service.debriefs.service import Lesson
from service.figures.door import published
from service.figures.model import FigureRequest
from service.figures.pulse import PulseResult
from service.figures.service import NotAllowed
from service.surveys.loading import SurveyRegistry
from service.touchpoints import service as touchpoint_service

from .actions import lessons_to_act_on
from .queries import Review
from .rules import Permissions
from .service import ReviewPage
from .you_said import team_touchpoints


class ReviewSources(msgspec.Struct, frozen=True):
    review: Review
    allowed: Permissions
    prepared: ReviewPage  # families' figures, this review's actions, carried actions, entries
    debrief_lessons: debriefs.ReviewLessons  # waiting for an answer, and answered in this review
    to_act_on: list[Lesson]  # answered "will do" here, with no action yet: offered as actions
    culture: PulseResult
    touchpoints: list[touchpoint_service.ManagedTouchpoint]


async def review_sources(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, review: Review, allowed: Permissions, viewer, settings
) -> ReviewSources | None:
    """Everything a review's pages and exports show, as this viewer may see it (None: they may not)."""
    try:
        prepared = (
            await published(
                conn,
                registry,
                viewer=viewer,
                settings=settings,
                request=FigureRequest("review", review.team_id, review_id=review.id),
            )
        ).result
    except NotAllowed:
        return None
    lessons = await debriefs.for_review(conn, team_id=review.team_id, review_id=review.id, today=settings.today())
    culture = await pulse_for_review(
        conn, registry, viewer=viewer, settings=settings, team_id=review.team_id, review_last=review.period_end
    )
    return ReviewSources(
        review,
        allowed,
        prepared,
        lessons,
        await lessons_to_act_on(conn, team_id=review.team_id, answered=lessons.answered),
        culture,
        await team_touchpoints(conn, team_id=review.team_id),
    )
