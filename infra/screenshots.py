"""Screenshots of every respondent page and the staff pages, for people to look at.

Used by infra/screenshots.sh. Starts Heard against a throw-away embedded
PostgreSQL, makes one touchpoint that asks who is answering, and saves
full-page screenshots at 360x640 (the viewport of a small, cheap phone) in
English and Arabic (right to left) into screenshots/<language>/. Then loads
the demo data and saves each demo role's main staff pages at 1280x800 and
360x640 into screenshots/staff/<role>/ (infra/staff_screenshots.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import asyncpg
from playwright.async_api import Page, async_playwright

from service.db.embedded import start_embedded
from service.db.migrate import migrate
from service.settings import REPO_ROOT
from service.touchpoints import codes
from service.touchpoints.queries import insert_touchpoint

CHROMIUM = "/usr/bin/chromium"
AUDIENCES = ["under8", "8to12", "13to17", "parent"]
LANGUAGES = ["en-GB", "ar"]


async def make_touchpoint(dsn: str) -> str:
    await migrate(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        team_id = await conn.fetchval("insert into teams (name) values ($1) returning id", "Riverside Family Help")
        code = codes.new_code()
        await insert_touchpoint(
            conn,
            code=code,
            team_id=team_id,
            contact_kind="home_visit",
            practitioner_id=None,
            survey_id="after-meeting",
            audience=None,
            language="en-GB",
            expires_on=dt.date.today() + dt.timedelta(days=30),
        )
        return code
    finally:
        await conn.close()


def serve(dsn: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": dsn, "HEARD_BASE_URL": base, "HEARD_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "1"], cwd=REPO_ROOT, env=env
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("Heard did not start")


async def shoot(page: Page, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path), full_page=True)
    print(path.relative_to(REPO_ROOT))


async def take_staff(base: str, dsn: str, out: Path) -> None:
    sys.path.insert(0, str(REPO_ROOT / "infra"))
    import staff_screenshots

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        await staff_screenshots.take(browser, base, dsn, out)
        await browser.close()


async def take(base: str, code: str, out: Path, width: int, height: int) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = await browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2)
        page = await context.new_page()
        for lang in LANGUAGES:
            folder = out / lang
            for name, path in [("1-welcome", ""), ("2-who", "/who"), ("9-help", "/../../help")]:
                await page.goto(f"{base}/t/{code}{path}?lang={lang}")
                await shoot(page, folder / f"{name}.png")
            for audience in AUDIENCES:
                await page.goto(f"{base}/t/{code}/form/{audience}?lang={lang}")
                await shoot(page, folder / f"3-{audience}-form.png")
                if audience == "under8":  # the next screens, one question each
                    await page.locator("input[type=radio]").nth(2).check()
                    for step in (2, 3, 4):
                        await page.locator("button[value=next]").click()
                        await page.locator(f"input[name=step][value='{step - 1}']").wait_for(state="attached")
                        if step == 2:
                            await shoot(page, folder / f"3-{audience}-form-step2.png")
                    await page.mouse.move(0, 0)
                    await shoot(page, folder / f"3-{audience}-form-last.png")
                else:  # sent empty: the problems, linked
                    await page.locator("button.send").click()
                    await page.locator("#problems").wait_for()
                    await shoot(page, folder / f"4-{audience}-problems.png")
            await page.goto(f"{base}/t/{code}/thanks?lang={lang}")
            await shoot(page, folder / "5-thanks.png")
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "screenshots")
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--height", type=int, default=640)
    parser.add_argument("--only", choices=["respondent", "staff"], help="take only these pages")
    args = parser.parse_args()
    dsn = start_embedded(Path(tempfile.mkdtemp(prefix="heard-screenshots-")))
    code = asyncio.run(make_touchpoint(dsn))
    if args.only != "respondent":
        sys.path.insert(0, str(REPO_ROOT / "infra"))
        import staff_screenshots

        staff_screenshots.load_demo(dsn)
    process, base = serve(dsn)
    try:
        if args.only != "staff":
            asyncio.run(take(base, code, args.out.resolve(), args.width, args.height))
        if args.only != "respondent":
            asyncio.run(take_staff(base, dsn, args.out.resolve()))
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
