"""The type checker is part of the test command: mypy, as configured in pyproject.toml, finds no error in
service/."""

import subprocess
import sys

from service.settings import REPO_ROOT


def test_mypy_finds_no_error():
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
