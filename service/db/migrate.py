"""Ordered, forward-only SQL migrations in service/db/migrations/NNNN_what.sql.

Each is applied once, in its own transaction, while holding a PostgreSQL
advisory lock, so any number of instances can start at the same moment and
exactly one applies what is pending. Every applied migration is recorded with
a checksum; a file changed after it was applied is refused, because the
database no longer matches what the code says it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from pathlib import Path

import asyncpg
import msgspec

from . import partitions

log = logging.getLogger("heard.migrate")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_FILENAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# An arbitrary constant shared by every Heard instance: "heard migrations".
LOCK_KEY = 0x68656172_6D69


class MigrationError(Exception):
    pass


class Migration(msgspec.Struct, frozen=True):
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILENAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files are named NNNN_what.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{directory}: two migrations share a number")
    return found


_CREATE_LEDGER = """
create table if not exists schema_migrations (
    version    integer primary key,
    name       text not null,
    checksum   text not null,
    applied_at timestamptz not null default now()
)
"""


async def _applied(conn: asyncpg.Connection) -> dict[int, str]:
    exists = await conn.fetchval("select to_regclass('schema_migrations') is not null")
    if not exists:
        return {}
    rows = await conn.fetch("select version, checksum from schema_migrations")
    return {row["version"]: row["checksum"] for row in rows}


def _check_unchanged(migrations: list[Migration], applied: dict[int, str]) -> None:
    for migration in migrations:
        recorded = applied.get(migration.version)
        if recorded is not None and recorded != migration.checksum:
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name}.sql was changed after it was "
                "applied to this database. Applied migrations are immutable: restore the file "
                "and put the change in a new migration."
            )


async def pending(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> list[Migration]:
    """Migrations the database has not had yet (raises if one was edited)."""
    migrations = discover() if migrations is None else migrations
    applied = await _applied(conn)
    _check_unchanged(migrations, applied)
    return [m for m in migrations if m.version not in applied]


async def _prepare_months(conn: asyncpg.Connection) -> None:
    """This month's and the coming months' partitions. Starting never waits long for them: if long reads
    hold the tables, the nightly retention run or the next start makes them (answers wait safely in the
    default partition meanwhile)."""
    try:
        async with conn.transaction():
            await conn.execute("set local lock_timeout = '5s'")
            made = await partitions.prepare_months(conn, today=dt.date.today())
    except asyncpg.exceptions.LockNotAvailableError:
        log.warning("monthly partitions not made: tables busy; the next start or retention run makes them")
        return
    if made:
        log.info("made monthly partitions", extra={"partitions": made})


async def migrate(dsn: str, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply what is pending under the advisory lock; return what this call applied."""
    migrations = discover() if migrations is None else migrations
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("select pg_advisory_lock($1)", LOCK_KEY)
        try:
            await conn.execute(_CREATE_LEDGER)
            done = []
            for migration in await pending(conn, migrations):
                async with conn.transaction():
                    await conn.execute(migration.sql)
                    await conn.execute(
                        "insert into schema_migrations (version, name, checksum) values ($1, $2, $3)",
                        migration.version,
                        migration.name,
                        migration.checksum,
                    )
                log.info("applied migration", extra={"migration": f"{migration.version:04d}_{migration.name}"})
                done.append(migration)
            if await conn.fetchval("select to_regclass('responses_default') is not null"):
                await _prepare_months(conn)
            return done
        finally:
            await conn.execute("select pg_advisory_unlock($1)", LOCK_KEY)
    finally:
        await conn.close()
