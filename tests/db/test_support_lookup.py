"""The thank-you page's support check reads the submission's own item, however many flagged items wait."""

import json
import uuid

from service.reading.queries import SQL
from tests import factories

WAITING = 3_000  # flagged items nobody has closed yet


def _index_rows(plan: dict) -> list[tuple[str, int]]:
    """Every index scan in a plan, with how many entries it returned."""
    found = []
    if "Index" in plan["Node Type"]:
        found.append((plan.get("Index Name", ""), plan["Actual Rows"]))
    for child in plan.get("Plans", []):
        found += _index_rows(child)
    return found


async def test_the_support_check_reads_one_item_not_every_waiting_one(app, pool):
    touchpoint = await factories.touchpoint(pool)
    async with pool.acquire() as conn, conn.transaction():
        # Statistics behind the table, as in a busy hour before autovacuum analyzes it: no analyze here.
        await conn.execute(
            """insert into reading_items (team_id, touchpoint_id, kind, submission_id, question_id, body, categories,
                                          audience, language, arrived_on)
               select $1, $2, 'answer', gen_random_uuid(), 'anything_else', 'words', '{harm}', 'child', 'en-GB',
                      current_date
               from generate_series(1, $3)""",
            touchpoint.team_id,
            touchpoint.id,
            WAITING,
        )
        mine = await conn.fetchval("select submission_id from reading_items order by id desc limit 1")
        for mode in ("force_custom_plan", "force_generic_plan"):  # asyncpg's prepared statements use both
            await conn.execute(f"set local plan_cache_mode = {mode}")
            [explained] = json.loads(
                await conn.fetchval("explain (analyze, format json) " + SQL["needs_support"], mine)
            )
            scans = _index_rows(explained["Plan"])
            assert scans, f"{mode}: no index scan at all"
            assert all(rows <= 1 for _, rows in scans), f"{mode}: read {scans} to find one submission's item"
        assert await conn.fetchval(SQL["needs_support"], mine) is True
        assert await conn.fetchval(SQL["needs_support"], uuid.uuid4()) is False
