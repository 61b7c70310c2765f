"""The asyncpg pool: created at start-up, held in app state, closed at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import msgspec
from asyncpg.transaction import Transaction


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb in and out through msgspec, registered once per connection.
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=lambda value: b"\x01" + msgspec.json.encode(value),
        decoder=lambda data: msgspec.json.decode(data[1:]),
        format="binary",
    )


async def _no_reset(conn: asyncpg.Connection) -> None:
    """Skip asyncpg's per-release reset (one extra round trip, ~20% of POST
    throughput). Safe because Heard keeps no session state on pooled
    connections: no SET, LISTEN or advisory locks (migrations use their own
    connection)."""


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_no_reset,
        # Fail fast when PostgreSQL is away, so the person sees "try again"
        # instead of a spinning page.
        timeout=5,
        command_timeout=10,
    )


def fair_turns(pool_size: int) -> asyncio.Semaphore:
    """Requests get a pooled connection in the order they asked for one.

    asyncpg's pool keeps its free connections in an asyncio queue, which gives a connection handed back to
    whichever request asks next, not to the one that has waited longest: the waiter woken for it often finds it
    taken and goes to the back of the line again. Under load most submissions got a connection at once while
    a few waited hundreds of milliseconds, and those few made Heard's slowest answers. A request takes one of
    `pool_size` turns first and gives it back with its connection; asyncio's Semaphore hands a turn given back
    to the request that has waited longest."""
    return asyncio.Semaphore(pool_size)


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached right now; the person should try again."""


# What asyncpg and the OS raise when the server is down, restarting or gone.
_UNAVAILABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
    # A connection an outage left in the middle of an operation.
    asyncpg.exceptions.InternalClientError,
)

# After PostgreSQL restarts, every idle pooled connection is dead and is only
# found out when used. BEGIN on a dead one fails before anything was done, so
# another (or a new) connection is tried: no "try again" page once PostgreSQL
# is back. Bounded, so an outage still answers quickly.
_BEGIN_ATTEMPTS = 3


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection and one transaction; an error rolls back, an outage
    becomes DatabaseUnavailable. A connection that failed is closed, never
    handed to the next request."""
    try:
        conn, tx = await _begin(pool)
        try:
            yield conn
        except BaseException as error:
            if isinstance(error, Exception) and not isinstance(error, _UNAVAILABLE):
                try:
                    await tx.rollback()
                except _UNAVAILABLE:
                    _discard(conn)
            else:  # an outage, or cancelled mid-query: the connection's state is unknown
                _discard(conn)
            raise
        else:
            try:
                await tx.commit()
            except _UNAVAILABLE:
                _discard(conn)
                raise
        finally:
            await pool.release(conn)
    except _UNAVAILABLE as error:
        raise DatabaseUnavailable(str(error)) from error


def _discard(conn: asyncpg.Connection) -> None:
    """Close a connection whose state is unknown; the pool opens a new one."""
    with contextlib.suppress(asyncpg.exceptions.InterfaceError):  # already closed or given back
        conn.terminate()


async def _begin(pool: asyncpg.Pool) -> tuple[asyncpg.Connection, Transaction]:
    for attempt in range(_BEGIN_ATTEMPTS):
        conn = await pool.acquire()
        tx = conn.transaction()
        try:
            await tx.start()
            return conn, tx
        except BaseException as error:
            _discard(conn)
            await pool.release(conn)
            if not isinstance(error, _UNAVAILABLE) or attempt == _BEGIN_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@asynccontextmanager
async def statements(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection and no transaction, for statements that each stand alone
    (a read; a write that is one statement, atomic by itself): one round trip
    each instead of three (BEGIN, the statement, COMMIT). An outage becomes
    DatabaseUnavailable and the connection is closed, as with transaction()."""
    try:
        conn = await pool.acquire()
        try:
            yield conn
        except BaseException as error:
            if not isinstance(error, Exception) or isinstance(error, _UNAVAILABLE):
                _discard(conn)
            raise
        finally:
            await pool.release(conn)
    except _UNAVAILABLE as error:
        raise DatabaseUnavailable(str(error)) from error


# For the per-request connection (service/db/request.py).
UNAVAILABLE = _UNAVAILABLE
begin = _begin
discard = _discard
