"""The team culture pulse: a manager makes its QR code, staff answer anonymously on a 7-point scale, the written
answer goes to the reading list, and the team sees whole quarters through the figures engine: hidden below the
team threshold, and in the learning review with the change since the quarter before."""

from __future__ import annotations

import re

import pytest

from service.figures import grid
from service.figures.pulse import ended_quarter
from service.settings import load_settings
from tests import factories

STATEMENTS = (
    "information_sought",
    "messengers_safe",
    "responsibility_shared",
    "partners_welcome",
    "failure_inquiry",
    "new_ideas",
)


def _quarters():
    first, last = ended_quarter(grid.last_whole_month(load_settings({}).today()))
    return (first, last), (grid.add_months(first, -3), grid.add_months(first, -1))


def _answers(agree: int, disagree: int, new_ideas: tuple[int, int] | None = None) -> list[dict]:
    """`agree` people answer 6 (agree) and `disagree` people 2 (disagree) to every statement; `new_ideas`
    (agree, disagree) overrides that one statement, counted within the same people."""
    people = []
    for index in range(agree + disagree):
        answer = dict.fromkeys(STATEMENTS, 6 if index < agree else 2)
        if new_ideas:
            answer["new_ideas"] = 6 if index < new_ideas[0] else 2 if index < sum(new_ideas) else None
            if answer["new_ideas"] is None:
                del answer["new_ideas"]
        people.append(answer)
    return people


@pytest.fixture
async def world(pool):
    team = await factories.team(pool, "Pulse Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Mo Manager")
    member = await factories.staff(pool, team_id=team, role="practitioner")
    outsider = await factories.staff(pool, team_id=await factories.team(pool), role="team_manager")
    people = {}
    for name, staff_id in (("manager", manager), ("member", member), ("outsider", outsider)):
        token, csrf = await factories.session(pool, staff_id)
        people[name] = {"id": staff_id, "token": token, "csrf": csrf}
    return {"team": team, **people}


async def _get(client, person, path):
    client.cookies.clear()
    return await client.get(path, headers={"Cookie": f"heard_staff={person['token']}"})


async def _post(client, person, path, data):
    client.cookies.clear()
    return await client.post(
        path, data={"csrf_token": person["csrf"], **data}, headers={"Cookie": f"heard_staff={person['token']}"}
    )


def _row(html: str, text_start: str) -> str:
    found = re.search(rf"<tr><th scope=\"row\">{re.escape(text_start)}.*?</tr>", html, re.S)
    assert found, text_start
    return found.group(0)


async def test_a_manager_makes_the_pulse_qr_code_and_staff_answer_it_anonymously(client, pool, world):
    made = await _post(client, world["manager"], f"/staff/teams/{world['team']}/culture/touchpoints", {})
    refused = await _post(client, world["member"], f"/staff/teams/{world['team']}/culture/touchpoints", {})
    touchpoint = await pool.fetchrow(
        "select id, code, survey_id, audience, contact_kind, practitioner_id from touchpoints where team_id = $1",
        world["team"],
    )
    detail = await _get(client, world["manager"], made.headers["location"])
    listing = await _get(client, world["manager"], f"/staff/teams/{world['team']}/touchpoints")
    client.cookies.clear()

    welcome = await client.get(f"/t/{touchpoint['code']}")
    form = await client.get(f"/t/{touchpoint['code']}/form/staff")
    fields = {
        "submission_id": re.search(r'name="submission_id" value="([^"]+)"', form.text).group(1),
        "version": re.search(r'name="version" value="([^"]+)"', form.text).group(1),
        "lang": "en-GB",
        "q_messengers_safe": "7",
        "q_new_ideas": "3",
        "q_easier_to_learn": "Time after hard visits to talk it through.",
    }
    sent = await client.post(f"/t/{touchpoint['code']}/form/staff", data=fields)

    assert made.status_code == 303 and made.headers["location"] == f"/staff/touchpoints/{touchpoint['id']}"
    assert refused.status_code == 403
    assert (
        touchpoint["survey_id"],
        touchpoint["audience"],
        touchpoint["contact_kind"],
        touchpoint["practitioner_id"],
    ) == ("culture-pulse", "staff", "team_meeting", None)
    assert "Team meeting: the staff culture pulse" in detail.text and touchpoint["code"] in detail.text
    assert "Team meeting: the staff culture pulse" in listing.text
    assert "How we work together" in welcome.text and f"/t/{touchpoint['code']}/form/staff" in welcome.text
    assert "Somewhat agree" in form.text and len(re.findall(r'name="q_new_ideas"', form.text)) == 7
    assert sent.status_code == 303, sent.text
    stored = await factories.stored_responses(pool, touchpoint["id"])
    assert [(r["audience"], r["answers"]) for r in stored] == [("staff", {"messengers_safe": 7, "new_ideas": 3})]
    assert stored[0]["free_text"] == {"easier_to_learn": "Time after hard visits to talk it through."}
    read = await pool.fetchval("select count(*) from reading_items where response_id = $1", stored[0]["id"])
    assert read == 1  # the written answer waits on the reading list like every written answer


async def test_the_pulse_is_hidden_below_five_people_and_shows_no_figure(client, pool, world):
    (first, _), _ = _quarters()
    touchpoint = await factories.pulse_touchpoint(pool, team_id=world["team"])
    await factories.pulse_answers(pool, touchpoint, _answers(4, 0), on=first.replace(day=12))

    page = await _get(client, world["member"], f"/staff/teams/{world['team']}/culture")
    outsider = await _get(client, world["outsider"], f"/staff/teams/{world['team']}/culture")

    assert "Fewer than 5 people answered the culture pulse in this quarter" in page.text
    assert 'class="total"' not in page.text and "<table" not in page.text and "%" not in page.text
    assert outsider.status_code == 403 and "Pulse Team" not in outsider.text


async def test_the_pulse_sits_in_the_learning_review_with_the_change_since_last_quarter(client, pool, world):
    (first, last), (before_first, _) = _quarters()
    touchpoint = await factories.pulse_touchpoint(pool, team_id=world["team"])
    await factories.pulse_answers(pool, touchpoint, _answers(8, 16, new_ideas=(8, 16)), on=before_first.replace(day=5))
    await factories.pulse_answers(pool, touchpoint, _answers(20, 0, new_ideas=(8, 12)), on=first.replace(day=20))
    started = await _post(
        client,
        world["manager"],
        f"/staff/teams/{world['team']}/reviews",
        {"first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}"},
    )

    review = await _get(client, world["member"], started.headers["location"])
    culture_page = await _get(client, world["member"], f"/staff/teams/{world['team']}/culture")

    assert "How the team sees its own culture" in review.text
    for html in (review.text, culture_page.text):
        assert re.search(r"\d+ people answered", html)
        assert "clearly higher" in _row(html, "In this team, people actively seek out")
        assert "no clear change" in _row(html, "New ideas about how we work are welcomed here.")
    assert "Time after" not in review.text  # written answers are read on the reading list, not shown here
