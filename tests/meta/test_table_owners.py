"""Each table has one owning capability, the only one whose SQL writes it.

README.md's "Who writes each table" (under "Where things are") names each
table's owner, one line each. Every INSERT, UPDATE and DELETE in
`service/**/queries.sql`, and in any SQL string in `service/**/*.py`, must sit
in its table's owner's folder, or on the short list of exceptions below; every
table the migrations leave has an owner. Another capability that needs to
change a table calls the owner's service.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from service.settings import REPO_ROOT

SERVICE = REPO_ROOT / "service"
MIGRATIONS = SERVICE / "db" / "migrations"
HEADING = "### Who writes each table"
OWNER_LINE = re.compile(r"^- `(\w+)`: `(\w+)/`")

# (table, folder, statement name) written outside its owner, and why.
EXCEPTIONS = {
    (
        "reading_items",
        "responses",
        "store_response",
    ): "an answer is stored by one statement that claims its submission id and writes everything, so a retry is "
    "harmless and a request makes one round trip (DESIGN.md, 'Follow the respondent path')",
    ("safeguarding_items", "responses", "store_response"): "the same one statement that stores an answer",
    ("reading_items", "responses", "store_written_answers"): "store_response for written answers none of which "
    "is flagged: the same one statement without its safeguarding part",
    (
        "reading_items",
        "safeguarding",
        "close_item",
    ): "closing a safeguarding item closes the reading-list items that came with it in the same statement; reading "
    "imports safeguarding, so safeguarding calling reading's service would make an import circle",
}

_WRITE = re.compile(
    r"\b(?:insert\s+into|delete\s+from)\s+(\w+)|\bupdate\s+(\w+)(?:\s+(?:as\s+)?\w+)?\s+set\b", re.IGNORECASE
)
_COMMENT = re.compile(r"--[^\n]*")


def written_tables(sql: str) -> set[str]:
    """The tables a statement inserts into, updates or deletes from (comments ignored; `do update set` is not
    a table)."""
    found = set()
    for match in _WRITE.finditer(_COMMENT.sub("", sql)):
        table = (match.group(1) or match.group(2)).lower()
        if table != "set":
            found.add(table)
    return found


def named_statements(path: Path) -> dict[str, str]:
    sections = re.split(r"(?m)^-- name: ", path.read_text(encoding="utf-8"))[1:]
    return {section.split(None, 1)[0]: section for section in sections}


def python_sql(path: Path) -> list[str]:
    """String literals in a Python file that write (docstrings are prose, not SQL)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and re.match(r"\s*(insert|update|delete|with)\b", node.value, re.I)
    ]


def writes() -> list[tuple[str, str, str]]:
    """(table, folder, where) for every write in service/, migrations aside."""
    found = []
    for path in sorted(SERVICE.rglob("queries.sql")):
        folder = path.relative_to(SERVICE).parts[0]
        for name, sql in named_statements(path).items():
            found += [(table, folder, name) for table in sorted(written_tables(sql))]
    for path in sorted(SERVICE.rglob("*.py")):
        folder = path.relative_to(SERVICE).parts[0] if len(path.relative_to(SERVICE).parts) > 1 else path.stem
        for sql in python_sql(path):
            found += [(table, folder, str(path.relative_to(REPO_ROOT))) for table in sorted(written_tables(sql))]
    return found


def owners(readme: str) -> dict[str, str]:
    section = readme.split(HEADING, 1)[1].split("\n#", 1)[0]
    return {m.group(1): m.group(2) for line in section.splitlines() if (m := OWNER_LINE.match(line))}


def tables_in_migrations() -> set[str]:
    """The tables the migrations leave, statement by statement (partitions belong to their parent), and the
    migration runner's own record."""
    tables = {"schema_migrations"}  # made by service/db/migrate.py before the first migration
    for path in sorted(MIGRATIONS.glob("*.sql")):
        for statement in _COMMENT.sub("", path.read_text(encoding="utf-8")).lower().split(";"):
            statement = " ".join(statement.split())
            if made := re.match(r"create table (?:if not exists )?(\w+) (?!partition of)", statement + " "):
                tables.add(made.group(1))
            elif dropped := re.match(r"drop table (?:if exists )?(\w+)", statement):
                tables.discard(dropped.group(1))
            elif renamed := re.match(r"alter table (\w+) rename to (\w+)", statement):
                tables.discard(renamed.group(1))
                tables.add(renamed.group(2))
    return tables


README_OWNERS = owners((REPO_ROOT / "README.md").read_text(encoding="utf-8"))


def test_every_write_is_in_its_tables_owner():
    strays = [
        f"{folder}/ writes {table} ({where}); its owner is {README_OWNERS.get(table)}/"
        for table, folder, where in writes()
        if README_OWNERS.get(table) != folder and (table, folder, where) not in EXCEPTIONS
    ]

    assert strays == []


def test_every_table_has_one_owner_in_the_readme():
    tables = tables_in_migrations()

    assert sorted(tables - README_OWNERS.keys()) == []
    assert sorted(README_OWNERS.keys() - tables) == []  # no owner for a table that is gone
    assert sorted({folder for folder in README_OWNERS.values() if not (SERVICE / folder).is_dir()}) == []


def test_every_exception_is_still_needed():
    found = set(writes())

    assert sorted(set(EXCEPTIONS) - found) == []


def test_a_write_outside_its_owner_is_caught():
    sql = (
        "with x as (update touchpoints t set status = $1 where t.id = $2) "
        "insert into audit_log (a) values (1) on conflict (a) do update set a = 2"
    )

    assert written_tables(sql) == {"touchpoints", "audit_log"}
    assert written_tables("select 1 from responses for update of responses skip locked") == set()
    assert written_tables("-- update reviews set nothing\nselect 1") == set()
