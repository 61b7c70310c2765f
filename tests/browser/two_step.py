"""Signing in as an administrator in a browser: two-step verification is
required for administrators by default, so the first sign-in sets it up (the
code computed from the secret the app would have scanned)."""

from __future__ import annotations

import re

import pyotp


async def after_password(page, pool, email: str) -> None:
    """Wait for the home page, setting up two-step verification on the way if Heard asks for it."""
    await page.get_by_role("heading", name=re.compile("^(Hello|Two-step verification)")).wait_for()
    if "/staff/two-step" in page.url:
        secret = await pool.fetchval("select totp_secret from staff where email = $1", email)
        await page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
        await page.get_by_role("button", name="Turn on two-step verification").click()
        await page.get_by_role("link", name="I have kept my recovery codes: continue").click()
        await page.get_by_role("heading", name="Hello").wait_for()
