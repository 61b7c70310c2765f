"""Requests get a pooled connection in the order they asked for one (service/db/pool.py, fair_turns).

Without turns, asyncpg's pool gives a connection handed back to whichever request asks next: under load a
request could be passed over again and again while others got theirs at once, and those few made Heard's
slowest answers (issue 20's note has the figures).
"""

import asyncio
import itertools

import asyncpg
import pytest

from service.db.pool import create_pool, fair_turns
from service.db.request import RequestDb
from tests.conftest import with_database

POOL_SIZE = 2
REQUESTS = 24
ROUNDS = 15


async def test_requests_get_a_connection_in_the_order_they_asked(dsn):
    pool = await create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE)
    turns = fair_turns(POOL_SIZE)
    asked = itertools.count()
    served: list[int] = []

    async def request() -> None:
        for _ in range(ROUNDS):
            db = RequestDb(pool, turns, write=False, shared=False)
            place = next(asked)
            conn = await db.connection()
            served.append(place)
            await conn.fetchval("select 1")
            await db.finish()
            await asyncio.sleep(0)  # the next page, later

    try:
        await asyncio.gather(*(request() for _ in range(REQUESTS)))
    finally:
        await pool.close()
    assert len(served) == REQUESTS * ROUNDS
    passed_over = [(before, after) for before, after in itertools.pairwise(served) if after < before]
    assert passed_over == [], f"{len(passed_over)} requests were served before one that asked earlier"


async def test_a_failed_connection_gives_its_turn_back(dsn):
    """A request whose connection cannot be made leaves its turn for the next one."""
    dead = await create_pool(with_database(dsn, "no_such_database"), min_size=0, max_size=1)
    turns = fair_turns(1)
    try:
        for _ in range(3):  # more times than there are turns: each failure gave its turn back
            db = RequestDb(dead, turns, write=False, shared=False)
            with pytest.raises(asyncpg.InvalidCatalogNameError):  # not a wait for a turn nobody gave back
                await asyncio.wait_for(db.connection(), timeout=10)
            await db.finish()
    finally:
        await dead.close()
    assert not turns.locked()
