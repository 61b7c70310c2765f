"""Debriefs over HTTP against the real database: opened by a practitioner, answered through the invitation link
by people with no account, closed, read by the group; fewer than 3 answers hide who wrote what; a lesson raised with
management reaches the learning review and the manager's response reaches the group; written words reach the
team's reading list."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from tests import factories
from tests.http.helpers import hidden_fields


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"heard_staff={token}"}


@pytest.fixture
async def world(pool):
    team = await factories.team(pool, "Debrief Team")
    other = await factories.team(pool, "Other Team")
    people = {
        "practitioner": await factories.staff(pool, team_id=team, name="Pia Practitioner"),
        "colleague": await factories.staff(pool, team_id=team, name="Col Colleague"),
        "manager": await factories.staff(pool, team_id=team, role="team_manager", name="Mona Manager"),
        "reader": await factories.staff(pool, team_id=team, role="reader", name="Rory Reader"),
        "outsider": await factories.staff(pool, team_id=other, name="Olly Outsider"),
    }
    sessions = {who: await factories.session(pool, staff_id) for who, staff_id in people.items()}
    return {"team": team, "people": people, "sessions": sessions}


async def _open(client, world, name="CP conference for the M. family, 12 Nov", who="practitioner"):
    token, csrf = world["sessions"][who]
    deadline = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    response = await client.post(
        "/staff/debriefs",
        headers=_cookie(token),
        data={"csrf_token": csrf, "team_id": str(world["team"]), "name": name, "deadline": deadline},
    )
    assert response.status_code == 303, response.text
    debrief_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = await client.get(f"/staff/debriefs/{debrief_id}", headers=_cookie(token))
    link = re.search(r'href="https://heard\.example\.org(/d/[a-z0-9]{13})"', page.text).group(1)
    return debrief_id, link, page


async def _answer(client, link, **answers):
    form = await client.get(link)
    body = {**hidden_fields(form.text), **{f"q_{k}": v for k, v in answers.items()}}
    return await client.post(link, data=body)


async def _close(client, world, debrief_id, who="practitioner"):
    token, csrf = world["sessions"][who]
    return await client.post(f"/staff/debriefs/{debrief_id}/close", headers=_cookie(token), data={"csrf_token": csrf})


async def test_a_practitioner_opens_a_debrief_and_gets_an_invitation_link_and_qr_code(client, world, pool):
    debrief_id, link, page = await _open(client, world)

    assert "CP conference for the M. family, 12 Nov" in unescape(page.text)
    assert f'src="/staff/debriefs/{debrief_id}/qr/svg"' in page.text
    qr = await client.get(f"/staff/debriefs/{debrief_id}/qr/png", headers=_cookie(world["sessions"]["practitioner"][0]))
    assert qr.content.startswith(b"\x89PNG")
    row = await pool.fetchrow("select team_id, opened_by, closed_at from debriefs where id = $1", debrief_id)
    assert (row["team_id"], row["opened_by"], row["closed_at"]) == (
        world["team"],
        world["people"]["practitioner"],
        None,
    )


async def test_people_outside_the_team_cannot_see_a_debrief(client, world):
    debrief_id, _, _ = await _open(client, world)

    response = await client.get(f"/staff/debriefs/{debrief_id}", headers=_cookie(world["sessions"]["outsider"][0]))

    assert response.status_code == 403
    assert "CP conference" not in response.text


async def test_the_invitation_page_says_up_front_that_answers_are_anonymous_and_pooled_below_three(client, world):
    _, link, _ = await _open(client, world)

    page = await client.get(link)

    text = unescape(page.text)
    assert "anonymous within the group" in text
    assert "only if 3 or more people answer" in text
    assert "CP conference for the M. family, 12 Nov" in text
    assert 'name="q_went_well"' in page.text and 'name="q_raise"' in page.text


async def test_the_invitation_page_is_translated(client, world):
    _, link, _ = await _open(client, world)

    page = await client.get(f"{link}?lang=cy")

    assert 'lang="cy"' in page.text
    assert "Debrief after a piece of work" not in page.text
    assert "anonymous within the group" not in page.text


async def test_answers_are_stored_once_redacted_for_the_group_and_in_full_on_the_reading_list(client, world, pool):
    debrief_id, link, _ = await _open(client, world)
    form = await client.get(link)
    body = {**hidden_fields(form.text), "q_role": "school", "q_went_well": "Call me on 07700 900123 about it"}

    first = await client.post(link, data=body)
    again = await client.post(link, data=body)

    assert first.status_code == again.status_code == 303
    rows = await pool.fetch("select role, texts from debrief_answers where debrief_id = $1", debrief_id)
    assert len(rows) == 1 and rows[0]["role"] == "school"
    assert "07700 900123" not in rows[0]["texts"]["went_well"]
    reading = await pool.fetch(
        "select r.body, r.audience, t.contact_kind from reading_items r "
        "join touchpoints t on t.id = r.touchpoint_id where r.team_id = $1",
        world["team"],
    )
    assert [(r["body"], r["audience"], r["contact_kind"]) for r in reading] == [
        ("Call me on 07700 900123 about it", "partner", "debrief")
    ]
    thanks = await client.get(first.headers["location"])
    assert "your answers are in" in thanks.text


async def test_an_empty_form_is_refused_with_a_message_and_nothing_stored(client, world, pool):
    debrief_id, link, _ = await _open(client, world)

    response = await _answer(client, link)

    assert response.status_code == 422
    assert "Please answer at least one question" in response.text
    assert await pool.fetchval("select count(*) from debrief_answers where debrief_id = $1", debrief_id) == 0


async def test_answers_stay_hidden_until_the_debrief_closes_then_the_group_reads_them(client, world):
    debrief_id, link, _ = await _open(client, world)
    for role, words in (
        ("school", "The school shared attendance early"),
        ("health", "Health notes were late"),
        ("police", "Police checks came back in time"),
    ):
        await _answer(client, link, role=role, went_well=words)
    token = world["sessions"]["colleague"][0]

    before = await client.get(f"/staff/debriefs/{debrief_id}", headers=_cookie(token))
    partner_before = await client.get(link)
    refused = await _close(client, world, debrief_id, who="colleague")  # neither the opener nor a manager
    closed = await _close(client, world, debrief_id)
    after = await client.get(f"/staff/debriefs/{debrief_id}", headers=_cookie(token))
    partner_after = await client.get(link)

    assert "The school shared attendance early" not in before.text + partner_before.text
    assert refused.status_code == 403 and closed.status_code == 303
    for page in (after, partner_after):
        assert "People who answered: 3" in page.text
        assert "The school shared attendance early" in page.text and "Health notes were late" in page.text
        # 3 answered: each person's answers show where they work.
        assert "A school or nursery" in page.text and "Police" in page.text
    assert 'name="q_went_well"' not in partner_after.text  # closed: no more answers


async def test_fewer_than_three_answers_show_no_authorship(client, world):
    debrief_id, link, _ = await _open(client, world)
    await _answer(client, link, role="police", went_well="Police came quickly", did_not="Nobody rang the GP")
    await _answer(client, link, role="health", went_well="The GP letter helped")
    await _close(client, world, debrief_id)

    page = await client.get(link)

    assert "Fewer than 3 people answered" in page.text
    assert "Police came quickly" in page.text and "The GP letter helped" in page.text
    # Where people work is not shown, not even as a heading or beside an answer.
    assert "Police</h" not in page.text and "Health</h" not in page.text
    assert "Police</dt>" not in page.text and 'class="debrief-person"' not in page.text


async def test_a_debrief_closes_by_itself_after_its_deadline(client, world, pool):
    debrief_id, link, _ = await _open(client, world)
    await _answer(client, link, role="school", went_well="Shared the plan on time")

    await pool.execute("update debriefs set deadline = current_date - 1 where id = $1", debrief_id)
    page = await client.get(link)
    late = await _answer(client, link, went_well="too late")

    assert "Shared the plan on time" in page.text
    assert await pool.fetchval("select count(*) from debrief_answers where debrief_id = $1", debrief_id) == 1
    assert late.status_code in (303, 405, 200)


async def test_a_raised_lesson_reaches_the_review_and_the_response_reaches_the_group(client, world, pool):
    debrief_id, link, _ = await _open(client, world)
    await _answer(client, link, role="school", raise_="")  # nothing raised
    await _answer(client, link, role="health", **{"raise": "We need a shared calendar with health visitors"})
    await _close(client, world, debrief_id)
    review_id = await pool.fetchval(
        "insert into reviews (team_id, period_start, period_end, survey_id) values ($1, $2, $3, $4) returning id",
        world["team"],
        dt.date.today().replace(day=1),
        dt.date.today().replace(day=1),
        factories.SURVEY,
    )
    manager, csrf = world["sessions"]["manager"]

    team_page = await client.get(f"/staff/teams/{world['team']}", headers=_cookie(manager))
    review = await client.get(f"/staff/reviews/{review_id}", headers=_cookie(manager))
    answer_id = await pool.fetchval(
        "select id from debrief_answers where debrief_id = $1 and texts ? 'raise'", debrief_id
    )
    practitioner = await client.post(
        f"/staff/reviews/{review_id}/debrief-lessons/{answer_id}",
        headers=_cookie(world["sessions"]["practitioner"][0]),
        data={"csrf_token": world["sessions"]["practitioner"][1], "response": "will_do"},
    )
    no_reason = await client.post(
        f"/staff/reviews/{review_id}/debrief-lessons/{answer_id}",
        headers=_cookie(manager),
        data={"csrf_token": csrf, "response": "not_now"},
    )
    answered = await client.post(
        f"/staff/reviews/{review_id}/debrief-lessons/{answer_id}",
        headers=_cookie(manager),
        data={"csrf_token": csrf, "response": "not_now", "because": "Budget is set until April"},
    )
    group = await client.get(link)
    review_after = await client.get(f"/staff/reviews/{review_id}", headers=_cookie(manager))
    team_after = await client.get(f"/staff/teams/{world['team']}", headers=_cookie(manager))

    assert "We need a shared calendar with health visitors" in team_page.text
    assert "waiting 0 days" in team_page.text
    assert "We need a shared calendar with health visitors" in review.text
    assert f'action="/staff/reviews/{review_id}/debrief-lessons/{answer_id}"' in review.text
    assert practitioner.status_code == 403
    assert no_reason.status_code == 422 and "Say why not now" in no_reason.text
    assert answered.status_code == 303
    assert "Management responded: not now." in group.text and "Budget is set until April" in group.text
    assert "Answered in this review" in review_after.text
    assert "We need a shared calendar" not in team_after.text
    row = await pool.fetchrow(
        "select response, because, review_id from debrief_responses where answer_id = $1", answer_id
    )
    assert dict(row) == {"response": "not_now", "because": "Budget is set until April", "review_id": review_id}


async def test_the_reading_touchpoint_stays_out_of_the_team_s_touchpoint_list(client, world, pool):
    debrief_id, link, _ = await _open(client, world)
    await _answer(client, link, went_well="Good teamwork")
    reading = await pool.fetchrow(
        "select id, code, status from touchpoints where team_id = $1 and contact_kind = 'debrief'", world["team"]
    )

    page = await client.get(
        f"/staff/teams/{world['team']}/touchpoints", headers=_cookie(world["sessions"]["manager"][0])
    )
    its_code = await client.get(f"/t/{reading['code']}")

    assert reading["status"] == "revoked"
    assert "Good teamwork" not in its_code.text and 'name="q_' not in its_code.text
    assert reading["code"] not in page.text and f"/staff/touchpoints/{reading['id']}" not in page.text
