"""Browser tests: Heard as a real server subprocess, driven by Debian's Chromium
through Playwright (never a downloaded browser)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from service.settings import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_heard(dsn: str, *, env: dict[str, str] | None = None, command: list[str] | None = None):
    """Heard started the way `heard serve` starts it (or by `command`, given the
    port as its last argument), on a free loopback port, until the block ends.
    Yields (base URL, its log file)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": dsn,
        "HEARD_BASE_URL": base,
        "HEARD_LOG_LEVEL": "WARNING",
        "HEARD_SUBMISSIONS_PER_SOURCE": "0",
        **(env or {}),
    }
    argv = [*(command or [sys.executable, "-m", "service", "serve", "--workers", "1", "--port"]), str(port)]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(argv, cwd=REPO_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"Heard did not start: {log.read().decode()[-2000:]}") from None
                time.sleep(0.1)
        yield base, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def server(dsn: str) -> str:
    """Heard as `heard serve` runs it, shared by the browser tests."""
    with running_heard(dsn) as (base, _):
        yield base


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run infra/setup.sh --test (installs Debian's chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser: Browser):
    context = await browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB")
    page = await context.new_page()
    yield page
    await context.close()
