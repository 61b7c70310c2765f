"""Signing in with the organisation's account (OpenID Connect, authorization
code + PKCE) in Chromium, against a local OpenID provider the test starts
(oidc-provider-mock): an allowed domain signs in to an account an
administrator created; another domain, and an email with no account, are
refused."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from service.staff import service as staff_service
from tests.browser.conftest import _free_port, running_heard


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock in a process of its own (it uses APIs Authlib now deprecates, which this suite's
    warnings-as-errors would turn into failures inside the provider)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port), "--require-nonce"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the OpenID provider did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def heard_with_sso(dsn, provider):
    env = {
        "HEARD_OIDC_ISSUER": provider,
        "HEARD_OIDC_CLIENT_ID": "heard-test",
        "HEARD_OIDC_CLIENT_SECRET": "s3cret",
        "HEARD_OIDC_ALLOWED_DOMAINS": "council.example",
    }
    with running_heard(dsn, env=env) as (base, _):
        yield base


async def _sign_in_at_provider(page, heard: str, email: str) -> str:
    """Click Heard's single sign-on button, sign in at the provider as `email`; returns the provider's address."""
    await page.goto(f"{heard}/staff")
    await page.get_by_role("link", name="Sign in with your organisation's account").click()
    await page.get_by_role("heading", name="Authorize Client").wait_for()
    at_provider = page.url
    await page.get_by_placeholder("sub").fill(email)
    await page.get_by_role("button", name="Authorize").click()
    await page.wait_for_url(re.compile(re.escape(heard) + r"/staff"))
    return at_provider


async def test_an_allowed_domain_signs_in_to_an_account_made_for_it(page, heard_with_sso, pool):
    async with pool.acquire() as conn:
        ann = await staff_service.add_staff(
            conn, email="ann.sso@council.example", display_name="Ann Single", password=None
        )

    at_provider = await _sign_in_at_provider(page, heard_with_sso, "ann.sso@council.example")
    await page.get_by_role("heading", name="Hello, Ann Single").wait_for()

    asked = parse_qs(urlsplit(at_provider).query)
    assert asked["response_type"] == ["code"] and asked["client_id"] == ["heard-test"]
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43  # PKCE
    assert asked["nonce"][0] and asked["state"][0]
    assert asked["redirect_uri"] == [f"{heard_with_sso}/staff/sign-in/oidc/callback"]
    assert await pool.fetchval("select oidc_subject from staff where id = $1", ann) == "ann.sso@council.example"
    assert (
        await pool.fetchval(
            "select detail ->> 'method' from audit_log where staff_id = $1 and action = 'signed_in'", ann
        )
        == "openid connect"
    )
    assert await pool.fetchval("select count(*) from oidc_attempts where next_path = '/staff'") == 0  # used once


async def test_another_domain_is_refused(page, heard_with_sso, pool):
    async with pool.acquire() as conn:
        await staff_service.add_staff(conn, email="eve@elsewhere.example", display_name="Eve Elsewhere", password=None)

    await _sign_in_at_provider(page, heard_with_sso, "eve@elsewhere.example")

    await page.get_by_role("heading", name="Sign in to Heard").wait_for()
    assert "is not one that may sign in to Heard here" in await page.content()
    assert "heard_staff" not in {c["name"] for c in await page.context.cookies()}


async def test_an_email_with_no_account_is_refused(page, heard_with_sso, pool):
    await _sign_in_at_provider(page, heard_with_sso, "nobody.yet@council.example")

    await page.get_by_role("heading", name="Sign in to Heard").wait_for()
    assert "There is no Heard account for you yet" in await page.content()
    assert "heard_staff" not in {c["name"] for c in await page.context.cookies()}
    assert await pool.fetchval("select count(*) from staff where email = 'nobody.yet@council.example'") == 0
    assert (
        await pool.fetchval(
            "select count(*) from audit_log where action = 'sso_refused' and detail ->> 'why' = 'no account'"
        )
        >= 1
    )
