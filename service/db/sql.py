"""SQL lives in .sql files, one per capability, split into named statements.

    -- name: insert_response
    -- Store one response; $1 submission id, ... (purpose line)
    insert into ...

Files are parsed once at import. Asking for a name that does not exist fails
at import time, so a typo never waits for a request to surface.
"""

from __future__ import annotations

import re
from pathlib import Path

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class SqlFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.statements = parse_sql(path.read_text(encoding="utf-8"), str(path))

    def __getitem__(self, name: str) -> str:
        try:
            return self.statements[name]
        except KeyError:
            raise KeyError(f"{self.path}: no statement named {name!r}") from None


def parse_sql(text: str, origin: str = "<sql>") -> dict[str, str]:
    parts = _NAME.split(text)
    statements: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        if name in statements:
            raise ValueError(f"{origin}: statement {name!r} is defined twice")
        statements[name] = body.strip().rstrip(";")
    return statements


def sql_beside(module_file: str, filename: str = "queries.sql") -> SqlFile:
    """The SQL file that sits next to a queries.py module."""
    return SqlFile(Path(module_file).with_name(filename))
