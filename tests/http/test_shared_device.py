"""Shared tablets and answers that waited offline, over HTTP against the real
database: the day stored with a late answer, a retry stored once, the staff
exit PIN (hashed, guesses limited) and when each device last sent answers."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

from tests import factories
from tests.http.helpers import answers, hidden_fields

TODAY = dt.date.today()
WORDS = "The meeting room was too cold to think."


async def _form(client, touchpoint, audience="parent") -> dict[str, str]:
    response = await client.get(f"/t/{touchpoint.code}/form/{audience}")
    return hidden_fields(response.text)


@contextlib.asynccontextmanager
async def _version_first_seen(pool, form: dict[str, str], days_ago: int):
    """The survey version the form was rendered from, as if first seen `days_ago` days ago (put back after)."""
    before = await pool.fetchval(
        "select first_seen_at from survey_versions where survey_id = $1 and version_hash = $2",
        form["survey"],
        form["version"],
    )
    await pool.execute(
        "update survey_versions set first_seen_at = now() - make_interval(days => $3) "
        "where survey_id = $1 and version_hash = $2",
        form["survey"],
        form["version"],
        days_ago,
    )
    try:
        yield
    finally:
        await pool.execute(
            "update survey_versions set first_seen_at = $3 where survey_id = $1 and version_hash = $2",
            form["survey"],
            form["version"],
            before,
        )


async def _send(client, touchpoint, form, **extra):
    body = {**form, **answers(listened="4", anything_else=WORDS), **extra}
    return await client.post(f"/t/{touchpoint.code}/form/parent", data=body)


async def test_an_answer_that_waited_on_a_device_is_stored_with_the_day_it_was_given(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    form = await _form(client, touchpoint)
    given = TODAY - dt.timedelta(days=9)  # longer than a week on the tablet: still accepted

    async with _version_first_seen(pool, form, days_ago=30):
        response = await _send(client, touchpoint, form, answered_on=given.isoformat())

    assert response.status_code == 303 and "/thanks" in response.headers["location"]
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["submitted_on"] == given
    assert stored["free_text"] == {"anything_else": WORDS}
    listed = await pool.fetchrow(
        "select arrived_on, body from reading_items where submission_id = $1", uuid.UUID(form["submission_id"])
    )
    assert listed["body"] == WORDS, "screened and on the reading list like any other"
    assert listed["arrived_on"] == TODAY, "read within the working hours from the day it arrived"


async def test_a_device_day_in_the_future_is_stored_as_today(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    form = await _form(client, touchpoint)

    await _send(client, touchpoint, form, answered_on=(TODAY + dt.timedelta(days=40)).isoformat())

    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["submitted_on"] == TODAY


async def test_a_device_day_before_the_survey_version_existed_is_its_first_day(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    form = await _form(client, touchpoint)

    async with _version_first_seen(pool, form, days_ago=3):
        await _send(client, touchpoint, form, answered_on="2001-02-03")

    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["submitted_on"] == TODAY - dt.timedelta(days=3)


async def test_a_nonsense_device_day_is_today(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")
    form = await _form(client, touchpoint)

    response = await _send(client, touchpoint, form, answered_on="yesterday, 3pm")

    assert response.status_code == 303
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["submitted_on"] == TODAY


async def test_a_retry_after_a_lost_confirmation_is_stored_once(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    form = await _form(client, touchpoint)
    given = (TODAY - dt.timedelta(days=1)).isoformat()

    first = await _send(client, touchpoint, form, answered_on=given)
    again = await client.post(
        f"/t/{touchpoint.code}/form/parent",
        headers={"HX-Request": "true"},
        data={**form, **answers(listened="4", anything_else=WORDS), "answered_on": given},
    )

    assert "/thanks" in first.headers["location"]
    assert "again=1" in again.headers["hx-redirect"], "the service worker reads this as: Heard has it"
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1
    assert (
        await pool.fetchval(
            "select count(*) from reading_items where submission_id = $1", uuid.UUID(form["submission_id"])
        )
        == 1
    )


async def test_a_shared_device_is_remembered_by_its_random_id_and_day_only(client, pool):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True, team_id=team)
    device = uuid.uuid4()

    await _send(client, touchpoint, await _form(client, touchpoint), device=str(device))
    await _send(client, touchpoint, await _form(client, touchpoint), device=str(device))

    rows = await pool.fetch("select * from device_last_sent where touchpoint_id = $1", touchpoint.id)
    assert [dict(row) for row in rows] == [{"touchpoint_id": touchpoint.id, "device_id": device, "last_sent_on": TODAY}]
    token, _ = await factories.session(pool, manager)
    client.cookies.clear()
    page = await client.get(f"/staff/touchpoints/{touchpoint.id}", headers={"Cookie": f"heard_staff={token}"})
    assert "When each device last sent answers" in page.text
    assert str(device)[:8] in page.text
    client.cookies.clear()


async def test_a_device_id_sent_to_a_touchpoint_on_someones_own_phone_is_not_kept(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")

    await _send(client, touchpoint, await _form(client, touchpoint), device=str(uuid.uuid4()))

    assert await pool.fetchval("select count(*) from device_last_sent where touchpoint_id = $1", touchpoint.id) == 0
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_a_shared_devices_pages_are_never_kept_by_the_browser_and_say_answers_disappear(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True, idle_seconds=240)

    form = await client.get(f"/t/{touchpoint.code}/form/parent")
    welcome = await client.get(f"/t/{touchpoint.code}")

    assert form.headers["cache-control"] == "no-store"
    assert "your answers disappear from this tablet" in form.text
    assert "your answers disappear from this tablet" in welcome.text
    assert 'data-idle="240"' in form.text and f'data-lock="/t/{touchpoint.code}"' in form.text
    assert 'autocomplete="off"' in form.text
    assert f'href="/t/{touchpoint.code}/exit"' in form.text
    own_phone = await client.get(f"/t/{(await factories.touchpoint(pool, audience='parent')).code}/form/parent")
    assert "data-lock" not in own_phone.text and "disappear from this tablet" not in own_phone.text


async def test_the_staff_sets_an_exit_pin_that_is_stored_hashed(client, pool):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await factories.touchpoint(pool, audience="parent", team_id=team)
    token, csrf = await factories.session(pool, manager)
    client.cookies.clear()
    cookie = {"Cookie": f"heard_staff={token}"}
    fields = {
        "csrf_token": csrf,
        "contact_kind": "home_visit",
        "audience": "parent",
        "language": "en-GB",
        "shared_device": "yes",
        "idle_minutes": "2",
    }

    refused = await client.post(
        f"/staff/touchpoints/{touchpoint.id}", headers=cookie, data={**fields, "exit_pin": "12a"}
    )
    saved = await client.post(
        f"/staff/touchpoints/{touchpoint.id}", headers=cookie, data={**fields, "exit_pin": "482913"}
    )

    assert refused.status_code == 422 and "A PIN is 4 to 8 digits" in refused.text
    assert saved.status_code == 303
    row = await pool.fetchrow(
        "select shared_device, idle_seconds, exit_pin_hash from touchpoints where id = $1", touchpoint.id
    )
    assert row["shared_device"] and row["idle_seconds"] == 120
    assert row["exit_pin_hash"].startswith("$argon2id$") and "482913" not in row["exit_pin_hash"]
    page = await client.get(f"/staff/touchpoints/{touchpoint.id}", headers=cookie)
    assert "A PIN is set" in page.text
    client.cookies.clear()


async def test_the_exit_pin_takes_the_tablet_off_its_touchpoint(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True, exit_pin="2468")

    asked = await client.get(f"/t/{touchpoint.code}/exit")
    wrong = await client.post(f"/t/{touchpoint.code}/exit", data={"pin": "1357"})
    right = await client.post(f"/t/{touchpoint.code}/exit", data={"pin": "2468"})

    assert "type this touchpoint's PIN" in asked.text and "data-lock=" in asked.text
    assert wrong.status_code == 422 and "That PIN is not right" in wrong.text and "data-unlock" not in wrong.text
    assert right.status_code == 200 and "data-unlock" in right.text
    assert "The tablet is off this touchpoint" in right.text and "data-lock" not in right.text


async def test_pin_guesses_are_limited(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True, exit_pin="2468")

    for guess in ("0000", "1111", "2222", "3333", "4444"):
        assert (await client.post(f"/t/{touchpoint.code}/exit", data={"pin": guess})).status_code == 422
    blocked = await client.post(f"/t/{touchpoint.code}/exit", data={"pin": "2468"})

    assert blocked.status_code == 429 and "Too many wrong PINs" in blocked.text
    assert "data-unlock" not in blocked.text


async def test_no_exit_without_a_pin_or_on_someones_own_phone(client, pool):
    no_pin = await factories.touchpoint(pool, audience="parent", shared_device=True)
    own_phone = await factories.touchpoint(pool, audience="parent", exit_pin="2468")

    empty = await client.post(f"/t/{no_pin.code}/exit", data={"pin": ""})
    elsewhere = await client.post(f"/t/{own_phone.code}/exit", data={"pin": "2468"})

    assert empty.status_code == 422 and "data-unlock" not in empty.text
    assert elsewhere.status_code == 404 and "data-unlock" not in elsewhere.text


async def test_the_service_worker_is_served_from_the_root_and_checked_for_updates(client):
    response = await client.get("/sw.js")

    assert response.status_code == 200 and "heard-outbox" in response.text
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_heards_own_scripts_are_served_without_their_comments(client, app):
    served = (await client.get("/static/sw.js")).text
    heard = (await client.get("/static/heard.js")).text

    assert "/*" not in served and "\n//" not in served and "heard-outbox" in served
    assert "/*" not in heard and "toWorker" in heard


async def test_the_reading_list_says_when_words_waited_on_a_device_a_week_or_more(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    lead = await factories.staff(pool, team_id=touchpoint.team_id, role="safeguarding_lead")
    token, _ = await factories.session(pool, lead)
    shown = {}
    for days in (9, 3):  # HEARD_OFFLINE_LATE_DAYS is 7
        client.cookies.clear()
        form = await _form(client, touchpoint)
        async with _version_first_seen(pool, form, days_ago=30):
            await _send(client, touchpoint, form, answered_on=(TODAY - dt.timedelta(days=days)).isoformat())
        item = await pool.fetchrow(
            "select id, waited_days from reading_items where submission_id = $1", uuid.UUID(form["submission_id"])
        )
        client.cookies.clear()
        page = await client.get(f"/staff/reading/{item['id']}", headers={"Cookie": f"heard_staff={token}"})
        assert page.status_code == 200 and WORDS in page.text
        shown[days] = (item["waited_days"], "days before it arrived: it waited on a device" in page.text)
        if days == 9:
            assert "Written 9 days before it arrived: it waited on a device without a connection." in page.text

    assert shown == {9: (9, True), 3: (3, False)}
