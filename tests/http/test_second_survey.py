"""A second families' survey (surveys/after-care-review.toml, after a child in care's review meeting) works
everywhere the first does, over HTTP against the real database: its forms in every audience and in Welsh, a
touchpoint that asks it, the team page and its exports per survey (a chooser where a team asks both), and a
learning review about it with its Markdown export. Answers to one survey never show in the other's figures."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from service.reviews.service import default_period
from tests import factories
from tests.http.helpers import answers, hidden_fields

# The module's `world` makes rows its tests share (tests/conftest.py empties them once, before the module).
pytestmark = pytest.mark.shared_rows

REVIEW = factories.REVIEW_SURVEY
MEETING = factories.SURVEY
VALID = {
    "under8": answers(listened="3", said_it="2", anything_else="I saw my sister after"),
    "8to12": answers(listened="5", said_it="4", decided="3", anything_else="It was long"),
    "13to17": answers(listened="4", said_it="5", decided="2", respect="5", took_part="was_there"),
    "parent": answers(
        listened="2", decided="4", respect="3", asked_before="no", anything_else="Nobody asked me before the review."
    ),
}
FIRST_QUESTION = {
    "under8": "Did the grown-ups at your meeting listen to you?",
    "8to12": "Did the people at your review listen to you?",
    "13to17": "People at my review listened to what I had to say.",
    "parent": "The people at the review listened to me.",
}
# Adults' wording of "listened", what staff read: one per survey.
REVIEW_LISTENED = "The people at the review listened to me."
MEETING_LISTENED = "The worker listened to me."
REVIEW_GOOD = {"listened": 5, "decided": 4, "respect": 5, "asked_before": "yes"}
MEETING_GOOD = {"listened": 5, "understood": 4, "respect": 5, "better": 4, "contact": "yes"}


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"heard_staff={token}"}


@pytest.mark.parametrize("audience", list(VALID))
async def test_each_audience_answers_the_review_survey_and_the_answers_are_stored_against_it(client, pool, audience):
    touchpoint = await factories.touchpoint(pool, survey_id=REVIEW, contact_kind="child_in_care_review")
    form = await client.get(f"/t/{touchpoint.code}/form/{audience}")

    response = await client.post(
        f"/t/{touchpoint.code}/form/{audience}", data={**hidden_fields(form.text), **VALID[audience]}
    )

    assert "After a review meeting" in form.text and FIRST_QUESTION[audience] in form.text
    assert "Did your worker listen to you?" not in form.text  # not the after-meeting survey's words
    assert response.status_code == 303 and "/thanks?" in response.headers["location"]
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["survey_id"] == REVIEW and stored["audience"] == audience
    expected = {k[2:]: (int(v) if v.isdigit() else v) for k, v in VALID[audience].items() if k != "q_anything_else"}
    assert stored["answers"] == expected
    written = VALID[audience].get("q_anything_else")
    assert stored["free_text"] == ({"anything_else": written} if written else {})


async def test_a_required_review_question_left_empty_says_what_to_do_and_stores_nothing(client, pool):
    touchpoint = await factories.touchpoint(pool, survey_id=REVIEW)
    form = await client.get(f"/t/{touchpoint.code}/form/8to12")

    response = await client.post(
        f"/t/{touchpoint.code}/form/8to12", data={**hidden_fields(form.text), **answers(said_it="4")}
    )

    assert response.status_code == 422
    assert "Choose how much the people at your review listened" in response.text
    assert await factories.stored_responses(pool, touchpoint.id) == []


async def test_the_review_survey_reads_in_welsh_with_its_own_yes_and_no(client, pool):
    touchpoint = await factories.touchpoint(pool, survey_id=REVIEW)

    parent = await client.get(f"/t/{touchpoint.code}/form/parent?lang=cy")
    child = await client.get(f"/t/{touchpoint.code}/form/under8?lang=cy")
    older = await client.get(f"/t/{touchpoint.code}/form/8to12?lang=cy")

    assert "Ar ôl cyfarfod adolygu" in parent.text
    assert "Gwrandawodd y bobl yn yr adolygiad arna i." in parent.text
    assert REVIEW_LISTENED not in parent.text
    assert "Wnaeth yr oedolion yn dy gyfarfod wrando arnat ti?" in child.text
    assert "Naddo" in child.text  # "Wnaeth...?" is answered "Do" / "Naddo"
    assert "Allet ti ddweud beth oeddet ti eisiau ei ddweud?" in older.text
    assert "Na allwn" in older.text  # "Allet ti...?" is answered "Gallwn" / "Na allwn"


@pytest.fixture(scope="module")
async def world(pool):
    """A team that asks both families' surveys, with answers to each in the last whole month."""
    team = await factories.team(pool, "Two Surveys Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Mo Manager")
    meeting = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    review = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=None, contact_kind="child_in_care_review", survey_id=REVIEW
    )
    await factories.responses(pool, meeting, [MEETING_GOOD] * 30)
    await factories.responses(pool, review, [REVIEW_GOOD] * 20 + [{"listened": 2, "decided": 1}] * 12)
    return {"team": team, "manager": await factories.session(pool, manager), "meeting": meeting, "review": review}


async def _get(client, world, path):
    client.cookies.clear()
    return await client.get(path, headers=_cookie(world["manager"][0]))


async def _post(client, world, path, data):
    client.cookies.clear()
    token, csrf = world["manager"]
    return await client.post(path, data={**data, "csrf_token": csrf}, headers=_cookie(token))


async def test_the_team_page_offers_each_survey_the_team_asks_and_shows_one_at_a_time(client, world):
    team = world["team"]

    first = await _get(client, world, f"/staff/teams/{team}")
    review = await _get(client, world, f"/staff/teams/{team}?survey={REVIEW}")

    # The survey the team began asking first is shown first, with a link to the other.
    assert f'href="/staff/teams/{team}?survey={MEETING}&amp;months=3" aria-current="page"' in first.text
    assert f'href="/staff/teams/{team}?survey={REVIEW}&amp;months=3">After a review meeting</a>' in first.text
    assert MEETING_LISTENED in first.text and REVIEW_LISTENED not in first.text
    assert f'href="/staff/teams/{team}?survey={REVIEW}&amp;months=3" aria-current="page"' in review.text
    assert REVIEW_LISTENED in review.text and MEETING_LISTENED not in review.text
    assert "Were you asked for your views before the review?" in review.text
    # Each survey counts only its own answers: 30 after a meeting, 32 after a review (shown to the nearest few).
    assert _responses(first.text) in range(25, 36) and _responses(review.text) in range(27, 38)
    assert f'name="survey" value="{REVIEW}"' in review.text  # the filters keep the chosen survey


def _responses(html: str) -> int:
    match = re.search(r"(\d+) responses", html)
    assert match, "no response count on the page"
    return int(match.group(1))


async def test_a_team_that_asks_one_survey_sees_no_chooser(client, pool):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    token, _ = await factories.session(pool, manager)

    client.cookies.clear()
    page = await client.get(f"/staff/teams/{team}", headers=_cookie(token))

    assert "Answers to the survey:" not in page.text and 'name="survey"' not in page.text


async def test_the_exports_are_of_the_chosen_survey(client, world):
    team = world["team"]

    csv = await _get(client, world, f"/staff/teams/{team}/export.csv?months=3&survey={REVIEW}")
    meeting = await _get(client, world, f"/staff/teams/{team}/export.csv?months=3&survey={MEETING}")
    xlsx = await _get(client, world, f"/staff/teams/{team}/export.xlsx?months=3&survey={REVIEW}")

    assert f"heard-team-{team}-{REVIEW}-" in csv.headers["content-disposition"]
    assert "question decided" in csv.text and "question asked_before" in csv.text
    assert "question better" not in csv.text
    assert "question better" in meeting.text and "question decided" not in meeting.text
    assert f"heard-team-{team}-{REVIEW}-" in xlsx.headers["content-disposition"]
    assert csv.headers["content-disposition"].endswith('.csv"')
    assert xlsx.headers["content-disposition"].endswith('.xlsx"')
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        words = " ".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    assert "After a review meeting" in words and "question decided" in words


async def test_a_touchpoint_is_made_for_the_survey_chosen_and_refused_without_one(client, pool, world):
    team = world["team"]
    fields = {"contact_kind": "child_in_care_review", "language": "en-GB", "follow_browser_language": "yes"}

    form = await _get(client, world, f"/staff/teams/{team}/touchpoints")
    refused = await _post(client, world, f"/staff/teams/{team}/touchpoints", fields)
    made = await _post(client, world, f"/staff/teams/{team}/touchpoints", {**fields, "survey_id": REVIEW})
    staff_survey = await _post(client, world, f"/staff/teams/{team}/touchpoints", {**fields, "survey_id": "debrief"})

    assert '<select id="survey_id" name="survey_id"' in form.text
    assert f'<option value="{REVIEW}">After a review meeting</option>' in form.text
    assert f'<option value="{MEETING}">After a meeting with us</option>' in form.text
    assert 'value="culture-pulse"' not in form.text and 'value="debrief"' not in form.text
    assert refused.status_code == 422 and 'id="survey_id-problem"' in refused.text
    assert staff_survey.status_code == 422 and 'id="survey_id-problem"' in staff_survey.text
    assert made.status_code == 303
    touchpoint_id = int(made.headers["location"].split("/")[-1].split("?")[0])
    assert await pool.fetchval("select survey_id from touchpoints where id = $1", touchpoint_id) == REVIEW
    made_count = await pool.fetchval("select count(*) from touchpoints where team_id = $1", team)
    assert made_count == 3  # the two the team had, and the one made
    shown = await _get(client, world, f"/staff/touchpoints/{touchpoint_id}")
    listed = await _get(client, world, f"/staff/teams/{team}/touchpoints")
    assert "Survey: <strong>After a review meeting</strong>" in shown.text
    assert '<td data-label="Survey">After a review meeting</td>' in listed.text
    assert '<td data-label="Survey">After a meeting with us</td>' in listed.text


async def test_a_review_is_about_the_survey_chosen_and_its_export_says_so(client, pool, world):
    team = world["team"]
    first, last = default_period(dt.date.today())
    period = {"first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}"}
    before = await pool.fetchval("select count(*) from reviews where team_id = $1", team)

    refused = await _post(client, world, f"/staff/teams/{team}/reviews", period)
    started = await _post(client, world, f"/staff/teams/{team}/reviews", {**period, "survey_id": REVIEW})

    assert refused.status_code == 422 and 'id="survey_id-problem"' in refused.text
    assert started.status_code == 303
    review_id = int(re.search(r"/staff/reviews/(\d+)", started.headers["location"]).group(1))
    assert await pool.fetchval("select count(*) from reviews where team_id = $1", team) == before + 1
    assert await pool.fetchval("select survey_id from reviews where id = $1", review_id) == REVIEW
    page = await _get(client, world, f"/staff/reviews/{review_id}")
    assert "After a review meeting" in page.text
    assert REVIEW_LISTENED in page.text and MEETING_LISTENED not in page.text
    do = await _get(client, world, f"/staff/reviews/{review_id}/do")
    assert 'name="target_questions" value="decided"' in do.text and 'value="better"' not in do.text
    markdown = await _get(client, world, f"/staff/reviews/{review_id}/export.md")
    assert "Survey: After a review meeting" in markdown.text
    assert REVIEW_LISTENED in markdown.text and MEETING_LISTENED not in markdown.text
    listing = await _get(client, world, f"/staff/teams/{team}/reviews")
    assert '<th scope="col">Survey</th>' in listing.text


async def test_an_action_of_a_review_aims_only_at_its_own_surveys_questions(client, pool, world):
    team = world["team"]
    first, last = default_period(dt.date.today())
    started = await _post(
        client,
        world,
        f"/staff/teams/{team}/reviews",
        {"first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}", "survey_id": REVIEW},
    )
    review_id = int(re.search(r"/staff/reviews/(\d+)", started.headers["location"]).group(1))

    wrong = await _post(
        client,
        world,
        f"/staff/reviews/{review_id}/actions",
        {"what": "Ask the child first", "target_questions": "better"},
    )
    right = await _post(
        client,
        world,
        f"/staff/reviews/{review_id}/actions",
        {"what": "Ask the child first", "target_questions": "said_it"},
    )

    assert wrong.status_code == 422
    assert right.status_code == 303
    stored = await pool.fetch("select target_questions from review_actions where review_id = $1", review_id)
    assert [r["target_questions"] for r in stored] == [["said_it"]]


async def test_a_practitioners_own_feedback_is_shown_per_survey(client, pool):
    team = await factories.team(pool)
    practitioner = await factories.staff(pool, team_id=team, name="Pat Practitioner")
    meeting = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=practitioner)
    review = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=practitioner, contact_kind="child_in_care_review", survey_id=REVIEW
    )
    await factories.responses(pool, meeting, [MEETING_GOOD] * 25)
    await factories.responses(pool, review, [REVIEW_GOOD] * 25)
    token, _ = await factories.session(pool, practitioner)

    client.cookies.clear()
    first = await client.get("/staff/me", headers=_cookie(token))
    client.cookies.clear()
    chosen = await client.get(f"/staff/me?survey={REVIEW}", headers=_cookie(token))

    assert 'href="/staff/me?survey=after-care-review&amp;months=3">After a review meeting</a>' in first.text
    assert MEETING_LISTENED in first.text and REVIEW_LISTENED not in first.text
    assert REVIEW_LISTENED in chosen.text and MEETING_LISTENED not in chosen.text
    assert 'href="/staff/me?survey=after-care-review&amp;months=3" aria-current="page"' in chosen.text
