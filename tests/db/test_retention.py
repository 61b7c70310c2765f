"""Retention on the real database: old free text and responses are gone,
their counts still add up, open safeguarding items are never deleted."""

import datetime as dt
import uuid

import pytest

from service.db.migrate import migrate
from service.db.pool import create_pool
from service.safeguarding.retention import months_before, run_retention
from service.settings import load_settings
from service.surveys.loading import load_surveys
from service.surveys.service import record_versions
from tests import factories

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
async def own_pool(new_database):
    """A database of this test's own: retention removes old rows everywhere, so on the shared database its
    counts would include other tests' rows; here they are exact."""
    dsn = await new_database()
    await migrate(dsn)
    pool = await create_pool(dsn, min_size=1, max_size=2)
    async with pool.acquire() as conn:
        await record_versions(conn, load_surveys(load_settings({}).surveys_dir))
    yield pool
    await pool.close()


async def _response(pool, touchpoint, *, day, answers, text=None):
    version = await pool.fetchval("select version_hash from survey_versions where survey_id = 'after-meeting' limit 1")
    response_id = await pool.fetchval(
        "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language, "
        "submitted_on, answers) values ($1, $2, 'after-meeting', $3, 'parent', 'en-GB', $4, $5) returning id",
        uuid.uuid4(),
        touchpoint.id,
        version,
        day,
        answers,
    )
    if text:
        await pool.execute(
            "insert into free_text_answers (response_id, submitted_on, question_id, body) "
            "values ($1, $2, 'anything_else', $3)",
            response_id,
            day,
            text,
        )
    return response_id


def test_months_before_lands_on_the_first_of_the_month():
    assert months_before(dt.date(2026, 11, 24), 12) == dt.date(2025, 11, 1)
    assert months_before(dt.date(2026, 1, 5), 1) == dt.date(2025, 12, 1)


async def test_retention_deletes_what_is_old_and_keeps_counts_that_add_up(own_pool):
    pool = own_pool
    team = await factories.team(pool)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    very_old, old, recent = dt.date(2023, 3, 10), dt.date(2025, 6, 2), dt.date(2026, 10, 1)
    for day, listened in [(very_old, 5), (very_old, 1), (very_old, 5), (old, 4), (recent, 2)]:
        await _response(pool, touchpoint, day=day, answers={"listened": listened}, text=f"words from {day}")
    open_item = await pool.fetchval(
        "insert into safeguarding_items (touchpoint_id, team_id, kind, body, audience, language, arrived_at) "
        "values ($1, $2, 'disclosure', 'still open', 'parent', 'en-GB', now() - interval '3 years') returning id",
        touchpoint.id,
        team,
    )
    closed_item = await pool.fetchval(
        "insert into safeguarding_items (touchpoint_id, team_id, kind, body, audience, language, arrived_at, closed_at, "
        "outcome) values ($1, $2, 'disclosure', 'closed long ago', 'parent', 'en-GB', now() - interval '2 years', "
        "now() - interval '2 years', 'done') returning id",
        touchpoint.id,
        team,
    )
    before = await pool.fetchval("select count(*) from responses where touchpoint_id = $1", touchpoint.id)

    async with pool.acquire() as conn, conn.transaction():
        removed = await run_retention(conn, today=TODAY, free_text_months=12, response_months=36, audit_months=24)

    texts = await pool.fetch(
        "select f.body from free_text_answers f join responses r on r.id = f.response_id where r.touchpoint_id = $1",
        touchpoint.id,
    )
    assert [t["body"] for t in texts] == [f"words from {recent}"]
    remaining = await pool.fetch("select submitted_on from responses where touchpoint_id = $1", touchpoint.id)
    assert sorted(r["submitted_on"] for r in remaining) == [old, recent]
    counted = await pool.fetchval(
        "select coalesce(sum(responses), 0) from response_counts_by_month where touchpoint_id = $1", touchpoint.id
    )
    assert counted + len(remaining) == before == 5
    listened = dict(
        await pool.fetch(
            "select value, answers from answer_counts_by_month where touchpoint_id = $1 and question_id = 'listened'",
            touchpoint.id,
        )
    )
    assert listened == {"5": 2, "1": 1}
    items = {
        row["id"]
        for row in await pool.fetch("select id from safeguarding_items where touchpoint_id = $1", touchpoint.id)
    }
    assert open_item in items and closed_item not in items
    assert (removed.responses, removed.free_texts, removed.safeguarding_items) == (3, 4, 1)


async def test_running_retention_twice_does_not_count_twice(client, pool):
    team = await factories.team(pool)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await _response(pool, touchpoint, day=dt.date(2022, 1, 3), answers={"listened": 3})

    for _ in range(2):
        async with pool.acquire() as conn, conn.transaction():
            await run_retention(conn, today=TODAY, free_text_months=12, response_months=36, audit_months=24)

    assert (
        await pool.fetchval(
            "select sum(responses) from response_counts_by_month where touchpoint_id = $1", touchpoint.id
        )
        == 1
    )
