"""One connection per request, acquired on first use and given back after the handler.

Handlers declare `conn: asyncpg.Connection` (or `viewer`, which asks for the same
connection); a page that may not need the database at all (the respondent's pages,
whose touchpoint is usually kept in memory) declares `db: RequestDb` and calls
`await db.connection()` only when it must. The three pages every respondent sees (form,
submission, thank-you) open it themselves with `async with RequestDb.for_request(request)`
instead: the same object and the same clean-up, without dependency injection's cost on the
busiest routes. A request that changes something (POST,
PUT, PATCH, DELETE) runs in one transaction, opened when the connection is first
asked for: the session check, the permission check and the write it guards commit
together or not at all, before the response is sent. A route whose writes are each
one statement (the respondent's form) opts out with `opt={"transaction": False}`
and pays no BEGIN/COMMIT round trips; a GET that writes opts in with
`opt={"transaction": True}`.

Litestar runs the cleanup after the handler (before the response is sent), and
throws a handler's exception in here first, so an error rolls back.

Requests wait for a connection in turn, first come first served (`pool_turns`,
service/db/pool.py: fair_turns): asyncpg's pool alone let a request be passed over
again and again under load.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

import asyncpg
from asyncpg.transaction import Transaction
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from .pool import UNAVAILABLE, DatabaseUnavailable, begin, discard

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A route's `opt` for a GET that writes (a sign-in that makes a session, an item whose viewing is audited).
WRITES = {"transaction": True}


class RequestDb:
    """The request's one connection (and transaction, when it writes), made on first use."""

    __slots__ = ("_conn", "_finished", "_lock", "_pool", "_turns", "_tx", "_write")

    def __init__(self, pool: asyncpg.Pool, turns: asyncio.Semaphore, *, write: bool, shared: bool = True) -> None:
        self._pool = pool
        self._turns = turns  # taken before the pool is asked, given back with the connection (pool.fair_turns)
        self._write = write
        self._conn: asyncpg.Connection | None = None
        self._tx: Transaction | None = None
        self._finished: BaseException | bool = False
        # Litestar resolves sibling dependencies concurrently (the viewer and `conn`): they wait for one connection.
        # A handler that opens its own (`for_request`) has nobody to wait for: no lock to take.
        self._lock: asyncio.Lock | nullcontext[None] = asyncio.Lock() if shared else nullcontext()

    @classmethod
    def for_request(cls, request: Request) -> RequestDb:
        """For `async with` in a handler, without dependency injection: the respondent's pages, where the
        injected generator and its clean-up were a sixth of the framework's cost per request."""
        state = request.app.state
        return cls(state.pool, state.pool_turns, write=wants_transaction(request), shared=False)

    async def __aenter__(self) -> RequestDb:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        await self.finish(error)

    async def connection(self) -> asyncpg.Connection:
        if self._conn is not None:
            return self._conn
        async with self._lock:
            return await self._connect()

    @asynccontextmanager
    async def using(self) -> AsyncIterator[asyncpg.Connection]:
        """The connection, for a dependency's queries: Litestar resolves sibling dependencies concurrently
        (the viewer and signing_in on one page), and one connection runs one query at a time."""
        async with self._lock:
            yield await self._connect()

    async def _connect(self) -> asyncpg.Connection:
        if self._finished:  # a sibling dependency failed and gave the connection back: stop the same way
            raise self._finished if isinstance(self._finished, BaseException) else RuntimeError("request over")
        if self._conn is None:
            await self._turns.acquire()
            try:
                if self._write:
                    self._conn, self._tx = await begin(self._pool)
                else:
                    self._conn = await self._pool.acquire()
            except BaseException as error:
                self._turns.release()
                if isinstance(error, UNAVAILABLE):
                    raise DatabaseUnavailable(str(error)) from error
                raise
        return self._conn

    async def finish(self, error: BaseException | None = None) -> None:
        """Commit (or roll back after an error) and give the connection back; safe to call twice."""
        async with self._lock:
            await self._finish(error)

    async def _finish(self, error: BaseException | None) -> None:
        self._finished = error if error is not None else True
        conn, tx = self._conn, self._tx
        self._conn = self._tx = None
        if conn is None:
            return
        broken = error is not None and (not isinstance(error, Exception) or isinstance(error, UNAVAILABLE))
        try:
            if tx is not None and not broken:
                if error is None:
                    await tx.commit()
                else:
                    await tx.rollback()
        except UNAVAILABLE as failed:
            broken = True
            if error is None:  # the commit itself failed: nothing was saved, say so
                raise DatabaseUnavailable(str(failed)) from failed
        finally:
            if broken:
                discard(conn)
            try:
                await self._pool.release(conn)
            except UNAVAILABLE:
                discard(conn)
            finally:
                self._turns.release()


def wants_transaction(request: Request) -> bool:
    chosen = request.route_handler.opt.get("transaction")
    return bool(chosen) if chosen is not None else request.method not in SAFE_METHODS


async def provide_db(request: Request, state: State) -> AsyncIterator[RequestDb]:
    db = RequestDb(state.pool, state.pool_turns, write=wants_transaction(request))
    try:
        yield db
    except BaseException as error:
        await db.finish(error)
        raise
    else:
        await db.finish()


async def provide_conn(db: NamedDependency[RequestDb]) -> asyncpg.Connection:
    return await db.connection()
