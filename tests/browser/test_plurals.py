"""Welsh and Arabic plural forms in a real browser: the child's privacy page
says how many months written answers are kept, for 0, 1, 2, 3, 6, 11 and 100,
each in the form CLDR names for that count (Welsh and Arabic have six)."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
from babel.messages.pofile import read_po

from service.settings import REPO_ROOT
from tests.unit.test_i18n import CLDR, COUNTS

MESSAGE = "We delete what you wrote after %(count)s month."


def _expected(tag: str) -> list[str]:
    """What the catalog says for each count, picked by CLDR's category (not by the catalog's own rule)."""
    from babel import Locale

    from service.i18n import plurals

    with open(REPO_ROOT / "locales" / tag / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    forms = catalog.get(MESSAGE).string
    names = plurals.categories(Locale.parse(tag))
    assert all(forms), f"{tag}: every plural form of {MESSAGE!r} is translated"
    return [forms[names.index(category)] % {"count": count} for category, count in zip(CLDR[tag], COUNTS)]


def _serve(dsn: str, months: int):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tempfile.TemporaryFile()
    env = {**os.environ, "DATABASE_URL": dsn, "HEARD_KEEP_FREE_TEXT_MONTHS": str(months), "HEARD_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "1"],
                               cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process, log, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                raise RuntimeError(log.read().decode()[-2000:]) from None
            time.sleep(0.1)


@pytest.fixture(scope="module")
def servers(dsn):
    started = {count: _serve(dsn, count) for count in COUNTS}
    yield {count: base for count, (_, _, base) in started.items()}
    for process, log, _ in started.values():
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.mark.parametrize("tag", ["cy", "ar"])
async def test_welsh_and_arabic_plural_forms_render_for_each_count(page, servers, tag):
    shown = []
    for count in COUNTS:
        await page.goto(f"{servers[count]}/privacy?lang={tag}&for=child")
        shown.append(await page.locator("ul.promises li").nth(4).inner_text())

    assert shown == _expected(tag)
    assert len(set(_expected(tag))) >= 5, "the counts really use different forms"
