"""Every page the every-route test visits (tests/http/test_fuzz_every_route.py: each GET route,
as each person, with real ids of their own team): a <title> and exactly one <h1>, and a budget of
SQL statements per page that does not grow with the rows behind it (no N+1).

Statements are counted on the app's own pool: while a page is asked for, every connection it
hands out logs each statement (asyncpg's query logger), BEGIN and COMMIT included."""

from __future__ import annotations

import asyncio
import re
from collections import Counter

import pytest

from tests import factories
from tests.http.test_fuzz_every_route import ACTORS, PARAM, _real_value, _routes, world  # noqa: F401 (a fixture)

# The world fixture makes rows every test here reads (and the budget test adds to them): emptied once, before.
pytestmark = pytest.mark.shared_rows

# The most statements any page may run (BEGIN and COMMIT count). Today's busiest staff pages run about half this.
BUDGET = 30
# With ten times the rows a page may run a few statements more once there is something to show (written answers,
# names to redact, months to count), but no statement more than twice more often: one more per row is N+1.
MORE_WITH_ROWS = 6
MORE_OF_ONE = 2
# asyncpg's own look-ups, once per connection for a type it has not met yet: not the page's.
ASYNCPG_INTROSPECTION = ("WITH RECURSIVE typeinfo_tree", "SELECT current_setting('jit')", "SELECT set_config('jit'")


def _pages(app, world) -> list[tuple[str, str, str]]:
    """(route, address, person) for each GET route the every-route test visits, static files left out."""
    found = []
    for method, template in _routes(app):
        if method != "GET" or "{path:path}" in template:
            continue
        url = PARAM.sub(lambda m, t=template: _real_value(m.group(1), t, world), template)
        found += [(template, url, actor) for actor in ACTORS]
    return found


async def _get(client, world, url: str, actor: str):
    client.cookies.clear()
    token = world["sessions"][actor][0] if actor != "anonymous" else None
    return await client.get(url, headers={"Cookie": f"heard_staff={token}"} if token else {})


def _is_page(response) -> bool:
    return response.status_code == 200 and response.headers.get("content-type", "").startswith("text/html")


async def test_every_page_has_a_title_and_exactly_one_h1(app, client, world):
    pages, wrong = 0, []
    for template, url, actor in _pages(app, world):
        response = await _get(client, world, url, actor)
        if not _is_page(response):
            continue
        pages += 1
        html = response.text
        titles = re.findall(r"<title>(.*?)</title>", html, re.S)
        headings = re.findall(r"<h1[\s>]", html)
        if len(titles) != 1 or not titles[0].replace("– Heard", "").strip() or len(headings) != 1:
            wrong.append((template, actor, titles, len(headings)))

    assert not wrong, f"{len(wrong)} pages without one title and one h1: {wrong[:5]}"
    assert pages >= 60  # staff and respondent pages, as several people


class CountingPool:
    """The app's pool, handing out connections that log every statement while they are out."""

    def __init__(self, pool) -> None:
        self._pool = pool
        self.statements: list[str] = []

    def __getattr__(self, name):
        return getattr(self._pool, name)

    def _note(self, record) -> None:
        if not " ".join(record.query.split()).startswith(ASYNCPG_INTROSPECTION):
            self.statements.append(record.query)

    def acquire(self, *, timeout=None):
        return _Acquired(self, timeout)

    async def release(self, conn, *, timeout=None) -> None:
        conn.remove_query_logger(self._note)
        await self._pool.release(conn, timeout=timeout)

    async def _connection(self, timeout):
        conn = await self._pool.acquire(timeout=timeout)
        conn.add_query_logger(self._note)
        return conn

    async def fetch(self, *args, **kwargs):
        async with self.acquire() as conn:
            return await conn.fetch(*args, **kwargs)

    async def fetchrow(self, *args, **kwargs):
        async with self.acquire() as conn:
            return await conn.fetchrow(*args, **kwargs)

    async def fetchval(self, *args, **kwargs):
        async with self.acquire() as conn:
            return await conn.fetchval(*args, **kwargs)

    async def execute(self, *args, **kwargs):
        async with self.acquire() as conn:
            return await conn.execute(*args, **kwargs)


class _Acquired:
    """`await pool.acquire()` and `async with pool.acquire() as conn`, as asyncpg's pool allows both."""

    def __init__(self, counting: CountingPool, timeout) -> None:
        self._counting, self._timeout, self._conn = counting, timeout, None

    def __await__(self):
        return self._counting._connection(self._timeout).__await__()

    async def __aenter__(self):
        self._conn = await self._counting._connection(self._timeout)
        return self._conn

    async def __aexit__(self, *exc) -> None:
        await self._counting.release(self._conn)


@pytest.fixture
def counting(app, client):
    """The app's pools swapped for counting ones for one test (the read pool is the same pool here)."""
    state = app.state
    pool, read_pool = state.pool, state.read_pool
    counted = CountingPool(pool)
    state.pool = counted
    state.read_pool = counted if read_pool is pool else CountingPool(read_pool)
    yield counted
    state.pool, state.read_pool = pool, read_pool


async def _statements_per_page(app, client, world, counting) -> dict[tuple[str, str], Counter]:
    """Each page's statements (their first 80 characters, counted)."""
    counts = {}
    for template, url, actor in _pages(app, world):
        counting.statements.clear()
        response = await _get(client, world, url, actor)
        for _ in range(3):
            await asyncio.sleep(0)  # the query logger is called soon after each statement, not during it
        if _is_page(response):
            counts[(template, actor)] = Counter(" ".join(s.split())[:80] for s in counting.statements)
    return counts


async def _many_more_rows(client, pool, world) -> None:
    """Ten times what the world had of everything a page lists: people, touchpoints, answers, comments, actions,
    entries, safeguarding and reading items."""
    team, ids = world["ids"]["team_id"], world["ids"]
    people = [
        await factories.staff(pool, team_id=team, shares=index % 2 == 0, name=f"Budget Person {index}")
        for index in range(10)
    ]
    for index, person in enumerate(people):
        touchpoint = await factories.practitioner_touchpoint(
            pool, team_id=team, practitioner_id=person, audience=["parent", "8to12", "13to17"][index % 3]
        )
        await factories.responses(
            pool, touchpoint, [{"listened": 1 + index % 5, "respect": 4}] * 12, audience=touchpoint.audience
        )
        await factories.safeguarding_item(pool, touchpoint, f"Budget worry {index}")
    for index in range(10):
        await pool.execute(
            "insert into review_actions (review_id, team_id, what, owner) values ($1, $2, $3, 'Fay')",
            ids["review_id"],
            team,
            f"Budget action {index}",
        )
        await factories.you_said_entry(
            pool,
            team_id=team,
            texts={"en-GB": {"you_said": f"Budget said {index}", "we_did": "Did", "child": "Did it"}},
        )
    # Written answers, sent as a person sends them: the reading list's items (and the flagged ones' safeguarding).
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=people[0])
    for index in range(10):
        client_form = await _get(client, world, f"/t/{touchpoint.code}/form/parent", "anonymous")
        hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', client_form.text))
        words = "My dad hits me when he is angry." if index % 2 else f"The visit was fine, thank you ({index})."
        sent = await client.post(
            f"/t/{touchpoint.code}/form/parent", data={**hidden, "q_listened": "4", "q_anything_else": words}
        )
        assert sent.status_code == 303, sent.text[:300]
    assert await pool.fetchval("select count(*) from reading_items where team_id = $1", team) >= 10


async def test_no_page_runs_more_statements_with_more_rows(app, client, pool, world, counting):
    few = await _statements_per_page(app, client, world, counting)
    await _many_more_rows(client, pool, world)
    many = await _statements_per_page(app, client, world, counting)

    grew = {
        page: dict(many[page] - few[page])
        for page in few
        if page in many
        and (
            many[page].total() > few[page].total() + MORE_WITH_ROWS
            or any(n > MORE_OF_ONE for n in (many[page] - few[page]).values())
        )
    }
    over = {page: count.total() for page, count in many.items() if count.total() > BUDGET}
    assert len(few) >= 60 and set(few) == set(many)
    assert sum(count.total() for count in few.values()) > len(few), "statements are being counted"
    assert not grew, f"statements that grow with rows (N+1), the ones run more often: {grew}"
    assert not over, f"pages over the budget of {BUDGET} statements: {over}"
