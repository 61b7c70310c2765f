"""A built wheel is a whole Heard: built from the committed files, installed into a fresh virtual environment
far from the checkout, it answers `heard --help`, finds its surveys, migrates a database and serves a page in
Welsh (templates, compiled catalogs and htmx all come from inside the installed package).

Fast and offline: the wheel is built without build isolation (setuptools and babel are in the test lock) and
installed with --no-deps into a venv that borrows the test venv's site-packages for Heard's dependencies.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import asyncpg
import pytest
from babel.messages.pofile import read_po

from service.db.migrate import discover
from service.settings import REPO_ROOT
from tests import factories

HTMX = Path("node_modules") / "htmx.org" / "dist" / "htmx.min.js"


def _committed_tree(target: Path) -> None:
    """The files git would commit (tracked, and new ones not ignored), plus htmx: what a clean clone holds
    after `npm ci`. Nothing built or compiled in the checkout (build/, .mo files) can leak into the wheel."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / HTMX).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / HTMX, target / HTMX)


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment with only the built wheel of Heard installed in it."""
    work = tmp_path_factory.mktemp("wheel")
    _committed_tree(work / "src")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(work / "dist"),
            str(work / "src"),
        ],
        check=True,
        cwd=work,
    )
    [wheel] = (work / "dist").glob("heard-*.whl")
    env = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    site = Path(
        subprocess.run(
            [env / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Heard's dependencies, borrowed: the test venv's site-packages, after the new venv's own. Its .pth files
    # (the editable install of the checkout among them) are not read from there, so `service` is the wheel's.
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        cwd=work,
    )
    return env


def _run(venv: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    return subprocess.run(
        [str(venv / "bin" / argv[0]), *argv[1:]],
        cwd=venv,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_installed_package_is_the_wheel_not_the_checkout(venv):
    shown = _run(venv, "python", "-c", "import service, service.paths as p; print(service.__file__, p.INSTALLED)")

    where, installed = shown.stdout.split()
    assert Path(where).is_relative_to(venv) and installed == "True"


def test_heard_help_lists_the_commands(venv):
    shown = _run(venv, "heard", "--help")

    assert shown.returncode == 0
    for command in ("serve", "migrate", "surveys", "i18n"):
        assert command in shown.stdout


def test_heard_finds_its_surveys_inside_the_package(venv):
    shown = _run(venv, "heard", "surveys", "check")

    assert shown.returncode == 0, shown.stderr
    assert "after-meeting" in shown.stdout


async def test_heard_migrate_brings_a_database_up_to_date(venv, new_database):
    dsn = await new_database()

    shown = _run(venv, "heard", "migrate", env={"DATABASE_URL": dsn})

    assert shown.returncode == 0, shown.stderr
    conn = await asyncpg.connect(dsn)
    try:
        applied = await conn.fetchval("select count(*) from schema_migrations")
    finally:
        await conn.close()
    assert applied == len(discover())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _serving(venv: Path, dsn: str):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env = {**clean, "DATABASE_URL": dsn, "HEARD_BASE_URL": base, "HEARD_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [str(venv / "bin" / "heard"), "serve", "--workers", "1", "--port", str(port)],
        cwd=venv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"Heard did not start: {process.communicate()[1].decode()[-2000:]}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def _welsh(message: str) -> str:
    with (REPO_ROOT / "locales" / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        translated = read_po(po).get(message).string
    assert translated and translated != message
    return translated


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


async def test_the_installed_heard_serves_a_page_in_welsh_with_htmx(venv, new_database):
    dsn = await new_database()
    assert _run(venv, "heard", "migrate", env={"DATABASE_URL": dsn}).returncode == 0
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
    try:
        touchpoint = await factories.touchpoint(pool, audience="13to17")
    finally:
        await pool.close()

    with _serving(venv, dsn) as base:
        page = _get(f"{base}/t/{touchpoint.code}?lang=cy")
        htmx = _get(f"{base}/static/htmx.min.js")

    assert 'lang="cy"' in page
    assert _welsh("Tell us how it went") in page
    assert htmx == (REPO_ROOT / HTMX).read_text()
