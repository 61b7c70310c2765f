"""Across teams, for administrators: which actions were followed by a clear
improvement on the questions they aimed to move, each compared between its
review's months and the team's next review's months. Counted per question;
the improved ones listed by what was tried, never a ranking of teams."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.figures import grid
from service.figures import service as figures
from service.figures.model import Figure
from service.figures.results import ReviewSummary
from service.surveys.loading import SurveyRegistry

from . import queries
from .service import target_feedback
from .stats import HIGHER, LOWER, NO_CLEAR_CHANGE, NOT_COMPARABLE, Share


class FollowedUp(msgspec.Struct, frozen=True):
    action: queries.FollowedAction
    question_id: str
    question_text: str
    before: Share | None
    after: Share | None
    change: str


class QuestionOutcomes(msgspec.Struct, frozen=True):
    question_id: str
    question_text: str
    counts: dict[str, int]  # verdict -> how many actions
    survey_id: str = ""  # question ids are a survey's own: "listened" after a meeting is not "listened" at a review


class Overview(msgspec.Struct, frozen=True):
    outcomes: list[QuestionOutcomes]
    improved: list[FollowedUp]  # alphabetical by action: never a ranking
    waiting: int  # actions whose team has not held its next review yet
    figures: list[Figure] = []


async def followed_actions(conn: asyncpg.Connection, registry: SurveyRegistry, *, viewer, settings) -> Overview:
    """Which actions were followed by a clear improvement on the questions they
    aimed to move: each compared between its review's months and the team's
    next review's months, team figures protected as for any viewer outside the
    team. Counted per question across teams; the improved ones listed by what
    was tried, so a team can ask another how. Never a ranking of teams."""
    cache: dict[figures.ReviewSlice, ReviewSummary] = {}

    async def summary_for(found: queries.FollowedAction, start: dt.date, end: dt.date) -> ReviewSummary:
        """The action's team over these months, with its review's focus and survey (each slice made once)."""
        scope = figures.ReviewSlice(
            found.team_id,
            grid.month_of(start),
            grid.month_of(end),
            found.focus_kind,
            found.focus_audience,
            found.survey_id,
        )
        if scope not in cache:
            cache[scope] = await figures.review_summary(
                conn, registry, viewer=viewer, settings=settings, scope=scope, compare=False, comments=False
            )
        return cache[scope]

    outcomes: dict[tuple[str, str], dict[str, int]] = {}
    labels: dict[tuple[str, str], str] = {}
    improved, waiting = [], 0
    for found in await queries.followed_actions(conn):
        if found.next_start is None or found.next_end is None:
            waiting += 1
            continue
        before = await summary_for(found, found.period_start, found.period_end)
        after = await summary_for(found, found.next_start, found.next_end)
        for row in target_feedback(found.target_questions, before, after):
            key = (found.survey_id, row.question_id)
            labels[key] = row.question_text
            tally = outcomes.setdefault(key, {HIGHER: 0, NO_CLEAR_CHANGE: 0, LOWER: 0, NOT_COMPARABLE: 0})
            tally[row.change] += 1
            if row.change == HIGHER:
                improved.append(
                    FollowedUp(found, row.question_id, row.question_text, row.before, row.after, row.change)
                )
    improved.sort(key=lambda f: (f.action.what.casefold(), f.question_id, f.action.id))
    return Overview(
        [QuestionOutcomes(q, labels[(s, q)], outcomes[(s, q)], s) for s, q in sorted(outcomes)],
        improved,
        waiting,
        [f for s in cache.values() for f in s.figures],
    )
