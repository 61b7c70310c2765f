"""Shared fixtures: a real PostgreSQL (embedded unless DATABASE_URL is set),
a migrated test database, the app in-process, and small factories.

Every test starts from the database as migrations and start-up leave it: before
each test that uses the database, every table is emptied except the three that
only migrations and start-up write (schema_migrations, survey_versions,
instance_keys). Emptying ~40 small tables takes a few milliseconds; cloning a
template database per test took 0.2-0.6 s here, and the app in-process and the
browser tests' server would have to reconnect to each clone. A module whose
module-scoped fixtures make rows its tests share says so with
`pytestmark = pytest.mark.shared_rows`: its database is emptied once, before the
module, not before each of its tests.

Tests are marked by folder (unit, db, http, browser), so
`bash infra/test.sh -m "not browser"` is the fast loop."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.db.embedded import start_embedded
from service.db.migrate import migrate
from service.db.pool import create_pool
from service.settings import load_settings
from tests import factories


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + database))


# What each folder's tests need; `-m "not browser"` and the like pick by it.
FOLDER_MARKS = {"unit": "unit", "meta": "unit", "db": "db", "privacy": "db", "http": "http", "browser": "browser"}
# Written only by migrations and start-up, never by a test's rows: kept between tests.
KEPT_TABLES = frozenset({"schema_migrations", "survey_versions", "instance_keys"})


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        folder = Path(item.path).relative_to(tests).parts[0]
        if folder in FOLDER_MARKS:
            item.add_marker(FOLDER_MARKS[folder])


async def _quick_and_forgetful(dsn: str) -> None:
    """A throwaway test server need not survive a power cut: no fsync on commit
    (the suite's committed writes, migrations and table-emptying run several times faster)."""
    conn = await asyncpg.connect(dsn)
    try:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            await conn.execute(f"alter system set {setting} = off")
        await conn.execute("select pg_reload_conf()")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def server_dsn() -> str:
    """A PostgreSQL server tests may create databases on."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    data_dir = Path(tempfile.mkdtemp(prefix="heard-test-pg-"))
    dsn = start_embedded(data_dir, database="postgres")
    await _quick_and_forgetful(dsn)
    return dsn


@pytest.fixture(scope="session")
def new_database(server_dsn: str):
    """Make an empty database with a unique name; returns its URL."""

    async def make() -> str:
        name = f"heard_test_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(server_dsn)
        try:
            await conn.execute(f'create database "{name}"')
        finally:
            await conn.close()
        return with_database(server_dsn, name)

    return make


@pytest.fixture(scope="session")
async def dsn(new_database) -> str:
    """The migrated database the app, the browser tests' server and most tests use;
    emptied before each test (`fresh_rows`)."""
    url = await new_database()
    await migrate(url)
    return url


# Every table but the kept ones, read afresh each time (a test may add a partition): its rows deleted.
_EMPTY = """
do $$
declare
    name text;
begin
    set local session_replication_role = replica;  -- no triggers, no foreign-key checks: every table is emptied
    for name in
        select format('%I.%I', n.nspname, c.relname)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and not c.relispartition and c.relname <> all($kept$)
          and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
    loop
        execute 'delete from ' || name;
    end loop;
end
$$"""


class Emptier:
    """Deletes every row a test can have made, in one round trip on a connection of its own. Without
    the right to skip triggers (a non-superuser DATABASE_URL), TRUNCATE ... CASCADE does it, slower."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.conn: asyncpg.Connection | None = None
        kept = "'{" + ",".join(sorted(KEPT_TABLES)) + "}'::name[]"
        self.statement = _EMPTY.replace("$kept$", kept)

    async def empty(self) -> None:
        if self.conn is None or self.conn.is_closed():
            self.conn = await asyncpg.connect(self.dsn)
        try:
            await self.conn.execute(self.statement)
        except asyncpg.InsufficientPrivilegeError:
            tables = await self.conn.fetch(
                "select format('%I.%I', schemaname, tablename) as name from pg_tables "
                "where schemaname = 'public' and tablename <> all($1::name[])",
                sorted(KEPT_TABLES),
            )
            await self.conn.execute(f"truncate {', '.join(row['name'] for row in tables)} cascade")

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


@pytest.fixture(autouse=True)
def fresh_rows(request: pytest.FixtureRequest) -> None:
    """Each test that uses the database starts with no rows of other tests'."""
    if "dsn" in request.fixturenames and not request.node.get_closest_marker("shared_rows"):
        request.getfixturevalue("_emptied")


@pytest.fixture(scope="module", autouse=True)
def fresh_rows_for_module(request: pytest.FixtureRequest) -> None:
    """A module marked shared_rows starts with no rows of other tests' (its own stay between its tests)."""
    if request.node.get_closest_marker("shared_rows"):
        request.getfixturevalue("_emptied_for_module")


@pytest.fixture(scope="session")
async def emptier(dsn: str) -> AsyncIterator[Emptier]:
    emptier = Emptier(dsn)
    yield emptier
    await emptier.close()


@pytest.fixture
async def _emptied(emptier: Emptier) -> None:
    await emptier.empty()


@pytest.fixture(scope="module")
async def _emptied_for_module(emptier: Emptier) -> None:
    await emptier.empty()


@pytest.fixture(scope="session")
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(dsn, min_size=1, max_size=5)
    yield pool
    await pool.close()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection whose changes are rolled back after the test."""
    async with pool.acquire() as connection:
        transaction = connection.transaction()
        await transaction.start()
        yield connection
        await transaction.rollback()


@pytest.fixture(scope="session")
def settings(dsn: str):
    # Every test posts from the same test client: flood control is tested on its own.
    return load_settings(
        {}, database_url=dsn, base_url="https://heard.example.org", log_level="WARNING", submissions_per_source=0
    )


@pytest.fixture(scope="session")
async def app(settings):
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app) -> AsyncIterator[AsyncTestClient]:
    # https, like a real deployment, so Secure cookies travel.
    async with AsyncTestClient(app=app, base_url="https://heard.example.org") as test_client:
        test_client.follow_redirects = False  # tests look at the 303 itself
        yield test_client


@pytest.fixture
async def touchpoint(pool: asyncpg.Pool):
    """A committed, active touchpoint that asks who is answering."""
    return await factories.touchpoint(pool)
