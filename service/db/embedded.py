"""An embedded PostgreSQL (the pgserver package) for laptops, demos and tests.

Used only when DATABASE_URL is unset. The data lives under the configured data
directory, so it survives restarts; the server stops when the process that
started it exits.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

DATABASE = "heard"


def start_embedded(data_dir: Path, database: str = DATABASE) -> str:
    """Start (or reuse) the embedded server and return a URL for `database`."""
    # pgserver logs every pg_ctl call at INFO, including at interpreter exit.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); harmless.
        warnings.simplefilter("ignore")
        import pgserver

        data_dir = data_dir.expanduser().resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    exists = server.psql(f"select 1 from pg_database where datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'create database "{database}";')
    return server.get_uri(database=database)
