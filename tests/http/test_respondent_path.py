"""The respondent's path over HTTP against the real database: welcome, who,
form, submit, thank you, and everything that can go wrong on the way."""

import asyncio
import datetime as dt
import functools

import asyncpg
import pytest

from tests import factories
from tests.http.helpers import answers, checked_values, hidden_fields, textarea_value

VALID = {
    "under8": answers(listened="3", understood="2", respect="3", anything_else="I like drawing with her"),
    "8to12": answers(listened="5", understood="4", respect="5", better="3", anything_else="good"),
    "13to17": answers(listened="4", understood="2", respect="5", better="1", took_part="views_shared"),
    "parent": answers(
        listened="2",
        understood="1",
        respect="3",
        better="2",
        contact="not_sure",
        anything_else="The report came too late to read.",
    ),
}


async def open_form(client, touchpoint, audience):
    response = await client.get(f"/t/{touchpoint.code}/form/{audience}")
    assert response.status_code == 200
    return response.text, hidden_fields(response.text)


async def test_welcome_says_what_this_is_and_links_to_who_is_answering(client, touchpoint):
    response = await client.get(f"/t/{touchpoint.code}")

    assert response.status_code == 200
    assert "<h1>Tell us how it went</h1>" in response.text
    assert "about a minute" in response.text
    assert "anonymous" in response.text
    assert "not safe" in response.text  # the limits of confidentiality
    assert f'href="/t/{touchpoint.code}/who?lang=en-GB"' in response.text


async def test_welcome_of_a_touchpoint_with_a_fixed_audience_starts_its_form(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="13to17")

    response = await client.get(f"/t/{touchpoint.code}")

    assert f'href="/t/{touchpoint.code}/form/13to17?lang=en-GB"' in response.text


async def test_who_is_answering_offers_the_four_audiences(client, touchpoint):
    response = await client.get(f"/t/{touchpoint.code}/who")

    for audience, words in [
        ("under8", "A child under 8"),
        ("8to12", "A child aged 8 to 12"),
        ("13to17", "A young person aged 13 to 17"),
        ("parent", "A parent or carer"),
    ]:
        assert f'/t/{touchpoint.code}/form/{audience}?lang=en-GB">{words}</a>' in response.text


async def test_a_code_typed_in_capitals_with_dashes_finds_the_touchpoint(client, touchpoint):
    typed = "-".join(touchpoint.code[i : i + 4] for i in range(0, 13, 4)).upper()

    response = await client.get(f"/t/{typed}")

    assert response.status_code == 200
    assert touchpoint.team_name in response.text


@pytest.mark.parametrize("audience", list(VALID))
async def test_each_audience_submits_and_the_answers_are_stored_once_with_the_survey_version(client, pool, audience):
    touchpoint = await factories.touchpoint(pool)
    html, hidden = await open_form(client, touchpoint, audience)

    response = await client.post(f"/t/{touchpoint.code}/form/{audience}", data={**hidden, **VALID[audience]})

    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/t/{touchpoint.code}/thanks?lang=en-GB&a={audience}&s=")
    thanks = await client.get(response.headers["location"])
    assert "<h1>Thank you</h1>" in thanks.text
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    expected_closed = {
        k[2:]: (int(v) if v.isdigit() else v) for k, v in VALID[audience].items() if k != "q_anything_else"
    }
    assert stored["answers"] == expected_closed
    assert stored["free_text"] == (
        {"anything_else": VALID[audience]["q_anything_else"]} if "q_anything_else" in VALID[audience] else {}
    )
    assert stored["audience"] == audience
    assert stored["survey_id"] == "after-meeting"
    assert stored["survey_version_hash"] == hidden["version"]
    assert str(stored["submission_id"]) == hidden["submission_id"]
    assert stored["submitted_on"] == dt.date.today() or abs((stored["submitted_on"] - dt.date.today()).days) <= 1


async def test_an_invalid_submission_comes_back_with_every_answer_and_a_message_by_each_problem(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")
    sent = answers(listened="7", understood="2", contact="yes", anything_else="x" * 1001)

    response = await client.post(f"/t/{touchpoint.code}/form/parent", data={**hidden, **sent})

    assert response.status_code == 422
    html = response.text
    assert checked_values(html) == {"understood": "2", "contact": "yes"}
    assert textarea_value(html, "anything_else") == "x" * 1001
    assert 'id="q_listened-problem"' in html and "Please choose one of the answers." in html
    assert 'id="q_anything_else-problem"' in html and "You can write up to 1000 characters." in html
    assert 'href="#q_listened-input"' in html and 'href="#q_anything_else-input"' in html  # links to the answers
    assert hidden_fields(html)["submission_id"] == hidden["submission_id"], "a retry keeps its id"
    assert await factories.stored_responses(pool, touchpoint.id) == []


async def test_a_required_question_left_empty_is_asked_for_again(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "under8")

    response = await client.post(f"/t/{touchpoint.code}/form/under8", data={**hidden, **answers(respect="1")})

    assert response.status_code == 422
    assert "Choose a face to show if the grown-up listened" in response.text  # what to do, in the survey's words
    # Under 8s see one question a screen: the missing one, with the answers so far carried along.
    assert 'name="q_listened"' in response.text and checked_values(response.text) == {}
    assert hidden_fields(response.text)["q_respect"] == "1"


async def test_a_repeated_post_of_the_same_submission_is_stored_once_and_thanked_twice(client, pool):
    """The second time (a retry, or Back and send again) the thank-you page says the answers were already sent."""
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "8to12")
    body = {**hidden, **VALID["8to12"]}

    first = await client.post(f"/t/{touchpoint.code}/form/8to12", data=body)
    second = await client.post(f"/t/{touchpoint.code}/form/8to12", data=body)

    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"] + "&again=1"
    assert "already sent" in (await client.get(second.headers["location"])).text
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_identical_posts_racing_each_other_are_stored_once(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")
    body = {**hidden, **VALID["parent"]}

    results = await asyncio.gather(*(client.post(f"/t/{touchpoint.code}/form/parent", data=body) for _ in range(6)))

    assert {r.status_code for r in results} == {303}
    stored = await factories.stored_responses(pool, touchpoint.id)
    assert len(stored) == 1
    assert stored[0]["free_text"] == {"anything_else": "The report came too late to read."}


async def test_a_form_from_a_version_nobody_knows_is_returned_to_be_checked(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")

    response = await client.post(
        f"/t/{touchpoint.code}/form/parent", data={**hidden, "version": "0000000000000000", **VALID["parent"]}
    )

    assert response.status_code == 422
    assert "The questions changed while you were answering" in response.text
    assert checked_values(response.text)["contact"] == "not_sure"
    assert await factories.stored_responses(pool, touchpoint.id) == []


async def test_an_audience_the_touchpoint_does_not_ask_is_not_found(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")

    response = await client.get(f"/t/{touchpoint.code}/form/under8")
    posted = await client.post(f"/t/{touchpoint.code}/form/under8", data=VALID["under8"])

    assert response.status_code == posted.status_code == 404
    assert "We can't find this link" in response.text
    assert await factories.stored_responses(pool, touchpoint.id) == []


@pytest.mark.parametrize(
    ("kind", "status", "words"),
    [
        ("unknown", 404, "We can't find this link"),
        ("paused", 410, "paused for now"),
        ("expired", 410, "no longer in use"),
        ("past_expiry", 410, "no longer in use"),
        ("revoked", 410, "no longer in use"),
    ],
)
async def test_closed_codes_get_a_kind_page_not_a_stack_trace(client, pool, kind, status, words):
    if kind == "unknown":
        code = "zzzzzzzzzzzzz"
    elif kind == "past_expiry":
        code = (await factories.touchpoint(pool, expires_on=dt.date.today() - dt.timedelta(days=2))).code
    else:
        code = (await factories.touchpoint(pool, status=kind)).code

    for path in (f"/t/{code}", f"/t/{code}/who", f"/t/{code}/form/parent", f"/t/{code}/thanks"):
        response = await client.get(path)
        assert response.status_code == status, path
        assert words in response.text
        assert "Traceback" not in response.text
    posted = await client.post(f"/t/{code}/form/parent", data=VALID["parent"])
    assert posted.status_code == status


async def test_a_nonsense_code_is_not_found(client):
    response = await client.get("/t/%3Cscript%3E")

    assert response.status_code == 404
    assert "We can't find this link" in response.text


async def test_database_down_keeps_every_answer_in_the_form_with_a_try_again_message(app, client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")
    working_pool = app.state.pool
    # A pool that points at a port nothing listens on: PostgreSQL is unreachable.
    # It is made on the app's own event loop, which the test client runs in a thread.
    dead = functools.partial(asyncpg.create_pool, "postgresql://heard@127.0.0.1:9/none", min_size=0, timeout=2)
    app.state.pool = client.blocking_portal.call(dead)
    try:
        response = await client.post(f"/t/{touchpoint.code}/form/parent", data={**hidden, **VALID["parent"]})
        # A touchpoint this process has not looked up yet (looked-up ones are kept a few seconds).
        unseen = await factories.touchpoint(pool)
        page = await client.get(f"/t/{unseen.code}")
    finally:
        client.blocking_portal.call(app.state.pool.close)
        app.state.pool = working_pool

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "Your answers are still here" in response.text
    assert "Try sending again" in response.text
    assert checked_values(response.text) == {
        "listened": "2",
        "understood": "1",
        "respect": "3",
        "better": "2",
        "contact": "not_sure",
    }
    assert textarea_value(response.text, "anything_else") == "The report came too late to read."
    assert hidden_fields(response.text)["submission_id"] == hidden["submission_id"], "the retry is the same submission"
    assert page.status_code == 503 and "Please try again" in page.text
    assert await factories.stored_responses(pool, touchpoint.id) == []

    retried = await client.post(
        f"/t/{touchpoint.code}/form/parent", data={**hidden_fields(response.text), **VALID["parent"]}
    )

    assert retried.status_code == 303
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_nothing_about_the_sender_is_stored(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")
    headers = {"User-Agent": "DistinctiveAgent/9.9", "X-Forwarded-For": "203.0.113.77", "X-Real-IP": "203.0.113.78"}

    await client.post(f"/t/{touchpoint.code}/form/parent", data={**hidden, **VALID["parent"]}, headers=headers)

    row = await pool.fetchval(
        "select row_to_json(r)::text || coalesce((select json_agg(f)::text from free_text_answers f "
        "where f.response_id = r.id), '') from responses r where touchpoint_id = $1",
        touchpoint.id,
    )
    assert row is not None
    for leak in ("DistinctiveAgent", "203.0.113", "127.0.0.1", "testclient"):
        assert leak not in row
