import pytest

from service.db.sql import parse_sql, sql_beside
from service.settings import REPO_ROOT


def test_named_statements_are_split_and_trimmed():
    statements = parse_sql("-- name: one\n-- purpose\nselect 1;\n\n-- name: two\nselect $1\n")

    assert statements == {"one": "-- purpose\nselect 1", "two": "select $1"}


def test_a_name_defined_twice_is_refused():
    with pytest.raises(ValueError, match="defined twice"):
        parse_sql("-- name: one\nselect 1\n-- name: one\nselect 2")


def test_asking_for_a_missing_statement_names_the_file():
    sql = sql_beside(str(REPO_ROOT / "service" / "responses" / "queries.py"))

    with pytest.raises(KeyError, match=r"queries\.sql: no statement named 'nope'"):
        sql["nope"]


def test_every_statement_has_a_purpose_line():
    for path in (REPO_ROOT / "service").rglob("queries.sql"):
        for name, body in parse_sql(path.read_text()).items():
            assert body.startswith("-- "), f"{path}: {name} needs a purpose line"
