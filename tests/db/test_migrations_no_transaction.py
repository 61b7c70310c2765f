"""A migration may opt out of the transaction (first line `-- heard: no-transaction`), so an index can be built
on a large table with `create index concurrently`, which PostgreSQL refuses inside a transaction."""

import asyncpg
import pytest

from service.db import migrate

TABLE = migrate.Migration(9997, "test_big", "create table test_big (id int, label text, at date);")
CONCURRENT_INDEXES = """\
-- heard: no-transaction
-- Two indexes, built without blocking writes; safe to run again after a failure part-way.
drop index concurrently if exists test_big_label;
create index concurrently test_big_label
    on test_big (label);
drop index concurrently if exists test_big_at;
create index concurrently test_big_at on test_big (at);
"""


async def _indexes(url: str) -> dict[str, bool]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("""select c.relname, i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid
                                   where i.indrelid = 'test_big'::regclass""")
    finally:
        await conn.close()
    return {row["relname"]: row["indisvalid"] for row in rows}


async def _recorded(url: str) -> list[int]:
    conn = await asyncpg.connect(url)
    try:
        return [r["version"] for r in await conn.fetch("select version from schema_migrations where version > 9000")]
    finally:
        await conn.close()


async def test_a_no_transaction_migration_builds_indexes_concurrently_and_is_recorded(new_database):
    url = await new_database()
    indexes = migrate.Migration(9998, "test_big_indexes", CONCURRENT_INDEXES)

    applied = await migrate.migrate(url, [*migrate.discover(), TABLE, indexes])

    assert [m.version for m in applied][-2:] == [9997, 9998]
    assert await _indexes(url) == {"test_big_label": True, "test_big_at": True}
    assert await _recorded(url) == [9997, 9998]
    assert await migrate.migrate(url, [*migrate.discover(), TABLE, indexes]) == []


async def test_without_the_marker_the_same_migration_is_refused_and_not_recorded(new_database):
    url = await new_database()
    unmarked = migrate.Migration(9998, "test_big_indexes", CONCURRENT_INDEXES.replace("-- heard: no-transaction\n", ""))

    with pytest.raises(asyncpg.exceptions.ActiveSQLTransactionError):
        await migrate.migrate(url, [*migrate.discover(), TABLE, unmarked])

    assert await _recorded(url) == [9997]
    assert await _indexes(url) == {}


async def test_one_that_fails_part_way_is_not_recorded_and_runs_again_from_the_top(new_database):
    url = await new_database()
    broken = migrate.Migration(
        9998, "test_big_indexes", CONCURRENT_INDEXES.replace("on test_big (at)", "on test_big (nope)")
    )
    with pytest.raises(asyncpg.exceptions.UndefinedColumnError):
        await migrate.migrate(url, [*migrate.discover(), TABLE, broken])
    assert await _recorded(url) == [9997]

    fixed = migrate.Migration(9998, "test_big_indexes", CONCURRENT_INDEXES)
    await migrate.migrate(url, [*migrate.discover(), TABLE, fixed])

    assert await _indexes(url) == {"test_big_label": True, "test_big_at": True}
    assert await _recorded(url) == [9997, 9998]


def test_statements_are_split_at_semicolons_ending_a_line_and_comments_alone_are_dropped():
    migration = migrate.Migration(9998, "x", CONCURRENT_INDEXES + "-- the end\n")

    assert migration.statements() == [
        "-- heard: no-transaction\n-- Two indexes, built without blocking writes; safe to run again after a failure "
        "part-way.\ndrop index concurrently if exists test_big_label;",
        "create index concurrently test_big_label\n    on test_big (label);",
        "drop index concurrently if exists test_big_at;",
        "create index concurrently test_big_at on test_big (at);",
    ]


def test_a_dollar_quoted_body_is_refused_outside_a_transaction():
    body = "-- heard: no-transaction\ndo $$ begin perform 1; end $$;\n"

    with pytest.raises(migrate.MigrationError, match=r"9998_x\.sql: a no-transaction migration holds no dollar"):
        migrate.Migration(9998, "x", body).statements()


def test_only_the_first_line_marks_a_migration():
    assert not migrate.Migration(1, "x", "-- heard: no-transaction\nselect 1;").in_transaction
    assert migrate.Migration(1, "x", "select 1;\n-- heard: no-transaction\n").in_transaction
