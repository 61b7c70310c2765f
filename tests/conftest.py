"""Shared fixtures: a real PostgreSQL (embedded unless DATABASE_URL is set),
a migrated test database, the app in-process, and small factories."""

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


@pytest.fixture(scope="session")
def server_dsn() -> str:
    """A PostgreSQL server tests may create databases on."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    data_dir = Path(tempfile.mkdtemp(prefix="heard-test-pg-"))
    return start_embedded(data_dir, database="postgres")


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
    """The migrated database most tests share. Tests make their own rows
    (factories), so they do not need to be isolated from each other."""
    url = await new_database()
    await migrate(url)
    return url


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
    return load_settings({}, database_url=dsn, base_url="https://heard.example.org", log_level="WARNING",
                         submissions_per_source=0)


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
