"""Ordered, forward-only SQL migrations in service/db/migrations/NNNN_what.sql.

Each is applied once, in its own transaction, while holding a PostgreSQL
advisory lock, so any number of instances can start at the same moment and
exactly one applies what is pending. A migration whose first line is
`-- heard: no-transaction` runs outside a transaction, one statement at a time,
for what PostgreSQL refuses inside one (`create index concurrently`, which
builds an index without blocking writes to a large table). Every applied migration is recorded with
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
_DOLLAR_QUOTE = re.compile(r"\$[A-Za-z_]*\$")
# The first line of a migration that must run outside a transaction.
NO_TRANSACTION = "-- heard: no-transaction"
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

    @property
    def in_transaction(self) -> bool:
        return self.sql.partition("\n")[0].strip() != NO_TRANSACTION

    def statements(self) -> list[str]:
        """A no-transaction migration's statements, each run on its own (several in one query string would
        share an implicit transaction). A statement ends with a semicolon at the end of a line; dollar-quoted
        bodies (functions, DO blocks) belong in an ordinary migration."""
        if _DOLLAR_QUOTE.search(self.sql):
            raise MigrationError(f"{self.filename}: a no-transaction migration holds no dollar-quoted bodies")
        found, current = [], []
        for line in self.sql.splitlines():
            current.append(line)
            if line.rstrip().endswith(";"):
                found.append("\n".join(current).strip())
                current = []
        rest = "\n".join(current).strip()
        if any(not line.strip().startswith("--") for line in rest.splitlines() if line.strip()):
            found.append(rest)
        return found

    @property
    def filename(self) -> str:
        return f"{self.version:04d}_{self.name}.sql"


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


async def _record(conn: asyncpg.Connection, migration: Migration) -> None:
    await conn.execute(
        "insert into schema_migrations (version, name, checksum) values ($1, $2, $3)",
        migration.version,
        migration.name,
        migration.checksum,
    )


async def _apply(conn: asyncpg.Connection, migration: Migration) -> None:
    """In one transaction with its record; or, marked no-transaction, statement by statement and recorded
    after the last. Such a migration that fails part-way keeps what ran and is tried again from its first
    statement next time, so it is written to be run again (`drop index concurrently if exists` first)."""
    if migration.in_transaction:
        async with conn.transaction():
            await conn.execute(migration.sql)
            await _record(conn, migration)
        return
    for statement in migration.statements():
        await conn.execute(statement)
    await _record(conn, migration)


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
                await _apply(conn, migration)
                log.info("applied migration", extra={"migration": migration.filename})
                done.append(migration)
            if await conn.fetchval("select to_regclass('responses_default') is not null"):
                await _prepare_months(conn)
            return done
        finally:
            await conn.execute("select pg_advisory_unlock($1)", LOCK_KEY)
    finally:
        await conn.close()
