"""Staff accounts a council's IT can sign off: first passwords that work once
and expire, two-step verification (TOTP) with recovery codes, self-service
password change. (Parallel sign-ins: tests/browser/test_accounts_server.py.)"""

from __future__ import annotations

import re
import time

import pyotp

from service.staff import service as staff_service
from tests import factories
from tests.http.helpers import hidden_fields

SIGN_IN = {"Cookie": "heard_signin=form-token"}


async def _password_sign_in(client, email: str, password: str, next_path: str = "/staff"):
    client.cookies.clear()
    return await client.post(
        "/staff/sign-in",
        headers=SIGN_IN,
        data={"email": email, "password": password, "csrf_token": "form-token", "next": next_path},
    )


def _session(response) -> str:
    match = re.search(r"heard_staff=([^;]+)", response.headers.get("set-cookie", ""))
    assert match, response.headers
    return match.group(1)


async def _get(client, path: str, token: str):
    client.cookies.clear()
    return await client.get(path, headers={"Cookie": f"heard_staff={token}"})


async def _post(client, path: str, token: str, data: dict):
    client.cookies.clear()
    return await client.post(path, headers={"Cookie": f"heard_staff={token}"}, data=data)


async def _first_password(client, pool, admin_token: str, admin_csrf: str, email: str) -> str:
    team = await factories.team(pool)
    added = await _post(
        client,
        "/staff/admin/people",
        admin_token,
        {
            "csrf_token": admin_csrf,
            "display_name": "Nia New",
            "email": email,
            "team_id": str(team),
            "role": "practitioner",
        },
    )
    match = re.search(r"Their first password is:</p>|<code>([^<]+)</code>", added.text)
    codes = re.findall(r"<code>([^<]+)</code>", added.text)
    assert match and codes, added.text[:500]
    return codes[0]


async def _admin(pool) -> tuple[int, str, str]:
    admin = await factories.staff(pool, admin=True, name="Ada Admin")
    token, csrf = await factories.session(pool, admin)
    return admin, token, csrf


# First passwords --------------------------------------------------------------------------------


async def test_a_first_password_works_once_and_only_to_choose_a_new_one(client, pool):
    _, admin_token, admin_csrf = await _admin(pool)
    first = await _first_password(client, pool, admin_token, admin_csrf, "nia.new@staff.example")

    signed_in = await _password_sign_in(client, "nia.new@staff.example", first, "/staff/me")
    token = _session(signed_in)
    blocked = await _get(client, "/staff/me", token)
    again = await _password_sign_in(client, "nia.new@staff.example", first)
    form = await _get(client, "/staff/sign-in/new-password?next=/staff/me", token)
    short = await _post(
        client,
        "/staff/sign-in/new-password",
        token,
        {**hidden_fields(form.text), "password": "short", "confirm": "short"},
    )
    chosen = await _post(
        client,
        "/staff/sign-in/new-password",
        token,
        {**hidden_fields(form.text), "password": "a long one only nia knows", "confirm": "a long one only nia knows"},
    )
    new_token = _session(chosen)
    opened = await _get(client, "/staff/me", new_token)
    old_session = await _get(client, "/staff/me", token)
    with_new = await _password_sign_in(client, "nia.new@staff.example", "a long one only nia knows")

    assert signed_in.headers["location"] == "/staff/sign-in/new-password?next=/staff/me"
    assert blocked.status_code == 303 and blocked.headers["location"].startswith("/staff/sign-in/new-password")
    assert again.status_code == 401 and "The email address or password is not right." in again.text
    assert short.status_code == 422 and "at least 10 characters" in short.text
    assert chosen.headers["location"] == "/staff/me"
    assert "Your feedback" in opened.text
    assert old_session.status_code == 303  # the session the first password opened has ended
    assert with_new.status_code == 303 and with_new.headers["location"] == "/staff"
    row = await pool.fetchrow(
        "select password_is_first, password_expires_at from staff where email = $1", "nia.new@staff.example"
    )
    assert row["password_is_first"] is False and row["password_expires_at"] is None
    actions = [
        r["action"]
        for r in await pool.fetch(
            "select action from audit_log where detail ->> 'email' = $1 or (detail ->> 'staff_id')::bigint = "
            "(select id from staff where email = $1) order by id",
            "nia.new@staff.example",
        )
    ]
    assert actions[:3] == ["account_created", "role_granted", "password_changed"]


async def test_a_first_password_expires_after_72_hours(client, pool):
    _, admin_token, admin_csrf = await _admin(pool)
    first = await _first_password(client, pool, admin_token, admin_csrf, "late.larry@staff.example")
    expires = await pool.fetchval(
        "select password_expires_at - now() from staff where email = $1", "late.larry@staff.example"
    )
    await pool.execute(
        "update staff set password_expires_at = now() - interval '1 minute' where email = $1",
        "late.larry@staff.example",
    )

    response = await _password_sign_in(client, "late.larry@staff.example", first)

    assert 71.9 * 3600 < expires.total_seconds() <= 72 * 3600
    assert response.status_code == 401
    assert "has expired" in response.text and "72 hours" in response.text
    assert "heard_staff=" not in response.headers.get("set-cookie", "")


# Two-step verification ------------------------------------------------------------------------------


async def _enrol(client, pool, staff_id: int) -> tuple[str, list[str]]:
    token, _ = await factories.session(pool, staff_id)
    page = await _get(client, "/staff/two-step", token)
    secret = await pool.fetchval("select totp_secret from staff where id = $1", staff_id)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text  # typed by hand, if need be
    assert 'src="data:image/svg+xml;base64,' in page.text  # the QR code
    done = await _post(client, "/staff/two-step", token, {**hidden_fields(page.text), "code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.text)
    return secret, codes


async def test_enrolment_by_qr_code_then_sign_in_asks_for_the_code(client, pool):
    person = await factories.staff(pool, team_id=await factories.team(pool))
    email = await factories.email_of(pool, person)

    secret, codes = await _enrol(client, pool, person)
    after_password = await _password_sign_in(client, email, factories.PASSWORD, "/staff/me")
    token = _session(after_password)
    not_yet = await _get(client, "/staff/me", token)
    form = await _get(client, "/staff/sign-in/code?next=/staff/me", token)
    wrong = await _post(client, "/staff/sign-in/code", token, {**hidden_fields(form.text), "code": "000000"})
    step = int(time.time() // 30) + 1  # the next step: not yet used, still accepted (clocks differ a little)
    right = await _post(
        client,
        "/staff/sign-in/code",
        token,
        {**hidden_fields(form.text), "code": pyotp.TOTP(secret).generate_otp(step)},
    )
    opened = await _get(client, "/staff/me", token)

    assert len(codes) == 10 and len(set(codes)) == 10
    stored = [
        r["code_hash"]
        for r in await pool.fetch("select code_hash from staff_recovery_codes where staff_id = $1", person)
    ]
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert after_password.headers["location"] == "/staff/sign-in/code?next=/staff/me"
    assert not_yet.status_code == 303 and not_yet.headers["location"].startswith("/staff/sign-in/code")
    assert wrong.status_code == 401 and "That code is not right" in wrong.text
    assert right.status_code == 303 and right.headers["location"] == "/staff/me"
    assert "Your feedback" in opened.text
    assert (
        await pool.fetchval(
            "select count(*) from audit_log where staff_id = $1 and action = 'two_step_enabled'", person
        )
        == 1
    )


async def test_a_code_is_not_accepted_twice(client, pool):
    person = await factories.staff(pool)
    email = await factories.email_of(pool, person)
    secret, _ = await _enrol(client, pool, person)  # used this step's code
    token = _session(await _password_sign_in(client, email, factories.PASSWORD))
    form = await _get(client, "/staff/sign-in/code", token)

    replayed = await _post(
        client, "/staff/sign-in/code", token, {**hidden_fields(form.text), "code": pyotp.TOTP(secret).now()}
    )

    assert replayed.status_code == 401


async def test_a_recovery_code_works_once(client, pool):
    person = await factories.staff(pool)
    email = await factories.email_of(pool, person)
    _, codes = await _enrol(client, pool, person)

    first = _session(await _password_sign_in(client, email, factories.PASSWORD))
    form = await _get(client, "/staff/sign-in/code", first)
    used = await _post(client, "/staff/sign-in/code", first, {**hidden_fields(form.text), "code": codes[3].upper()})
    second = _session(await _password_sign_in(client, email, factories.PASSWORD))
    form = await _get(client, "/staff/sign-in/code", second)
    reused = await _post(client, "/staff/sign-in/code", second, {**hidden_fields(form.text), "code": codes[3]})

    assert used.status_code == 303 and used.headers["location"] == "/staff"
    assert reused.status_code == 401
    assert await pool.fetchval("select count(*) from staff_recovery_codes where staff_id = $1", person) == 9
    assert (
        await pool.fetchval(
            "select count(*) from audit_log where staff_id = $1 and action = 'recovery_code_used'", person
        )
        == 1
    )


async def test_wrong_codes_are_throttled(client, pool):
    person = await factories.staff(pool)
    email = await factories.email_of(pool, person)
    secret, _ = await _enrol(client, pool, person)
    token = _session(await _password_sign_in(client, email, factories.PASSWORD))
    form = await _get(client, "/staff/sign-in/code", token)
    fields = hidden_fields(form.text)
    for guess in range(staff_service.CODE_LIMIT):
        await _post(client, "/staff/sign-in/code", token, {**fields, "code": f"{guess:06d}"})

    right = await _post(
        client,
        "/staff/sign-in/code",
        token,
        {**fields, "code": pyotp.TOTP(secret).generate_otp(int(time.time() // 30) + 1)},
    )

    assert right.status_code == 429
    assert "too many wrong codes" in right.text


async def test_administrators_set_up_two_step_verification_before_anything_else(client, pool):
    admin = await factories.staff(pool, admin=True)
    email = await factories.email_of(pool, admin)

    signed_in = await _password_sign_in(client, email, factories.PASSWORD, "/staff/admin/people")
    token = _session(signed_in)
    admin_page = await _get(client, "/staff/admin/people", token)
    page = await _get(client, "/staff/two-step?next=/staff/admin/people", token)
    secret = await pool.fetchval("select totp_secret from staff where id = $1", admin)
    done = await _post(client, "/staff/two-step", token, {**hidden_fields(page.text), "code": pyotp.TOTP(secret).now()})
    opened = await _get(client, "/staff/admin/people", token)

    assert signed_in.headers["location"] == "/staff/two-step?next=/staff/admin/people"
    assert admin_page.status_code == 303 and admin_page.headers["location"].startswith("/staff/two-step")
    assert "Your account needs two-step verification" in page.text
    assert "Your recovery codes" in done.text and 'href="/staff/admin/people"' in done.text
    assert opened.status_code == 200 and "Everyone with an account" in opened.text


async def test_a_required_two_step_cannot_be_turned_off_by_its_owner(client, pool):
    admin = await factories.staff(pool, admin=True)
    await _enrol(client, pool, admin)
    token, csrf = await factories.session(pool, admin)

    refused = await _post(client, "/staff/two-step/off", token, {"csrf_token": csrf})

    assert refused.status_code == 422 and "cannot be turned off" in refused.text
    assert await pool.fetchval("select totp_enabled_at is not null from staff where id = $1", admin)


# Changing one's own password ---------------------------------------------------------------------------


async def test_changing_your_password_needs_the_current_one_and_ends_other_sessions(client, pool):
    person = await factories.staff(pool)
    email = await factories.email_of(pool, person)
    token, csrf = await factories.session(pool, person)
    other, _ = await factories.session(pool, person)
    page = await _get(client, "/staff/account", token)

    wrong = await _post(
        client,
        "/staff/account/password",
        token,
        {
            "csrf_token": csrf,
            "current": "not my password",
            "password": "brand new password",
            "confirm": "brand new password",
        },
    )
    differ = await _post(
        client,
        "/staff/account/password",
        token,
        {
            "csrf_token": csrf,
            "current": factories.PASSWORD,
            "password": "brand new password",
            "confirm": "brand new pasword",
        },
    )
    changed = await _post(
        client,
        "/staff/account/password",
        token,
        {
            "csrf_token": csrf,
            "current": factories.PASSWORD,
            "password": "brand new password",
            "confirm": "brand new password",
        },
    )
    fresh = _session(changed)
    shown = await _get(client, changed.headers["location"], fresh)
    other_after = await _get(client, "/staff", other)
    old_password = await _password_sign_in(client, email, factories.PASSWORD)

    assert 'autocomplete="current-password"' in page.text and 'autocomplete="new-password"' in page.text
    assert wrong.status_code == 422 and "Your current password is not right." in wrong.text
    assert differ.status_code == 422 and "not the same" in differ.text
    assert "Your password is changed" in shown.text
    assert other_after.status_code == 303
    assert old_password.status_code == 401
    assert (
        await pool.fetchval(
            "select count(*) from audit_log where staff_id = $1 and action = 'password_changed'", person
        )
        == 1
    )
