"""With JavaScript: htmx swaps screens and problems in without reloading the
page, a send that fails on a bad connection keeps every answer and can be
retried (stored once), and read-aloud buttons appear only where they work."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, Route

from tests import factories
from tests.browser.respondent import answer

MARK = "window.__samePage = true"
SAME_PAGE = "window.__samePage === true"
UNDER8 = [("Did the grown-up listen to you?", "Yes"), ("Did you understand what the grown-up said?", "A bit")]


async def test_under_8_screens_change_without_reloading_the_page(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="under8")
    complaints: list[str] = []  # e.g. a Content-Security-Policy refusal
    page.on(
        "console", lambda message: complaints.append(message.text) if message.type in ("error", "warning") else None
    )
    await page.goto(f"{server}/t/{touchpoint.code}/form/under8")
    await page.evaluate(MARK)
    posts: list[dict[str, str]] = []
    page.on("request", lambda request: posts.append(request.headers) if request.method == "POST" else None)

    await answer(page, UNDER8)
    focused = await page.evaluate("document.activeElement.id")
    await page.get_by_role("textbox").fill("I like her")

    assert await page.evaluate(SAME_PAGE), "no full page load between screens"
    assert await page.title() == "Question 4 of 4: After a meeting with us – Heard"
    assert focused == "progress"  # reading starts on the new screen
    assert len(posts) == 3 and all(headers.get("hx-request") == "true" for headers in posts)
    assert complaints == []
    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("heading", name="Thank you").wait_for()
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["answers"] == {"listened": 3, "understood": 2}
    assert stored["free_text"] == {"anything_else": "I like her"}


async def test_problems_swap_in_without_reloading_and_take_focus(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    await page.evaluate(MARK)
    await page.get_by_role("textbox").fill("Kept words")

    await page.get_by_role("button", name="Send my answers").click()
    await page.locator("#problems").wait_for()

    assert await page.evaluate(SAME_PAGE)
    assert await page.evaluate("document.activeElement.id") == "problems"
    assert await page.title() == "Please check your answers: After a meeting with us – Heard"
    assert await page.get_by_role("textbox").input_value() == "Kept words"
    assert await factories.stored_responses(pool, touchpoint.id) == []


@pytest.mark.parametrize("lost", ["request", "response"])
async def test_under_8_answers_survive_a_failed_send_and_are_stored_once_on_retry(browser, server, pool, lost):
    # A browser without the service worker (blocked here): the answers stay in the form to send again by hand.
    # With it, they wait on the device instead (tests/browser/test_shared_device.py).
    context = await browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB", service_workers="block")
    page = await context.new_page()
    touchpoint = await factories.touchpoint(pool, audience="under8")
    failures = []

    async def drop_first_send(route: Route) -> None:
        final_send = route.request.method == "POST" and "go=" not in (route.request.post_data or "")
        if final_send and not failures:
            failures.append(route.request.url)
            if lost == "response":  # it reached Heard and was stored; the answer never came back
                await route.fetch()
            await route.abort("internetdisconnected")
            return
        await route.continue_()

    await page.route("**/form/under8", drop_first_send)
    await page.goto(f"{server}/t/{touchpoint.code}/form/under8")
    await answer(page, UNDER8, "Thank you")
    await page.get_by_role("button", name="Send my answers").click()
    await page.locator("#send-failed").wait_for()

    assert failures, "the first send was dropped"
    assert await page.evaluate("document.activeElement.id") == "send-failed"
    assert await page.get_by_role("textbox").input_value() == "Thank you"
    assert await page.locator("input[type=hidden][name=q_listened]").get_attribute("value") == "3"
    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("heading", name="Thank you").wait_for()
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["answers"] == {"listened": 3, "understood": 2}
    assert stored["free_text"] == {"anything_else": "Thank you"}
    await context.close()


# --- read aloud ----------------------------------------------------------------

FAKE_VOICES = """
window.__spoken = [];
const voices = %s;
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  getVoices: () => voices, speak: (u) => window.__spoken.push([u.text, u.lang]), cancel: () => {},
  addEventListener: () => {},
}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


async def visible_speak_buttons(page: Page) -> list[str]:
    buttons = page.locator("button.speak")
    return [
        await buttons.nth(i).inner_text() for i in range(await buttons.count()) if await buttons.nth(i).is_visible()
    ]


async def test_read_aloud_speaks_each_question_and_answer_with_the_devices_voice(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="under8")
    await page.add_init_script(FAKE_VOICES % '[{"lang": "en-GB", "name": "A voice"}]')
    await page.goto(f"{server}/t/{touchpoint.code}/form/under8")

    await page.get_by_role("button", name="Listen: Did the grown-up listen to you?").click()
    await page.get_by_role("button", name="Listen: A bit").click()

    assert [label.strip() for label in await visible_speak_buttons(page)] == [
        "Listen: Did the grown-up listen to you?",
        "Listen: No",
        "Listen: A bit",
        "Listen: Yes",
    ]
    assert await page.evaluate("window.__spoken") == [["Did the grown-up listen to you?", "en-GB"], ["A bit", "en-GB"]]
    assert not await page.get_by_role("radio", name="A bit").is_checked()  # listening is not choosing


@pytest.mark.parametrize(("voices", "lang"), [("[]", "en-GB"), ('[{"lang": "en-GB", "name": "A voice"}]', "ar")])
async def test_read_aloud_buttons_are_hidden_without_a_voice_for_the_language(page, server, pool, voices, lang):
    touchpoint = await factories.touchpoint(pool, audience="under8")
    await page.add_init_script(FAKE_VOICES % voices)

    await page.goto(f"{server}/t/{touchpoint.code}/form/under8?lang={lang}")

    assert await page.locator("button.speak").count() == 4
    assert await visible_speak_buttons(page) == []
