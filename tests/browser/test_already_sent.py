"""Back after the thank-you page: "You've already sent your answers", never a
form that sends a second response; a new start only where a device is shared."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests import factories
from tests.browser.respondent import ANSWERS, answer

ALREADY = "You've already sent your answers"


async def new_page(browser: Browser, javascript: bool) -> Page:
    context = await browser.new_context(
        viewport={"width": 360, "height": 640}, locale="en-GB", java_script_enabled=javascript
    )
    return await context.new_page()


async def send(page: Page, server: str, code: str, audience: str) -> None:
    await page.goto(f"{server}/t/{code}")
    await page.get_by_role("link", name="Start").click()
    choices, words = ANSWERS[audience]
    await answer(page, choices, words)
    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("heading", name="Thank you").wait_for()


@pytest.mark.parametrize("audience", ["under8", "parent"])
async def test_back_after_thanks_with_javascript_says_already_sent_and_stores_nothing_new(
    browser, server, pool, audience
):
    page = await new_page(browser, javascript=True)
    touchpoint = await factories.touchpoint(pool, audience=audience)
    await send(page, server, touchpoint.code, audience)

    await page.go_back()

    await expect(page.get_by_role("heading", level=1)).to_contain_text(ALREADY)
    assert await page.locator("form#answers").count() == 0, "no form to send again"
    assert await page.get_by_role("link", name="Start again").count() == 0, "not a shared device"
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1
    await page.context.close()


@pytest.mark.parametrize("audience", ["under8", "parent"])
async def test_back_after_thanks_without_javascript_stores_nothing_new_and_says_already_sent(
    browser, server, pool, audience
):
    page = await new_page(browser, javascript=False)
    touchpoint = await factories.touchpoint(pool, audience=audience)
    await send(page, server, touchpoint.code, audience)

    await page.go_back()
    if await page.locator("form#answers").count():  # the browser showed the page it kept: send it again
        if await page.locator("textarea").count():
            await page.locator("textarea").fill("Something new")
        await page.locator("button.send").click()

    await expect(page.get_by_role("heading", level=1)).to_contain_text(ALREADY)
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert "Something new" not in str(stored["free_text"])
    await page.context.close()


async def test_a_shared_device_offers_a_new_start_for_the_next_person(browser, server, pool):
    page = await new_page(browser, javascript=True)
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    await send(page, server, touchpoint.code, "parent")
    await page.go_back()  # "thank you" replaced the form in the history: Back reaches the welcome page, no answers
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tell us how it went")
    assert await page.locator("form#answers").count() == 0
    await page.go_forward()

    await page.get_by_role("link", name="Start again").click()

    await expect(page.locator("form#answers")).to_be_visible()
    assert await page.locator("input[type=radio]:checked").count() == 0
    assert await page.get_by_role("textbox").input_value() == ""
    await (
        page.get_by_role("group", name="The worker listened to me.")
        .get_by_role("radio", name="Agree", exact=True)
        .check()
    )
    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("heading", name="Thank you").wait_for()
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 2
    await page.context.close()
