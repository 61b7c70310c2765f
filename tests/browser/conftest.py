"""Browser tests: Heard as a real server subprocess, driven by Debian's Chromium
through Playwright (never a downloaded browser)."""

from __future__ import annotations

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
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(dsn: str) -> str:
    """Heard started the way `heard serve` starts it, on a free loopback port."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": dsn, "HEARD_BASE_URL": base, "HEARD_LOG_LEVEL": "WARNING", "HEARD_SUBMISSIONS_PER_SOURCE": "0"}
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "1"],
                               cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                raise RuntimeError(f"Heard did not start: {log.read().decode()[-2000:]}") from None
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()


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
