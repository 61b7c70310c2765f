"""README's "Where things are" names every folder of service/, so a newcomer finds each capability."""

from __future__ import annotations

import re

from service.settings import REPO_ROOT

README = REPO_ROOT / "README.md"
SERVICE = REPO_ROOT / "service"


def _section(heading: str) -> str:
    """The text under a `## heading` of the README, up to the next heading of that level or above."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^#{{1,2}} |\Z)", text, re.S | re.M)
    assert found, f'README has no "## {heading}" section'
    return found.group(1)


def _folders() -> set[str]:
    """service/'s folders with Python in them (a capability, or db/, web/, i18n/)."""
    return {
        path.name
        for path in SERVICE.iterdir()
        if path.is_dir() and not path.name.startswith(("_", ".")) and any(path.glob("*.py"))
    }


def test_service_has_the_folders_this_test_reads():
    assert {"db", "web", "responses", "staff"} <= _folders()


def test_where_things_are_names_every_service_folder():
    section = _section("Where things are")
    named = {folder for folder in _folders() if re.search(rf"(?<![\w-]){re.escape(folder)}/", section)}

    assert named == _folders(), f"missing from README's layout: {sorted(_folders() - named)}"
