"""The linter and the formatter are part of the test command: `ruff check` finds nothing and `ruff format`
would change nothing, as configured in pyproject.toml."""

import subprocess
import sys

from service.settings import REPO_ROOT


def test_ruff_finds_nothing():
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_code_is_formatted():
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
