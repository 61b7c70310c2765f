"""Storing responses: once per submission id, and nothing that identifies a person."""

import asyncio
import datetime as dt
import uuid

from service.responses.queries import SQL, store_response
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


async def test_a_written_answer_is_stored_alike_by_the_lean_and_the_full_statement(pool):
    """store_response sends an unflagged written answer through store_written_answers, which leaves out the
    safeguarding and burst parts of store_response: every row it makes must be what the full one makes."""
    team = await factories.team(pool)
    practitioner = await factories.staff(pool, team_id=team, role="practitioner")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=practitioner)
    answered, arrived = dt.date(2026, 11, 2), dt.date(2026, 11, 4)  # it waited two days on a device
    written = {"anything_else": "The worker came on time.", "what_helped": "Being listened to."}
    async with pool.acquire() as conn:
        version = await conn.fetchval("select version_hash from survey_versions where survey_id = 'after-meeting'")
        common = (touchpoint.id, "after-meeting", version, "parent", "cy", answered, {"listened": 4}, True)
        lean = await store_response(
            conn,
            submission_id=uuid.uuid4(),
            touchpoint_id=touchpoint.id,
            team_id=team,
            survey_id="after-meeting",
            version_hash=version,
            audience="parent",
            language="cy",
            submitted_on=answered,
            answers={"listened": 4},
            free_text=written,
            flagged={},
            held=True,
            arrived_on=arrived,
        )
        full = await conn.fetchval(
            SQL["store_response"],
            uuid.uuid4(),
            *common,
            False,
            list(written),
            list(written.values()),
            team,
            [],
            [],
            [],
            arrived,
        )

        async def rows(table: str, response_id: int) -> list[dict]:  # all but its ids and the time it was stored
            found = await conn.fetch(f"select * from {table} where response_id = $1 order by question_id", response_id)
            return [
                {k: v for k, v in row.items() if k not in ("id", "response_id", "submission_id", "arrived_at")}
                for row in found
            ]

        for table in ("free_text_answers", "reading_items"):
            assert await rows(table, lean) == await rows(table, full) != []
        kept = "submitted_on, answers, held, practitioner_id, contact_kind, language"
        assert await conn.fetchrow(f"select {kept} from responses where id = $1", lean) == await conn.fetchrow(
            f"select {kept} from responses where id = $1", full
        )
        reading = await conn.fetchrow("select * from reading_items where response_id = $1 limit 1", lean)
    assert (reading["practitioner_id"], reading["waited_days"], reading["held"]) == (practitioner, 2, True)
