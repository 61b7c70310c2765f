"""Screenshots of the staff pages, as each demo role sees them, at 1280x800
(a laptop) and 360x640 (a phone), for people to look at.

Used by infra/screenshots.py (`bash infra/screenshots.sh`): loads the demo
data (`heard demo`) into the throw-away database, signs in as each demo
account (the administrator sets up two-step verification on the way) and
saves full-page screenshots into <out>/staff/<role>/<page>-<width>.png.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import asyncpg
import pyotp
from playwright.async_api import Browser, Page

from service.demo import ADMIN, DEMO_PASSWORD, DEMO_TEAM, PEOPLE
from service.settings import REPO_ROOT

SIZES = [(1280, 800), (360, 640)]
ACCOUNTS = {  # role -> email of its demo account
    "practitioner": PEOPLE[0][0],
    "team_manager": next(p[0] for p in PEOPLE if p[2] == "team_manager"),
    "safeguarding_lead": next(p[0] for p in PEOPLE if p[2] == "safeguarding_lead"),
    "admin": ADMIN[0],
}


def load_demo(dsn: str) -> None:
    env = {**os.environ, "DATABASE_URL": dsn, "HEARD_LOG_LEVEL": "WARNING"}
    subprocess.run(
        [sys.executable, "-m", "service", "demo"], cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


async def pages_for(dsn: str, role: str) -> list[tuple[str, str]]:
    """(name, path) of the main pages this role uses."""
    conn = await asyncpg.connect(dsn)
    try:
        team = await conn.fetchval("select id from teams where name = $1", DEMO_TEAM)
        email = ACCOUNTS[role]
        me = await conn.fetchval("select id from staff where email = $1", email)
        mine = await conn.fetchval("select id from touchpoints where practitioner_id = $1 order by id limit 1", me)
        any_touchpoint = await conn.fetchval("select id from touchpoints where team_id = $1 order by id limit 1", team)
        review = await conn.fetchval("select id from reviews where team_id = $1 order by id limit 1", team)
    finally:
        await conn.close()
    found = [("1-home", "/staff")]
    if role == "practitioner":
        found += [
            ("2-my-feedback", "/staff/me"),
            ("3-team", f"/staff/teams/{team}"),
            ("4-touchpoints", f"/staff/teams/{team}/touchpoints"),
            ("5-my-touchpoint", f"/staff/touchpoints/{mine}"),
            ("6-show-my-qr", "/staff/me/qr"),
        ]
    elif role == "team_manager":
        found += [
            ("2-team", f"/staff/teams/{team}"),
            ("3-team-under-8s", f"/staff/teams/{team}?audience=under8"),
            ("4-touchpoints", f"/staff/teams/{team}/touchpoints"),
            ("5-touchpoint", f"/staff/touchpoints/{any_touchpoint}"),
            ("6-reviews", f"/staff/teams/{team}/reviews"),
        ]
        if review:
            found.append(("7-review", f"/staff/reviews/{review}"))
            found.append(("8-review-do", f"/staff/reviews/{review}/do"))  # step 3: the actions and their sources
            found.append(("9-review-print", f"/staff/reviews/{review}/print"))
    elif role == "safeguarding_lead":
        found += [
            ("2-safeguarding-queue", "/staff/safeguarding"),
            ("3-reading-list", "/staff/reading"),
            ("4-team", f"/staff/teams/{team}"),
        ]
    else:
        found += [
            ("2-teams", "/staff/admin/teams"),
            ("3-people", "/staff/admin/people"),
            ("4-what-helped", "/staff/admin/actions"),
            ("5-audit", "/staff/admin/audit"),
        ]
    return found


async def sign_in(page: Page, base: str, dsn: str, email: str) -> None:
    await page.goto(f"{base}/staff")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name=re.compile("^(Hello|Two-step verification)")).wait_for()
    if "/staff/two-step" in page.url:  # administrators set up two-step verification first
        conn = await asyncpg.connect(dsn)
        try:
            secret = await conn.fetchval("select totp_secret from staff where email = $1", email)
        finally:
            await conn.close()
        await page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
        await page.get_by_role("button", name="Turn on two-step verification").click()
        await page.get_by_role("link", name="I have kept my recovery codes: continue").click()
        await page.get_by_role("heading", name="Hello").wait_for()


async def take(browser: Browser, base: str, dsn: str, out: Path) -> None:
    for role, email in ACCOUNTS.items():
        context = await browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
        page = await context.new_page()
        await sign_in(page, base, dsn, email)
        for name, path in await pages_for(dsn, role):
            for width, height in SIZES:
                await page.set_viewport_size({"width": width, "height": height})
                await page.goto(base + path)
                target = out / "staff" / role / f"{name}-{width}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(target), full_page=True)
                print(
                    target.relative_to(REPO_ROOT),
                    f"{await page.evaluate('document.documentElement.scrollHeight')} px tall",
                )
        await context.close()
