"""Safeguarding: a disclosure in any supported language reaches the team's
safeguarding lead (and only them, unredacted), the person is shown where help
is in their language, overdue items escalate, and everything is audit-logged."""

import asyncio
import datetime as dt
import http.server
import threading

import msgspec
import pytest

from service.safeguarding.escalation import escalate
from service.safeguarding.service import working_hours_between
from tests import factories
from tests.http.helpers import answers, hidden_fields

DISCLOSURES = {
    "en-GB": ("dad hits me when hes angry", "Call Childline: 0800 1111"),
    "cy": ("Mae dad yn fy nghuro i", None),
    "pl": ("ojczym mnie bije pasem", None),
    "ar": ("زوج أمي يضربني", None),
    "ur": ("میرے ابو مجھے بہت مارتے ہیں", None),
    "uk": ("тато мене б'є ременем", None),
}


def _helpline_text(lang: str) -> str:
    """What the thank-you page must say about Childline, in that language (from the catalogs)."""
    from markupsafe import Markup

    from service import i18n
    from service.web.templating import phone

    i18n.use_language(lang)
    # As the template renders it: the number is a placeholder, isolated left to right.
    return str(Markup(i18n.gettext("Call Childline: %(childline)s")) % {"childline": phone("0800 1111")})


@pytest.fixture
async def team_with_lead(pool):
    team = await factories.team(pool)
    lead = await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Lena Lead")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    return team, lead, manager


async def _submit(client, touchpoint, audience, text, lang):
    form = await client.get(f"/t/{touchpoint.code}/form/{audience}?lang={lang}")
    hidden = hidden_fields(form.text)
    body = {**hidden, **answers(listened="1" if audience != "parent" else "2", anything_else=text)}
    return await client.post(f"/t/{touchpoint.code}/form/{audience}", data=body)


@pytest.mark.parametrize("lang", list(DISCLOSURES))
async def test_a_disclosure_is_flagged_shows_help_in_that_language_and_reaches_the_lead(
    client, pool, team_with_lead, lang
):
    team, lead, manager = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")
    text = DISCLOSURES[lang][0]

    submitted = await _submit(client, touchpoint, "8to12", text, lang)
    thanks = await client.get(submitted.headers["location"])

    assert submitted.status_code == 303 and "support" not in submitted.headers["location"]
    helpline = _helpline_text(lang)
    assert helpline in thanks.text
    if lang != "en-GB":
        assert not helpline.startswith("Call Childline:"), f"{lang} catalog should translate the helpline"
    assert "tel:08001111" in thanks.text and "tel:999" in thanks.text
    token, _ = await factories.session(pool, lead)
    client.cookies.clear()
    queue = await client.get("/staff/safeguarding", headers={"Cookie": f"heard_staff={token}"})
    assert queue.status_code == 200
    item_id = int(queue.text.split('href="/staff/safeguarding/')[1].split('"')[0])
    item = await client.get(f"/staff/safeguarding/{item_id}", headers={"Cookie": f"heard_staff={token}"})
    assert text.replace("'", "&#39;") in item.text  # the full words, unredacted
    manager_token, _ = await factories.session(pool, manager)
    for path in ("/staff/safeguarding", f"/staff/safeguarding/{item_id}", f"/staff/teams/{team}"):
        response = await client.get(path, headers={"Cookie": f"heard_staff={manager_token}"})
        assert text.replace("'", "&#39;") not in response.text
        if "safeguarding" in path:
            assert response.status_code == 403


async def test_an_ordinary_comment_is_not_flagged_and_shows_no_alarm(client, pool, team_with_lead):
    team, lead, _ = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")

    submitted = await _submit(
        client, touchpoint, "8to12", "I feel safe now and my worker hit the nail on the head", "en-GB"
    )

    thanks = await client.get(submitted.headers["location"])

    assert "support" not in submitted.headers["location"] and "tel:999" not in thanks.text
    count = await pool.fetchval("select count(*) from safeguarding_items where touchpoint_id = $1", touchpoint.id)
    assert count == 0


async def test_every_view_and_action_on_the_queue_is_audit_logged(client, pool, team_with_lead):
    team, lead, _ = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")
    await _submit(client, touchpoint, "8to12", "I don't feel safe at home", "en-GB")
    item_id = await pool.fetchval("select id from safeguarding_items where touchpoint_id = $1", touchpoint.id)
    token, csrf = await factories.session(pool, lead)
    cookie = {"Cookie": f"heard_staff={token}"}
    client.cookies.clear()

    await client.get("/staff/safeguarding", headers=cookie)
    await client.get(f"/staff/safeguarding/{item_id}", headers=cookie)
    refused = await client.post(
        f"/staff/safeguarding/{item_id}/close", data={"csrf_token": csrf, "outcome": " "}, headers=cookie
    )
    closed = await client.post(
        f"/staff/safeguarding/{item_id}/close",
        data={"csrf_token": csrf, "outcome": "Spoke to the practitioner; strategy discussion held"},
        headers=cookie,
    )

    assert refused.status_code == 422 and "Please write what you did" in refused.text
    assert closed.status_code == 303
    rows = await pool.fetch("select staff_id, action, detail from audit_log where staff_id = $1 order by id", lead)
    actions = [row["action"] for row in rows]
    assert actions[0] == "signed_in"
    assert any(a.startswith("opened the safeguarding queue") for a in actions)
    assert (
        actions.count(
            "read a possible disclosure from the home-visit touchpoint "
            f"({await pool.fetchval('select name from teams where id = $1', team)})"
        )
        >= 2
    )
    assert actions[-1].startswith("closed a possible disclosure from the home-visit touchpoint")
    item = await pool.fetchrow("select closed_by, outcome from safeguarding_items where id = $1", item_id)
    assert item["closed_by"] == lead and "strategy discussion" in item["outcome"]


async def test_the_response_keeps_only_a_date_but_the_queue_item_keeps_the_arrival_time(client, pool, team_with_lead):
    team, _, _ = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")
    before = dt.datetime.now(dt.UTC)

    await _submit(client, touchpoint, "8to12", "my uncle touches me where he shouldnt", "en-GB")

    arrived = await pool.fetchval("select arrived_at from safeguarding_items where touchpoint_id = $1", touchpoint.id)
    assert abs((arrived - before).total_seconds()) < 60
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert isinstance(stored["submitted_on"], dt.date) and not isinstance(stored["submitted_on"], dt.datetime)


async def test_a_request_to_be_contacted_goes_only_to_the_safeguarding_queue(client, pool, team_with_lead):
    team, lead, _ = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="13to17")
    page = await client.get(f"/t/{touchpoint.code}/contact?a=13to17")

    empty = await client.post(f"/t/{touchpoint.code}/contact", data={"audience": "13to17", "lang": "en-GB"})
    sent = await client.post(
        f"/t/{touchpoint.code}/contact",
        data={"audience": "13to17", "lang": "en-GB", "name": "Sam", "how": "07700 900123 after school"},
    )

    assert "They will know who you are" in page.text
    assert empty.status_code == 422 and "Please tell us how we can reach you." in empty.text
    assert sent.status_code == 200 and "We will contact you" in sent.text
    item = await pool.fetchrow(
        "select kind, contact_name, contact_how, response_id from safeguarding_items where touchpoint_id = $1",
        touchpoint.id,
    )
    assert item["kind"] == "contact_request" and item["contact_how"] == "07700 900123 after school"
    assert item["response_id"] is None
    assert await factories.stored_responses(pool, touchpoint.id) == []


@pytest.mark.parametrize("audience", ["under8", "8to12", "13to17", "parent"])
async def test_before_the_free_text_box_each_audience_is_told_what_happens(client, pool, audience):
    touchpoint = await factories.touchpoint(pool)

    form = await client.get(f"/t/{touchpoint.code}/form/{audience}")

    # On the screen with the free-text box (the under-8 form shows one question per screen).
    text = form.text
    screens = 0
    while 'name="step"' in text and "textarea" not in text:
        # The Next button, as the form names it (`go=next`): each press must show the next screen, never a
        # "please answer" page (a 422 also carries a form, so reaching the box through one would prove nothing).
        assert 'name="go" value="next"' in text
        step = await client.post(
            f"/t/{touchpoint.code}/form/{audience}",
            data={**hidden_fields(text), "q_listened": "3", "q_understood": "3", "q_respect": "3", "go": "next"},
        )
        assert step.status_code == 200, step.text[:300]
        assert f'name="step" value="{screens + 1}"' in step.text or "textarea" in step.text
        text, screens = step.text, screens + 1
        assert screens < 10
    assert (screens > 0) == (audience == "under8")
    before_box = text.split("<textarea")[0].rsplit("</legend>", 1)[-1]
    assert "safe" in before_box
    if audience != "under8":
        assert "weekdays" in before_box and "09:00" in before_box and "17:00" in before_box


def test_working_hours_count_only_weekday_office_hours():
    friday_4pm = dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC)
    monday_11am = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)

    hours = working_hours_between(friday_4pm, monday_11am, zone="Europe/London", from_hour=9, to_hour=17)

    assert hours == pytest.approx(1 + 2)


def test_working_hours_skip_bank_holidays():
    friday_4pm = dt.datetime(2026, 8, 28, 16, 0, tzinfo=dt.UTC)  # 17:00 in London (summer time)
    tuesday_11am = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.UTC)  # Monday 31 August is a bank holiday in England

    english = working_hours_between(
        friday_4pm, tuesday_11am, zone="Europe/London", from_hour=9, to_hour=17, place="GB-ENG"
    )
    scottish = working_hours_between(
        friday_4pm, tuesday_11am, zone="Europe/London", from_hour=9, to_hour=17, place="GB-SCT"
    )

    assert english == pytest.approx(2)  # Tuesday 09:00-11:00 only
    assert scottish == pytest.approx(8 + 2)  # Scotland works that Monday


class _Webhook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Webhook.received.append(msgspec.json.decode(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


async def test_an_item_nobody_closed_in_four_working_hours_is_escalated_once(client, pool, settings, team_with_lead):
    team, _, _ = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")
    await _submit(client, touchpoint, "8to12", "I want to kill myself", "en-GB")
    item_id = await pool.fetchval("select id from safeguarding_items where touchpoint_id = $1", touchpoint.id)
    await pool.execute("update safeguarding_items set arrived_at = now() - interval '4 days' where id = $1", item_id)
    server = http.server.HTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    webhook = f"http://127.0.0.1:{server.server_address[1]}/hook"
    configured = msgspec.structs.replace(settings, escalation_webhook=webhook)
    _Webhook.received.clear()
    try:
        async with pool.acquire() as conn, conn.transaction():
            first = await escalate(conn, configured)
        async with pool.acquire() as conn, conn.transaction():
            second = await escalate(conn, configured)
    finally:
        server.shutdown()
        server.server_close()

    assert item_id in [i.id for i in first.items]
    assert item_id not in [i.id for i in second.items]
    [payload] = [p for p in _Webhook.received if any(i["id"] == item_id for i in p["items"])]
    assert payload["queue"].endswith("/staff/safeguarding")
    assert "kill" not in msgspec.json.encode(payload).decode(), "the webhook never carries what was written"
    escalated = await pool.fetchval("select escalated_at from safeguarding_items where id = $1", item_id)
    assert escalated is not None


async def test_a_fresh_item_is_not_escalated(client, pool, settings, team_with_lead):
    team, _, _ = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")
    await _submit(client, touchpoint, "8to12", "my mum's boyfriend hurts me", "en-GB")
    item_id = await pool.fetchval("select id from safeguarding_items where touchpoint_id = $1", touchpoint.id)

    async with pool.acquire() as conn, conn.transaction():
        result = await escalate(conn, settings)

    assert item_id not in [i.id for i in result.items]
    await asyncio.sleep(0)


async def test_the_queue_shows_each_items_state_and_filters_by_it(client, pool, team_with_lead):
    team, lead, _ = team_with_lead
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")
    for text in ("I don't feel safe at home", "dad hits me when hes angry", "I am scared to go home"):
        await _submit(client, touchpoint, "8to12", text, "en-GB")
    new, looking, done = [
        r["id"]
        for r in await pool.fetch(
            "select id from safeguarding_items where touchpoint_id = $1 order by id", touchpoint.id
        )
    ]
    token, csrf = await factories.session(pool, lead)
    cookie = {"Cookie": f"heard_staff={token}"}
    client.cookies.clear()
    await client.get(f"/staff/safeguarding/{looking}", headers=cookie)  # opened: being looked at
    await client.post(
        f"/staff/safeguarding/{done}/close",
        headers=cookie,
        data={"csrf_token": csrf, "outcome": "Reviewed with the practitioner; not a disclosure"},
    )

    async def listed(query: str) -> dict[int, str]:
        page = (await client.get(f"/staff/safeguarding{query}", headers=cookie)).text
        rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:] if "<tbody>" in page else []
        return {item: row for row in rows for item in (new, looking, done) if f'/staff/safeguarding/{item}"' in row}

    default, only_new, only_looking = await listed(""), await listed("?show=new"), await listed("?show=looking")
    only_done, everything, old_address = (
        await listed("?show=done"),
        await listed("?show=all"),
        await listed("?closed=yes"),
    )

    assert set(default) == {new, looking}
    assert ">New<" in default[new] and ">Being looked at<" in default[looking]
    assert "opened first by Lena Lead" in default[looking] and "opened first by" not in default[new]
    assert set(only_new) == {new} and set(only_looking) == {looking}
    assert set(only_done) == {done} and ">Done<" in only_done[done]
    assert set(everything) == set(old_address) == {new, looking, done}
