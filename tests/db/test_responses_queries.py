"""Storing responses: once per submission id, and nothing that identifies a person."""

import asyncio
import datetime as dt
import uuid

from service.responses.queries import store_response
from tests import factories


async def _insert(conn, touchpoint, submission_id):
    return await store_response(
        conn,
        submission_id=submission_id,
        touchpoint_id=touchpoint.id,
        team_id=touchpoint.team_id,
        survey_id="after-meeting",  # a recorded version of this survey (others, e.g. the culture pulse, are recorded too)
        version_hash=await conn.fetchval(
            "select version_hash from survey_versions where survey_id = 'after-meeting' limit 1"
        ),
        audience="parent",
        language="en-GB",
        submitted_on=dt.date(2026, 11, 2),
        answers={"listened": 4},
        free_text={},
        flagged={},
    )


async def test_a_repeated_submission_id_stores_nothing_new(app, client, pool):
    touchpoint = await factories.touchpoint(pool)
    submission_id = uuid.uuid4()

    async with pool.acquire() as conn:
        first = await _insert(conn, touchpoint, submission_id)
        second = await _insert(conn, touchpoint, submission_id)

    assert first is not None and second is None
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_the_same_submission_racing_on_two_connections_is_stored_once(app, client, pool):
    touchpoint = await factories.touchpoint(pool)
    submission_id = uuid.uuid4()

    async def attempt():
        async with pool.acquire() as conn, conn.transaction():
            return await _insert(conn, touchpoint, submission_id)

    results = await asyncio.gather(*(attempt() for _ in range(5)))

    assert sum(result is not None for result in results) == 1
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_responses_have_no_column_for_addresses_agents_or_times_of_day(pool):
    columns = await pool.fetch(
        "select column_name, data_type from information_schema.columns "
        "where table_name in ('responses', 'free_text_answers', 'submission_ids')"
    )

    names = {c["column_name"] for c in columns}
    types = {c["column_name"]: c["data_type"] for c in columns}
    assert not {n for n in names if any(word in n for word in ("ip", "addr", "agent", "device", "cookie", "time"))}
    assert types["submitted_on"] == "date"
    assert "timestamp" not in " ".join(types.values())
