"""The reading list: every written answer reaches a person, whatever the flagger
thought of it; only the team's readers see it, never the practitioner it may be
about; each outcome works and is logged in plain words; nothing is refused."""

import asyncio
import datetime as dt
import http.server
import re
import socket
import threading
import time
import uuid
from html import unescape

import msgspec
import pytest
from aiosmtpd.controller import Controller

from service.reading import service as reading
from service.reading.escalation import escalate
from service.responses import thanks as thanks_address
from service.responses.limits import SubmissionLimiter
from tests import factories
from tests.http.helpers import answers, hidden_fields

MISSED = "I stay at Kayden Okafor's flat some nights and nobody minds"  # the flagger does not catch this


@pytest.fixture
async def world(pool):
    team = await factories.team(pool)
    practitioner = await factories.staff(pool, team_id=team, role="practitioner", name="Pat Practitioner")
    # The practitioner is a reader too: still never sees answers from their own touchpoint.
    async with pool.acquire() as conn:
        from service.staff import service as staff

        await staff.give_role(conn, team_id=team, staff_id=practitioner, role="reader")
    reader = await factories.staff(pool, team_id=team, role="reader", name="Rhian Reader")
    other_reader = await factories.staff(pool, team_id=team, role="reader", name="Omar Other")
    lead = await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Lena Lead")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Mo Manager")
    touchpoint = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=practitioner, audience="13to17"
    )
    return dict(
        team=team,
        practitioner=practitioner,
        reader=reader,
        other_reader=other_reader,
        lead=lead,
        manager=manager,
        touchpoint=touchpoint,
    )


async def _submit(client, touchpoint, text, audience="13to17", lang="en-GB"):
    form = await client.get(f"/t/{touchpoint.code}/form/{audience}?lang={lang}")
    body = {**hidden_fields(form.text), **answers(listened="2", anything_else=text)}
    return await client.post(f"/t/{touchpoint.code}/form/{audience}", data=body)


async def _as(pool, staff_id):
    token, csrf = await factories.session(pool, staff_id)
    return {"Cookie": f"heard_staff={token}"}, csrf


def _escaped(text):
    return text.replace("'", "&#39;")


async def _item_id(pool, touchpoint, kind="answer"):
    return await pool.fetchval(
        "select id from reading_items where touchpoint_id = $1 and kind = $2 order by id desc", touchpoint.id, kind
    )


async def test_an_answer_the_flagger_misses_reaches_the_readers_and_nowhere_unredacted(client, pool, world):
    submitted = await _submit(client, world["touchpoint"], MISSED)
    client.cookies.clear()

    assert submitted.status_code == 303
    assert (
        await pool.fetchval("select count(*) from safeguarding_items where touchpoint_id = $1", world["touchpoint"].id)
        == 0
    ), "the flagger did not catch it"
    for who in ("reader", "lead"):
        headers, _ = await _as(pool, world[who])
        listed = await client.get("/staff/reading", headers=headers)
        assert _escaped(MISSED) in listed.text, f"the {who} reads the words, unredacted"
    item_id = await _item_id(pool, world["touchpoint"])
    practitioner, _ = await _as(pool, world["practitioner"])
    own_list = await client.get("/staff/reading", headers=practitioner)
    own_item = await client.get(f"/staff/reading/{item_id}", headers=practitioner)
    assert own_list.status_code == 200 and "Kayden" not in own_list.text, "not the practitioner it may be about"
    assert own_item.status_code == 403 and "Kayden" not in own_item.text
    manager, _ = await _as(pool, world["manager"])
    for path in (
        "/staff/reading",
        f"/staff/reading/{item_id}",
        f"/staff/teams/{world['team']}",
        "/staff/safeguarding",
        "/staff/me",
    ):
        for headers in (manager, practitioner):
            response = await client.get(path, headers=headers)
            if path.startswith("/staff/reading") and headers is manager:
                assert response.status_code == 403
            assert "Kayden Okafor" not in unescape(response.text), f"{path} shows the words unredacted"


async def test_each_outcome_works_and_is_audit_logged_in_plain_words(client, pool, world):
    texts = ["The meeting was long but it helped", MISSED, "Kayden Okafor explained things well at the visit"]
    for text in texts:
        await _submit(client, world["touchpoint"], text)
    ids = [
        await pool.fetchval(
            "select id from reading_items where body = $1 and touchpoint_id = $2", t, world["touchpoint"].id
        )
        for t in texts
    ]
    client.cookies.clear()
    headers, csrf = await _as(pool, world["reader"])

    seen = await client.get(f"/staff/reading/{ids[0]}", headers=headers)
    read = await client.post(
        f"/staff/reading/{ids[0]}/outcome",
        headers=headers,
        data={"csrf_token": csrf, "outcome": "read", "next": f"item-{ids[1]}"},
    )
    no_note = await client.post(
        f"/staff/reading/{ids[1]}/outcome",
        headers=headers,
        data={"csrf_token": csrf, "outcome": "concern", "note": " "},
    )
    concern = await client.post(
        f"/staff/reading/{ids[1]}/outcome",
        headers=headers,
        data={"csrf_token": csrf, "outcome": "concern", "note": "Rang the duty team; Kayden's flat is known to police"},
    )
    learning = await client.post(
        f"/staff/reading/{ids[2]}/outcome", headers=headers, data={"csrf_token": csrf, "outcome": "learning"}
    )

    assert seen.status_code == 200 and "The meeting was long" in seen.text
    assert read.status_code == 303 and read.headers["location"] == f"/staff/reading?done=outcome_saved#item-{ids[1]}"
    assert no_note.status_code == 422 and "Please write what you did about the concern." in no_note.text
    assert concern.status_code == 303 and learning.status_code == 303
    rows = {
        r["id"]: r
        for r in await pool.fetch(
            "select id, outcome, note, closed_by from reading_items where id = any($1::bigint[])", ids
        )
    }
    assert [rows[i]["outcome"] for i in ids] == ["read", "concern", "learning"]
    assert all(rows[i]["closed_by"] == world["reader"] for i in ids)
    queued = await pool.fetchrow(
        "select kind, body, reader_note, closed_at from safeguarding_items where touchpoint_id = $1",
        world["touchpoint"].id,
    )
    assert queued["body"] == MISSED and queued["closed_at"] is None, "the concern waits for a lead"
    assert queued["reader_note"] == "Rhian Reader: Rang the duty team; Kayden's flat is known to police"
    month = dt.date.today().replace(day=1)
    [kept] = await reading.review_comments(pool, world["team"], month, month)
    assert kept.body == "[name] explained things well at the visit", "kept redacted"
    lead, _ = await _as(pool, world["lead"])
    queue = await client.get("/staff/safeguarding", headers=lead)
    assert "Possible disclosure" in queue.text
    actions = [
        r["action"]
        for r in await pool.fetch(
            "select action from audit_log where staff_id = $1 and detail ? 'reading_item_id' order by id",
            world["reader"],
        )
    ]
    team_name = await pool.fetchval("select name from teams where id = $1", world["team"])
    where = f"the home-visit touchpoint ({team_name})"
    assert actions == [
        f"read an answer from {where}",
        f"read an answer from {where}: nothing to do",
        f"raised a safeguarding concern about an answer from {where}",
        f"kept an answer from {where} for the team's learning review (redacted)",
    ]
    page = await client.get(f"/staff/reading/{ids[1]}", headers=headers)
    assert f"Rhian Reader raised a safeguarding concern about an answer from {where}" in unescape(page.text)


async def test_dealing_with_it_shows_who_has_it_and_others_cannot_take_it(client, pool, world):
    await _submit(client, world["touchpoint"], "Nobody listened to me at the visit, honestly")
    item_id = await _item_id(pool, world["touchpoint"])
    client.cookies.clear()
    mine, csrf = await _as(pool, world["reader"])
    theirs, their_csrf = await _as(pool, world["other_reader"])

    await client.post(f"/staff/reading/{item_id}/dealing", headers=mine, data={"csrf_token": csrf, "dealing": "yes"})
    taken = await client.post(
        f"/staff/reading/{item_id}/dealing", headers=theirs, data={"csrf_token": their_csrf, "dealing": "yes"}
    )
    seen = await client.get(f"/staff/reading/{item_id}", headers=theirs)

    assert taken.status_code == 303
    assert await pool.fetchval("select dealing_by from reading_items where id = $1", item_id) == world["reader"]
    assert "Rhian Reader is dealing with this" in seen.text
    assert "I&#39;m dealing with this" not in seen.text  # no button to take it over


async def test_a_closed_item_keeps_no_link_or_time_that_could_date_its_response(client, pool, world):
    await _submit(client, world["touchpoint"], "I want to kill myself")  # flagged: also in the safeguarding queue
    item = await pool.fetchrow(
        "select id, safeguarding_item_id, response_id, arrived_at from reading_items where touchpoint_id = $1",
        world["touchpoint"].id,
    )
    client.cookies.clear()
    lead, csrf = await _as(pool, world["lead"])
    assert item["response_id"] is not None and item["arrived_at"] is not None

    closed = await client.post(
        f"/staff/safeguarding/{item['safeguarding_item_id']}/close",
        headers=lead,
        data={"csrf_token": csrf, "outcome": "Strategy discussion held"},
    )

    assert closed.status_code == 303
    after = await pool.fetchrow(
        "select outcome, response_id, submission_id, arrived_at, arrived_on, escalated_at "
        "from reading_items where id = $1",
        item["id"],
    )
    assert after["outcome"] == "concern", "closing the queue item closes the reading item it came from"
    assert after["response_id"] is None and after["submission_id"] is None
    assert after["arrived_at"] is None and after["escalated_at"] is None and after["arrived_on"] is not None
    queued = await pool.fetchrow(
        "select arrived_at from safeguarding_items where id = $1", item["safeguarding_item_id"]
    )
    local = queued["arrived_at"].astimezone(dt.timezone(dt.timedelta(0)))
    london = await pool.fetchval("select ($1::timestamptz at time zone 'Europe/London')::time", queued["arrived_at"])
    assert london == dt.time(0, 0), f"only the date stays ({local})"


class _Webhook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        _Webhook.received.append(msgspec.json.decode(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


async def test_an_unread_item_escalates_after_the_deadline_counting_a_bank_holiday(client, pool, settings, world):
    await _submit(client, world["touchpoint"], MISSED)
    item_id = await _item_id(pool, world["touchpoint"])
    # Friday 28 August 2026, 15:00 in London; Monday 31 August is a bank holiday in England (not in Scotland).
    await pool.execute("update reading_items set arrived_at = '2026-08-28 15:00 Europe/London' where id = $1", item_id)
    webhook = http.server.HTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    mailbox = _Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    configured = msgspec.structs.replace(
        settings,
        escalation_webhook=f"http://127.0.0.1:{webhook.server_address[1]}/hook",
        read_within_hours=4.0,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        escalation_email="duty@council.example, lead@council.example",
        holidays="GB-ENG",
    )
    _Webhook.received.clear()
    at = lambda text: dt.datetime.fromisoformat(text)  # noqa: E731
    try:
        results = {}
        for name, now in [
            ("monday_noon", "2026-08-31T12:00+01:00"),
            ("tuesday_10_30", "2026-09-01T10:30+01:00"),
            ("tuesday_11_30", "2026-09-01T11:30+01:00"),
            ("again", "2026-09-01T12:30+01:00"),
        ]:
            async with pool.acquire() as conn, conn.transaction():
                results[name] = [i.id for i in (await escalate(conn, configured, now=at(now))).items]
        scottish = msgspec.structs.replace(configured, holidays="GB-SCT")
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("update reading_items set escalated = false where id = $1", item_id)
            in_scotland = [i.id for i in (await escalate(conn, scottish, now=at("2026-08-31T12:00+01:00"))).items]
            await conn.execute("update reading_items set escalated = true where id = $1", item_id)
    finally:
        webhook.shutdown()
        webhook.server_close()
        smtp.stop()

    assert item_id not in results["monday_noon"], "the bank holiday does not count"
    assert item_id not in results["tuesday_10_30"], "2 h on Friday + 1.5 h on Tuesday"
    assert item_id in results["tuesday_11_30"], "4.5 working hours: escalated"
    assert item_id not in results["again"], "once"
    assert item_id in in_scotland, "where that Monday is a working day, it was late by noon"
    [payload] = [p for p in _Webhook.received if any(i["id"] == item_id for i in p["items"])][:1]
    assert "unread after 4 working hours" in payload["text"] and payload["queue"].endswith("/staff/reading")
    [(recipients, message)] = [m for m in mailbox.messages if "unread after 4 working hours" in m[1]][:1]
    assert recipients == ["duty@council.example", "lead@council.example"]
    assert "/staff/reading" in message
    for sent in (msgspec.json.encode(payload).decode(), message):
        assert "Kayden" not in sent and "flat" not in sent, "never the words written"


async def test_thirty_answers_from_one_address_in_a_minute_are_all_thanked_and_listed(client, pool, app, world):
    original = app.state.limiter
    app.state.limiter = SubmissionLimiter(limit=10)  # the default: 10 per source and touchpoint in 10 minutes
    try:
        thanked = []
        for n in range(30):
            response = await _submit(client, world["touchpoint"], f"Family centre wifi answer number {n}")
            page = await client.get(response.headers["location"])
            thanked.append(response.status_code == 303 and "We have your answers" in page.text)
    finally:
        app.state.limiter = original

    assert all(thanked) and len(thanked) == 30
    listed = await pool.fetch(
        "select body, held from reading_items where touchpoint_id = $1 order by id", world["touchpoint"].id
    )
    assert sorted(r["body"] for r in listed) == sorted(f"Family centre wifi answer number {n}" for n in range(30))
    assert sum(r["held"] for r in listed) == 20, "over the limit: listed, held out of the figures"
    stored = await factories.stored_responses(pool, world["touchpoint"].id)
    assert len(stored) == 30 and sum(r["held"] for r in stored) == 20


async def test_a_contact_request_links_to_its_answer(client, pool, world):
    submitted = await _submit(client, world["touchpoint"], "The visit was fine but I'd like to talk to someone")
    thanks = await client.get(submitted.headers["location"])
    contact_url = unescape(re.search(r'href="(/t/[^"]+/contact\?[^"]+)"', thanks.text).group(1))
    form = await client.get(contact_url)

    sent = await client.post(
        f"/t/{world['touchpoint'].code}/contact", data={**hidden_fields(form.text), "how": "07700 900123 after school"}
    )

    assert sent.status_code == 200 and "We will contact you" in sent.text
    request = await pool.fetchrow(
        "select r.id, a.body from reading_items r join reading_items a "
        "on a.id = r.answer_item_id where r.kind = 'contact_request' and r.touchpoint_id = $1",
        world["touchpoint"].id,
    )
    assert request["body"] == "The visit was fine but I'd like to talk to someone"
    client.cookies.clear()
    headers, _ = await _as(pool, world["lead"])
    page = await client.get(f"/staff/reading/{request['id']}", headers=headers)
    assert "07700 900123 after school" in page.text and "Sent after this written answer" in page.text
    assert _escaped("The visit was fine but I'd like to talk to someone") in page.text


async def test_a_flood_of_contact_requests_is_kept_and_listed_but_does_not_flood_the_queue(client, pool, app, world):
    original = app.state.limiter
    app.state.limiter = SubmissionLimiter(limit=2)
    try:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/t/{world['touchpoint'].code}/contact",
                    data={"audience": "13to17", "lang": "en-GB", "how": f"call {n}"},
                )
                for n in range(6)
            )
        )
    finally:
        app.state.limiter = original

    assert all("We will contact you" in r.text for r in responses)
    listed = await pool.fetch(
        "select held from reading_items where kind = 'contact_request' and touchpoint_id = $1", world["touchpoint"].id
    )
    queued = await pool.fetchval(
        "select count(*) from safeguarding_items where kind = 'contact_request' and touchpoint_id = $1",
        world["touchpoint"].id,
    )
    assert len(listed) == 6 and sum(r["held"] for r in listed) == 4
    assert queued == 2


async def test_the_thank_you_address_never_shows_a_flag(client, pool, world, monkeypatch):
    flagged = await _submit(client, world["touchpoint"], "my dad hits me when hes angry")
    plain = await _submit(client, world["touchpoint"], "It was a good visit")
    # The submission id and a keyed tag (responses/thanks.py): the same shape, flagged or not.
    shape = re.compile(
        rf"/t/{world['touchpoint'].code}/thanks\?lang=en-GB&a=13to17&s=[0-9a-f-]{{36}}\.[0-9a-f]{{8}}\.[0-9a-f]{{16}}"
    )

    help_page = await client.get(flagged.headers["location"])
    plain_page = await client.get(plain.headers["location"])

    assert shape.fullmatch(flagged.headers["location"]) and shape.fullmatch(plain.headers["location"])
    assert "tel:999" in help_page.text and "Chat to Childline online" in help_page.text
    assert 'class="button contact-button"' in help_page.text
    assert "You can close this page now" not in help_page.text and "You said" not in help_page.text
    assert "tel:999" not in plain_page.text and "You can close this page now" in plain_page.text
    assert (
        "<title>Thank you – Heard</title>" in help_page.text and "<title>Thank you – Heard</title>" in plain_page.text
    )
    await pool.execute(
        "update reading_items set arrived_at = arrived_at - interval '2 hours' where submission_id = $1",
        uuid.UUID(flagged.headers["location"].rsplit("s=", 1)[1].partition(".")[0]),
    )
    # two hours on: the address is no longer fresh, so the database is asked (responses/thanks.py)
    monkeypatch.setattr(thanks_address, "clock", lambda: time.time() + 7200)
    later = await client.get(flagged.headers["location"])
    forged = await client.get(plain.headers["location"].rsplit(".", 1)[0] + ".0123456789abcdef")
    assert "tel:999" not in later.text, "an hour on, the address from the history shows the ordinary page"
    assert "tel:999" not in forged.text and "Thank you" in forged.text, "a made-up tag shows the ordinary page"


async def test_the_team_page_shows_the_backlog_to_managers_and_readers_only(client, pool, world):
    await _submit(client, world["touchpoint"], "Nothing much to say really")
    await pool.execute(
        "update reading_items set arrived_at = now() - interval '150 minutes' where touchpoint_id = $1",
        world["touchpoint"].id,
    )
    client.cookies.clear()
    manager, _ = await _as(pool, world["manager"])
    practitioner_only = await factories.staff(pool, team_id=world["team"], role="practitioner")
    colleague, _ = await _as(pool, practitioner_only)

    seen = await client.get(f"/staff/teams/{world['team']}", headers=manager)
    unseen = await client.get(f"/staff/teams/{world['team']}", headers=colleague)

    assert re.search(r"\d+ unread\s*·\s*oldest unread: 2 h", seen.text)
    assert "oldest unread" not in unseen.text


async def test_a_manager_makes_someone_a_reader_and_it_is_logged(client, pool, world):
    newcomer = await factories.staff(pool, team_id=world["team"], role="practitioner", name="Nia Newcomer")
    client.cookies.clear()
    manager, csrf = await _as(pool, world["manager"])
    practitioner, practitioner_csrf = await _as(pool, world["practitioner"])

    page = await client.get(f"/staff/teams/{world['team']}/readers", headers=manager)
    made = await client.post(
        f"/staff/teams/{world['team']}/readers",
        headers=manager,
        data={"csrf_token": csrf, "staff_id": str(newcomer), "reads": "yes"},
    )
    refused = await client.post(
        f"/staff/teams/{world['team']}/readers",
        headers=practitioner,
        data={"csrf_token": practitioner_csrf, "staff_id": str(newcomer), "reads": "no"},
    )

    assert "Make Nia Newcomer a reader" in page.text
    assert made.status_code == 303 and refused.status_code == 403
    roles = await pool.fetchval("select array_agg(role order by role) from team_members where staff_id = $1", newcomer)
    assert roles == ["practitioner", "reader"]
    team_name = await pool.fetchval("select name from teams where id = $1", world["team"])
    assert (
        await pool.fetchval(
            "select action from audit_log where staff_id = $1 order by id desc limit 1", world["manager"]
        )
        == f"made Nia Newcomer a reader of {team_name}'s written answers"
    )
    newcomer_headers, _ = await _as(pool, newcomer)
    assert (await client.get("/staff/reading", headers=newcomer_headers)).status_code == 200


async def test_retention_keeps_outcomes_and_timings_as_counts(pool, world):
    async with pool.acquire() as conn:
        await conn.execute(
            "insert into reading_items (team_id, touchpoint_id, kind, body, audience, language, arrived_on, "
            "arrived_at, outcome, waited_hours, on_time, closed_at) values "
            "($1, $2, 'answer', 'old words', 'parent', 'en-GB', '2020-03-04', null, 'read', 3, true, '2020-03-04'),"
            "($1, $2, 'answer', 'old words too', 'parent', 'en-GB', '2020-03-09', null, 'read', 6, false, '2020-03-10')",
            world["team"],
            world["touchpoint"].id,
        )

        forgotten = await reading.forget_before(conn, before=dt.date(2020, 4, 1))

        counts = await reading.queries.monthly_counts(conn, team_id=world["team"])
    assert forgotten.items >= 2
    assert await pool.fetchval("select count(*) from reading_items where body like 'old words%'") == 0
    assert [(c.month, c.outcome, c.on_time, c.items, c.waited_hours) for c in counts] == [
        (dt.date(2020, 3, 1), "read", False, 1, 6),
        (dt.date(2020, 3, 1), "read", True, 1, 3),
    ]
