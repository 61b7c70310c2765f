"""Typed wrappers for reviews/queries.sql: one function per named statement."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.db.sql import sql_beside

SQL = sql_beside(__file__)


class Review(msgspec.Struct, frozen=True):
    id: int
    team_id: int
    team_name: str
    period_start: dt.date
    period_end: dt.date  # the last day, inclusive
    focus_kind: str | None
    focus_audience: str | None
    reflections: dict[str, str]
    created_by_name: str
    created_at: dt.datetime
    survey_id: str  # the families' survey the review is about


class Action(msgspec.Struct, frozen=True):
    id: int
    review_id: int
    team_id: int
    what: str
    owner: str
    review_on: dt.date | None
    status: str
    target_questions: list[str]
    source: str  # "families", "debrief" or "culture": what the action came from (SOURCES in actions.py)
    lesson_answer_id: int | None  # the debrief answer whose raised lesson it answers
    lesson_debrief_id: int | None  # that lesson's debrief, and its name
    lesson_debrief_name: str | None


class EarlierAction(Action, frozen=True):
    """An action still open from an earlier review, with that review's period and focus."""

    period_start: dt.date
    period_end: dt.date
    focus_kind: str | None
    focus_audience: str | None


class FollowedAction(msgspec.Struct, frozen=True):
    id: int
    what: str
    status: str
    target_questions: list[str]
    team_id: int
    team_name: str
    period_start: dt.date
    period_end: dt.date
    focus_kind: str | None
    focus_audience: str | None
    survey_id: str
    next_start: dt.date | None
    next_end: dt.date | None


class Entry(msgspec.Struct, frozen=True):
    id: int
    team_id: int
    review_id: int | None
    touchpoint_ids: list[int] | None
    languages: list[str]
    texts: dict[str, dict[str, str]]
    figure_question: str | None
    figure_percent: float | None
    figure_base: int | None
    status: str
    published_at: dt.datetime
    survey_id: str | None = None  # its review's survey (entry_by_id only): what its figure's question is


async def insert_review(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    period_start: dt.date,
    period_end: dt.date,
    focus_kind: str | None,
    focus_audience: str | None,
    created_by: int | None,
    survey_id: str,
) -> int:
    return await conn.fetchval(
        SQL["insert_review"], team_id, period_start, period_end, focus_kind, focus_audience, created_by, survey_id
    )


async def review_by_id(conn: asyncpg.Connection, *, review_id: int) -> Review | None:
    row = await conn.fetchrow(SQL["review_by_id"], review_id)
    return Review(**row) if row else None


async def team_reviews(conn: asyncpg.Connection, *, team_id: int) -> list[Review]:
    return [Review(**row) for row in await conn.fetch(SQL["team_reviews"], team_id)]


async def set_reflections(conn: asyncpg.Connection, *, review_id: int, reflections: dict[str, str]) -> None:
    await conn.execute(SQL["set_reflections"], review_id, reflections)


async def insert_action(
    conn: asyncpg.Connection,
    *,
    review_id: int,
    team_id: int,
    what: str,
    owner: str,
    review_on: dt.date | None,
    target_questions: list[str],
    source: str,
    lesson_answer_id: int | None,
) -> int | None:
    """The new action's id; None when the lesson already has an action (nothing inserted)."""
    return await conn.fetchval(
        SQL["insert_action"], review_id, team_id, what, owner, review_on, target_questions, source, lesson_answer_id
    )


async def action_for_lesson(conn: asyncpg.Connection, *, lesson_answer_id: int) -> int | None:
    return await conn.fetchval(SQL["action_for_lesson"], lesson_answer_id)


async def lessons_acted_on(conn: asyncpg.Connection, *, team_id: int) -> set[int]:
    return {row["lesson_answer_id"] for row in await conn.fetch(SQL["lessons_acted_on"], team_id)}


async def action_by_id(conn: asyncpg.Connection, *, action_id: int) -> Action | None:
    row = await conn.fetchrow(SQL["action_by_id"], action_id)
    return Action(**row) if row else None


async def set_action_status(conn: asyncpg.Connection, *, action_id: int, status: str) -> None:
    await conn.execute(SQL["set_action_status"], action_id, status)


async def review_actions(conn: asyncpg.Connection, *, review_id: int) -> list[Action]:
    return [Action(**row) for row in await conn.fetch(SQL["review_actions"], review_id)]


async def earlier_open_actions(
    conn: asyncpg.Connection, *, team_id: int, before: dt.date, survey_id: str
) -> list[EarlierAction]:
    return [EarlierAction(**row) for row in await conn.fetch(SQL["earlier_open_actions"], team_id, before, survey_id)]


async def followed_actions(conn: asyncpg.Connection) -> list[FollowedAction]:
    return [FollowedAction(**row) for row in await conn.fetch(SQL["followed_actions"])]


async def facilitators(conn: asyncpg.Connection, *, team_id: int) -> set[int]:
    return {row["staff_id"] for row in await conn.fetch(SQL["facilitators"], team_id)}


async def grant_facilitator(conn: asyncpg.Connection, *, team_id: int, staff_id: int, granted_by: int) -> None:
    await conn.execute(SQL["grant_facilitator"], team_id, staff_id, granted_by)


async def revoke_facilitators(conn: asyncpg.Connection, *, team_id: int, keep: list[int]) -> None:
    await conn.execute(SQL["revoke_facilitators"], team_id, keep)


async def insert_entry(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    review_id: int | None,
    touchpoint_ids: list[int] | None,
    languages: list[str],
    texts: dict,
    figure_question: str | None,
    figure_percent: float | None,
    figure_base: int | None,
    created_by: int | None,
) -> int:
    return await conn.fetchval(
        SQL["insert_entry"],
        team_id,
        review_id,
        touchpoint_ids,
        languages,
        texts,
        figure_question,
        figure_percent,
        figure_base,
        created_by,
    )


async def update_entry(
    conn: asyncpg.Connection, *, entry_id: int, touchpoint_ids: list[int] | None, languages: list[str], texts: dict
) -> None:
    await conn.execute(SQL["update_entry"], entry_id, touchpoint_ids, languages, texts)


async def set_entry_status(conn: asyncpg.Connection, *, entry_id: int, status: str) -> None:
    await conn.execute(SQL["set_entry_status"], entry_id, status)


async def entry_by_id(conn: asyncpg.Connection, *, entry_id: int) -> Entry | None:
    row = await conn.fetchrow(SQL["entry_by_id"], entry_id)
    return Entry(**row) if row else None


async def team_entries(conn: asyncpg.Connection, *, team_id: int) -> list[Entry]:
    return [Entry(**row) for row in await conn.fetch(SQL["team_entries"], team_id)]


async def review_entries(conn: asyncpg.Connection, *, review_id: int) -> list[Entry]:
    return [Entry(**row) for row in await conn.fetch(SQL["review_entries"], review_id)]


async def published_with_figure(conn: asyncpg.Connection, *, team_id: int) -> list[Entry]:
    return [Entry(**row) for row in await conn.fetch(SQL["published_with_figure"], team_id)]


async def published_for_touchpoint(
    conn: asyncpg.Connection, *, team_id: int, touchpoint_id: int, limit: int
) -> list[Entry]:
    return [Entry(**row) for row in await conn.fetch(SQL["published_for_touchpoint"], team_id, touchpoint_id, limit)]
