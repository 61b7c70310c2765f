"""When an answer cannot be taken: the GOV.UK error summary ("There is a
problem", a link per question that takes focus to it, a message that says what
to do), a refused send with JavaScript that says so and keeps every answer,
and a welcome page whose promise about skipping matches the survey."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Route, expect

from service.settings import load_settings
from service.surveys.loading import load_surveys
from tests import factories


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
async def test_the_error_summary_names_each_problem_and_its_link_moves_focus_to_the_answer(
    browser: Browser, server, pool, javascript
):
    context = await browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=javascript)
    page = await context.new_page()
    touchpoint = await factories.touchpoint(pool, audience="8to12")
    await page.goto(f"{server}/t/{touchpoint.code}/form/8to12")
    better = page.get_by_role("group", name="Are things getting better for you?")
    await better.get_by_role("radio", name="Mostly").check()

    await page.get_by_role("button", name="Send my answers").click()
    summary = page.locator("#problems")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    links = await summary.get_by_role("link").all_inner_texts()
    await summary.get_by_role("link", name="Choose how much your worker listened").click()

    assert links == ["Choose how much your worker listened"]
    assert await page.evaluate("document.activeElement.name") == "q_listened"
    assert await page.evaluate("document.activeElement.type") == "radio"
    legend = await page.get_by_text("Did your worker listen to you?").bounding_box()
    assert legend and legend["y"] >= 0, "the question is on screen above its answers"
    inline = await page.get_by_role("group", name="Did your worker listen to you?").locator(".problem").inner_text()
    assert "Choose how much your worker listened" in inline
    assert await better.get_by_role("radio", name="Mostly").is_checked()
    assert await factories.stored_responses(pool, touchpoint.id) == []
    await context.close()


@pytest.mark.parametrize("status", [429, 403, 410, 500, 502])
async def test_a_refused_send_with_javascript_shows_a_message_clears_the_old_one_and_keeps_the_answers(
    page, server, pool, status
):
    touchpoint = await factories.touchpoint(pool, audience="parent")
    refuse = []

    async def maybe_refuse(route: Route) -> None:
        if route.request.method == "POST" and refuse:
            await route.fulfill(
                status=status,
                content_type="text/html",
                body="<!doctype html><title>No</title><main><h1>Not now</h1></main>",
            )
            return
        await route.continue_()

    await page.route("**/form/parent", maybe_refuse)
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    await page.get_by_role("textbox").fill("Kept words")
    await page.get_by_role("button", name="Send my answers").click()
    await page.locator("#problems").wait_for()  # a first, ordinary problem: question 1 unanswered
    await (
        page.get_by_role("group", name="The worker listened to me.")
        .get_by_role("radio", name="Agree", exact=True)
        .check()
    )
    refuse.append(True)

    await page.get_by_role("button", name="Send my answers").click()

    refused = page.locator("#send-refused")
    await expect(refused).to_be_visible()
    assert "Not sent yet" in await refused.inner_text()
    assert await page.locator("#problems").count() == 0 or not await page.locator("#problems").is_visible()
    assert await page.evaluate("document.activeElement.id") == "send-refused"
    assert await page.get_by_role("textbox").input_value() == "Kept words"
    assert (
        await page.get_by_role("group", name="The worker listened to me.")
        .get_by_role("radio", name="Agree", exact=True)
        .is_checked()
    )
    refuse.clear()
    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("heading", name="Thank you").wait_for()
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["free_text"] == {"anything_else": "Kept words"}


@pytest.mark.parametrize("audience", ["under8", "8to12", "13to17", "parent"])
async def test_the_welcome_page_says_what_the_survey_asks_about_skipping(page, server, pool, audience):
    variant = load_surveys(load_settings().surveys_dir).current("after-meeting").survey.audiences[audience]
    required = [question for question in variant.questions if question.required]
    touchpoint = await factories.touchpoint(pool, audience=audience)

    await page.goto(f"{server}/t/{touchpoint.code}")

    words = (await page.locator("main").inner_text()).lower()
    if required:
        assert "skip any question" not in words
        assert "first question" in words
    else:
        assert "skip any question" in words
