"""The README is a newcomer's best friend: it names every setting and command."""

import re

from service.cli import COMMANDS
from service.settings import ENVIRONMENT, REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def test_readme_documents_every_setting():
    missing = [variable for variable in ENVIRONMENT if f"`{variable}`" not in README]

    assert missing == []


def test_readme_documents_every_command():
    missing = [command for command in COMMANDS if not re.search(rf"`heard {command}\b", README)]

    assert missing == []


def test_ci_runs_exactly_the_readme_test_command():
    ci = [
        line
        for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set "))
    ]

    assert ci == ["bash infra/test.sh"]
    assert "\nbash infra/test.sh\n" in README
    assert "\nbash infra/run.sh\n" in README
