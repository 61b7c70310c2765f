"""Migrations: applied once however many instances start together; edits refused."""

import asyncio

import asyncpg
import pytest

from service.db import migrate


async def test_migrations_started_concurrently_are_applied_exactly_once(new_database):
    url = await new_database()

    results = await asyncio.gather(*(migrate.migrate(url) for _ in range(4)))

    applied = [m.version for result in results for m in result]
    assert sorted(applied) == [m.version for m in migrate.discover()]
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("select version from schema_migrations order by version")
        assert [r["version"] for r in rows] == [m.version for m in migrate.discover()]
        assert await migrate.pending(conn) == []
    finally:
        await conn.close()


async def test_running_migrate_again_applies_nothing(new_database):
    url = await new_database()
    await migrate.migrate(url)

    assert await migrate.migrate(url) == []


async def test_a_migration_edited_after_it_was_applied_is_refused(new_database):
    url = await new_database()
    await migrate.migrate(url)
    original = migrate.discover()
    edited = [migrate.Migration(original[0].version, original[0].name, original[0].sql + "\n-- tweak\n"), *original[1:]]

    with pytest.raises(migrate.MigrationError, match=r"0001_foundation\.sql was changed after it was applied"):
        await migrate.migrate(url, edited)


async def test_a_new_migration_is_applied_after_the_existing_ones(new_database):
    url = await new_database()
    await migrate.migrate(url)
    extra = migrate.Migration(9999, "test_extra", "create table test_extra (id int)")

    applied = await migrate.migrate(url, [*migrate.discover(), extra])

    assert [m.version for m in applied] == [9999]
