"""Signing in: the right password works, nothing reveals which part was wrong,
attempts are throttled per account and per source, cookies are safe."""

import re

from service.staff import service as staff_service
from tests import factories


async def _sign_in_form(client):
    client.cookies.clear()
    page = await client.get("/staff/sign-in?next=/staff/me")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return page, token


async def test_signing_in_with_the_right_password_opens_the_page_asked_for(client, pool):
    person = await factories.staff(pool, team_id=await factories.team(pool))
    page, token = await _sign_in_form(client)

    response = await client.post(
        "/staff/sign-in",
        data={
            "email": (await factories.email_of(pool, person)).upper(),
            "password": factories.PASSWORD,
            "csrf_token": token,
            "next": "/staff/me",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/staff/me"
    cookie = response.headers["set-cookie"]
    assert "heard_staff=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Path=/staff" in cookie
    assert 'autocomplete="current-password"' in page.text  # password managers and paste work
    following = await client.get("/staff/me")
    assert "Your feedback" in following.text


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, pool):
    person = await factories.staff(pool)
    _, token = await _sign_in_form(client)
    wrong = await client.post(
        "/staff/sign-in",
        data={"email": await factories.email_of(pool, person), "password": "not it at all", "csrf_token": token},
    )
    _, token = await _sign_in_form(client)
    unknown = await client.post(
        "/staff/sign-in", data={"email": "nobody@nowhere.example", "password": "not it at all", "csrf_token": token}
    )

    assert wrong.status_code == unknown.status_code == 401
    assert "The email address or password is not right." in wrong.text
    assert "The email address or password is not right." in unknown.text
    assert "heard_staff=" not in wrong.headers.get("set-cookie", "")


async def test_the_sign_in_form_needs_its_own_token(client, pool):
    person = await factories.staff(pool)
    client.cookies.clear()

    response = await client.post(
        "/staff/sign-in",
        data={"email": await factories.email_of(pool, person), "password": factories.PASSWORD, "csrf_token": "forged"},
    )

    assert response.status_code == 403
    assert "out of date" in response.text


async def test_repeated_failures_lock_the_account_for_a_while_with_a_clear_message(client, pool):
    person = await factories.staff(pool)
    email = await factories.email_of(pool, person)
    for _ in range(staff_service.ACCOUNT_LIMIT):
        _, token = await _sign_in_form(client)
        await client.post("/staff/sign-in", data={"email": email, "password": "guess", "csrf_token": token})

    _, token = await _sign_in_form(client)
    response = await client.post(
        "/staff/sign-in", data={"email": email, "password": factories.PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 429
    assert "too many attempts to sign in" in response.text
    assert "wait 15 minutes" in response.text


async def test_one_source_trying_many_accounts_is_throttled(pool):
    async with pool.acquire() as conn:
        for attempt in range(staff_service.SOURCE_LIMIT):
            await staff_service.sign_in(conn, email=f"spray{attempt}@x.example", password="x", source="198.51.100.9")
        person = await factories.staff(pool)
        result = await staff_service.sign_in(
            conn, email=await factories.email_of(pool, person), password=factories.PASSWORD, source="198.51.100.9"
        )

    assert result.signed_in is None
    assert result.problem == "throttled"


async def test_signing_out_ends_the_session_on_the_server(client, pool):
    person = await factories.staff(pool)
    token, csrf = await factories.session(pool, person)
    client.cookies.clear()

    await client.post("/staff/sign-out", data={"csrf_token": csrf}, headers={"Cookie": f"heard_staff={token}"})
    again = await client.get("/staff", headers={"Cookie": f"heard_staff={token}"})

    assert again.status_code == 303 and again.headers["location"].startswith("/staff/sign-in")


async def test_passwords_are_stored_as_argon2_hashes(pool):
    person = await factories.staff(pool)

    stored = await pool.fetchval("select password_hash from staff where id = $1", person)

    assert stored.startswith("$argon2id$")
    assert factories.PASSWORD not in stored
