"""Each test starts with no rows of other tests' (tests/conftest.py empties the
tables before it), yet what migrations and start-up wrote is still there.
The two tests run in this order (pytest keeps a file's order)."""

from __future__ import annotations

from tests import factories

NAME = "A team only the first test here made"


async def test_a_test_commits_a_team_and_a_touchpoint(pool):
    team = await factories.team(pool, NAME)
    await factories.touchpoint(pool, team_id=team)

    assert await pool.fetchval("select count(*) from teams where name = $1", NAME) == 1


async def test_the_next_test_sees_none_of_them_but_keeps_what_start_up_wrote(pool):
    assert await pool.fetchval("select count(*) from teams") == 0
    assert await pool.fetchval("select count(*) from touchpoints") == 0
    assert await pool.fetchval("select count(*) from schema_migrations") > 0
    assert await pool.fetchval("select count(*) from instance_keys where name = 'thanks'") == 1
