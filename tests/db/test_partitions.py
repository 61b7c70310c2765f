"""Monthly partitions: each month's answers in its own table, retention drops
whole months, an upgrade keeps every response, and a submission id is stored
once even when the retry comes the next month."""

import datetime as dt
import uuid
from contextlib import asynccontextmanager
from types import SimpleNamespace

import asyncpg
import pytest

from service.db import migrate, partitions
from service.db.pool import create_pool
from service.responses.queries import store_response
from service.safeguarding.retention import run_retention
from service.touchpoints import codes
from tests import factories

TODAY = dt.date(2026, 11, 24)


async def _store(conn, touchpoint, *, day, submission_id=None, text=None):
    return await store_response(
        conn,
        submission_id=submission_id or uuid.uuid4(),
        touchpoint_id=touchpoint.id,
        team_id=touchpoint.team_id,
        survey_id="after-meeting",  # a recorded version of this survey (others, e.g. the culture pulse, are recorded too)
        version_hash=await conn.fetchval(
            "select version_hash from survey_versions where survey_id = 'after-meeting' limit 1"
        ),
        audience="parent",
        language="en-GB",
        submitted_on=day,
        answers={"listened": 4},
        free_text={"anything_else": text} if text else {},
        flagged={},
    )


@asynccontextmanager
async def _own_database(new_database, connections: int = 1):
    """A database of its own (these tests make and drop months), migrated, with a touchpoint, a survey
    version, and `connections` connections held for the test."""
    url = await new_database()
    await migrate.migrate(url)
    pool = await create_pool(url, min_size=1, max_size=connections + 1)
    touchpoint = await factories.touchpoint(pool)
    await pool.execute(
        "insert into survey_versions (survey_id, version_hash, version, definition) "
        "values ('after-meeting', 'v1', '1', '{}') on conflict do nothing"
    )
    held = [await pool.acquire() for _ in range(connections)]
    try:
        yield (touchpoint, *held)
    finally:
        for conn in held:
            await pool.release(conn)
        await pool.close()


async def _home(conn, table, response_id):
    return await conn.fetchval(
        f"select tableoid::regclass::text from {table} where response_id = $1"
        if table == "free_text_answers"
        else f"select tableoid::regclass::text from {table} where id = $1",
        response_id,
    )


async def test_a_response_is_kept_in_its_months_partition(app, client, pool):
    touchpoint = await factories.touchpoint(pool)
    today = dt.date.today()
    async with pool.acquire() as conn:
        response_id = await _store(conn, touchpoint, day=today, text="kind words")

        assert await _home(conn, "responses", response_id) == partitions.partition_name("responses", today)
        assert await _home(conn, "free_text_answers", response_id) == partitions.partition_name(
            "free_text_answers", today
        )


async def test_a_retry_the_next_month_is_stored_once(app, client, pool):
    touchpoint = await factories.touchpoint(pool)
    submission_id = uuid.uuid4()
    async with pool.acquire() as conn:
        first = await _store(conn, touchpoint, day=dt.date(2026, 10, 31), submission_id=submission_id)
        retry = await _store(conn, touchpoint, day=dt.date(2026, 11, 1), submission_id=submission_id)

    assert first is not None and retry is None
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_an_old_month_waits_in_the_default_partition_until_its_month_is_made(new_database):
    async with _own_database(new_database) as (touchpoint, conn):
        response_id = await _store(conn, touchpoint, day=dt.date(2024, 3, 9), text="from the backlog")
        assert await _home(conn, "responses", response_id) == "responses_default"

        async with conn.transaction():
            made = await partitions.prepare_months(conn, today=TODAY)

        assert "responses_y2024m03" in made and "free_text_answers_y2024m03" in made
        assert await _home(conn, "responses", response_id) == "responses_y2024m03"
        assert await _home(conn, "free_text_answers", response_id) == "free_text_answers_y2024m03"
        assert await conn.fetchval("select count(*) from responses_default") == 0
        months = await partitions.existing_months(conn, "responses")
        assert {dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)} <= months.keys()


async def test_retention_drops_whole_months_and_their_submission_ids(new_database):
    async with _own_database(new_database) as (touchpoint, conn):
        old_id = uuid.uuid4()
        for day, submission_id in [
            (dt.date(2023, 5, 2), old_id),
            (dt.date(2023, 5, 30), None),
            (dt.date(2025, 2, 3), None),
            (dt.date(2026, 11, 2), None),
        ]:
            await _store(conn, touchpoint, day=day, submission_id=submission_id, text=f"words from {day}")

        async with conn.transaction():
            removed = await run_retention(conn, today=TODAY, free_text_months=12, response_months=36, audit_months=24)

        assert removed.responses == 2 and removed.free_texts == 3
        assert dt.date(2023, 5, 1) not in await partitions.existing_months(conn, "responses")
        assert dt.date(2025, 2, 1) not in await partitions.existing_months(conn, "free_text_answers")
        assert dt.date(2025, 2, 1) in await partitions.existing_months(conn, "responses")
        assert sorted(r["submitted_on"] for r in await conn.fetch("select submitted_on from responses")) == [
            dt.date(2025, 2, 3),
            dt.date(2026, 11, 2),
        ]
        assert await conn.fetchval("select sum(responses) from response_counts_by_month") == 2
        assert not await conn.fetchval("select count(*) from submission_ids where submission_id = $1", old_id)


async def test_upgrading_to_partitions_keeps_every_response_and_its_free_text(new_database):
    url = await new_database()
    before = [m for m in migrate.discover() if m.version < 7]
    await migrate.migrate(url, before)
    pool = await create_pool(url, min_size=1, max_size=2)
    team_id = await factories.team(pool)
    # Inserted by hand: the touchpoint queries of today read columns added after migration 0006.
    touchpoint = SimpleNamespace(
        team_id=team_id,
        id=await pool.fetchval(
            "insert into touchpoints (code, team_id, contact_kind, survey_id, language) "
            "values ($1, $2, 'home_visit', 'after-meeting', 'en-GB') returning id",
            codes.new_code(),
            team_id,
        ),
    )
    conn = await pool.acquire()
    try:
        await conn.execute(
            "insert into survey_versions (survey_id, version_hash, version, definition) "
            "values ('after-meeting', 'v1', '1', '{}')"
        )
        stored = []
        for day in (dt.date(2025, 1, 15), dt.date(2026, 11, 3)):
            submission_id = uuid.uuid4()
            response_id = await conn.fetchval(
                "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
                "language, submitted_on, answers) values ($1, $2, 'after-meeting', 'v1', 'parent', 'en-GB', $3, "
                "'{\"listened\": 5}') returning id",
                submission_id,
                touchpoint.id,
                day,
            )
            await conn.execute(
                "insert into free_text_answers (response_id, question_id, body) values ($1, 'anything_else', $2)",
                response_id,
                f"said on {day}",
            )
            await conn.execute(
                "insert into safeguarding_items (response_id, touchpoint_id, team_id, kind, "
                "question_id, body, audience, language) values ($1, $2, $3, 'disclosure', "
                "'anything_else', $4, 'parent', 'en-GB')",
                response_id,
                touchpoint.id,
                touchpoint.team_id,
                f"said on {day}",
            )
            stored.append((response_id, submission_id, day))
    finally:
        await pool.release(conn)
        await pool.close()

    await migrate.migrate(url)

    pool = await create_pool(url, min_size=1, max_size=2)
    conn = await pool.acquire()
    try:
        for _, submission_id, day in stored:
            # 0008 gave every response a new, random id, and its free text followed it.
            response_id = await conn.fetchval("select id from responses where submission_id = $1", submission_id)
            assert await conn.fetchval("select submitted_on from responses where id = $1", response_id) == day
            assert await _home(conn, "responses", response_id) == partitions.partition_name("responses", day)
            assert (
                await conn.fetchval("select body from free_text_answers where response_id = $1", response_id)
                == f"said on {day}"
            )
            assert (
                await conn.fetchval("select body from safeguarding_items where response_id = $1", response_id)
                == f"said on {day}"
            )  # every referring table follows
            assert await _store(conn, touchpoint, day=day, submission_id=submission_id) is None
        newest = await _store(conn, touchpoint, day=dt.date(2026, 11, 4))
        assert newest not in {response_id for response_id, _, _ in stored}
    finally:
        await pool.release(conn)
        await pool.close()


async def test_retention_gives_up_rather_than_stall_answers_behind_a_long_read(new_database, monkeypatch):
    from service.safeguarding import retention

    monkeypatch.setattr(retention, "DROP_LOCK_WAIT", "100ms")
    async with _own_database(new_database, connections=2) as (touchpoint, reader, conn):
        await _store(conn, touchpoint, day=dt.date(2022, 4, 5), text="old words")
        async with conn.transaction():
            await partitions.prepare_months(conn, today=TODAY)
        async with reader.transaction():
            await reader.fetchval("select count(*) from responses")  # a long summary, still reading

            with pytest.raises(asyncpg.exceptions.LockNotAvailableError):
                async with conn.transaction():
                    await run_retention(conn, today=TODAY, free_text_months=12, response_months=36, audit_months=24)

        assert await conn.fetchval("select count(*) from responses where submitted_on = '2022-04-05'") == 1
        assert await conn.fetchval("select count(*) from response_counts_by_month") == 0
