"""Each audience's form completed and sent with the keyboard alone, and with
JavaScript switched off: the plain HTML path works on its own."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page

from tests import factories
from tests.browser.respondent import ANSWERS, answer, expected_answers, next_screen

AUDIENCES = list(ANSWERS)
FOCUSED = "(() => { const el = document.activeElement; return el ? %s : false; })()"


async def tab_to(page: Page, condition: str, limit: int = 80) -> None:
    """Press Tab until the focused element meets `condition` (JS, `el` is the focused element)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(FOCUSED % condition):
            return
    raise AssertionError(f"Tab never reached {condition}")


async def choose_with_keys(page: Page, question: str, label: str) -> None:
    """Tab into the question's radios, then arrow to the answer (arrows choose as they move)."""
    group = page.get_by_role("group", name=question)
    names = {await group.locator("input[type=radio]").first.get_attribute("name")}
    await tab_to(page, f"el.type === 'radio' && el.name === {names.pop()!r}")
    await page.keyboard.press("Space")
    for _ in range(12):
        if await page.evaluate(FOCUSED % f"el.labels[0].innerText.trim() === {label!r}"):
            return
        await page.keyboard.press("ArrowDown")
    raise AssertionError(f"no answer {label!r} in {question!r}")


@pytest.mark.parametrize("audience", AUDIENCES)
async def test_each_form_is_answered_and_sent_with_the_keyboard_alone(page, server, pool, audience):
    touchpoint = await factories.touchpoint(pool, audience=audience)
    choices, words = ANSWERS[audience]
    await page.goto(f"{server}/t/{touchpoint.code}")

    await tab_to(page, "el.matches('a.button')")  # "Start"
    await page.keyboard.press("Enter")
    await page.locator("form#answers").wait_for()
    pending = list(choices)
    while True:
        for question, label in list(pending):
            if await page.get_by_role("group", name=question).count():
                await choose_with_keys(page, question, label)
                pending.remove((question, label))
        if await page.locator("textarea").count():
            await tab_to(page, "el.tagName === 'TEXTAREA'")
            await page.keyboard.type(words)
        if not await page.locator("button[value=next]").count():
            break
        step = await page.locator("input[name=step]").get_attribute("value")
        await tab_to(page, "el.value === 'next'")
        await page.keyboard.press("Enter")
        await page.locator(f"input[name=step]:not([value='{step}'])").wait_for(state="attached")
    await tab_to(page, "el.matches('button.send')")
    await page.keyboard.press("Enter")

    await page.get_by_role("heading", name="Thank you").wait_for()
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert pending == []
    assert stored["answers"] == expected_answers(audience)
    assert stored["free_text"] == {"anything_else": words}


@pytest.fixture
async def no_js_page(browser: Browser):
    context = await browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=False)
    page = await context.new_page()
    yield page
    await context.close()


@pytest.mark.parametrize("audience", AUDIENCES)
async def test_each_form_is_answered_and_sent_without_javascript(no_js_page, server, pool, audience):
    page = no_js_page
    touchpoint = await factories.touchpoint(pool)
    choices, words = ANSWERS[audience]
    scripts_ran: list[str] = []
    page.on("request", lambda request: scripts_ran.append(request.url) if request.url.endswith(".js") else None)

    await page.goto(f"{server}/t/{touchpoint.code}")
    await page.get_by_role("link", name="Start").click()
    await page.get_by_role(
        "link",
        name=dict(
            under8="A child under 8",
            **{"8to12": "A child aged 8 to 12", "13to17": "A young person aged 13 to 17"},
            parent="A parent or carer",
        )[audience],
    ).click()
    await answer(page, choices, words)
    await page.get_by_role("button", name="Send my answers").click()

    await page.get_by_role("heading", name="Thank you").wait_for()
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["answers"] == expected_answers(audience)
    assert stored["free_text"] == {"anything_else": words}
    assert scripts_ran == []


async def test_problems_are_shown_and_linked_without_javascript(no_js_page, server, pool):
    page = no_js_page
    touchpoint = await factories.touchpoint(pool, audience="8to12")
    await page.goto(f"{server}/t/{touchpoint.code}/form/8to12")
    await (
        page.get_by_role("group", name="Are things getting better for you?").get_by_role("radio", name="Mostly").check()
    )

    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("link", name="Choose how much your worker listened").click()

    assert await page.title() == "Please check your answers: After a meeting with us – Heard"
    assert page.url.endswith("#q_listened-input")
    better = page.get_by_role("group", name="Are things getting better for you?")
    assert await better.get_by_role("radio", name="Mostly").is_checked()
    assert await factories.stored_responses(pool, touchpoint.id) == []


async def test_an_under_8_goes_back_a_screen_without_javascript_and_keeps_the_answer(no_js_page, server, pool):
    page = no_js_page
    touchpoint = await factories.touchpoint(pool, audience="under8")
    await page.goto(f"{server}/t/{touchpoint.code}/form/under8")

    await page.get_by_role("button", name="Next").click()  # the first question must be answered
    problem = await page.get_by_role("group", name="Did the grown-up listen to you?").inner_text()
    await page.get_by_role("radio", name="A bit").check()
    await next_screen(page)
    on_second = await page.get_by_role("group").first.get_attribute("id")
    await page.get_by_role("radio", name="Yes").check()
    await page.get_by_role("button", name="Back").click()
    await page.get_by_role("group", name="Did the grown-up listen to you?").wait_for()

    assert "Choose a face to show if the grown-up listened" in problem
    assert on_second == "q_understood"
    assert await page.get_by_role("radio", name="A bit").is_checked()
    assert await page.locator("input[type=hidden][name=q_understood]").get_attribute("value") == "3"
    assert "Question 1 of 4" in await page.locator("#progress").inner_text()
    assert await factories.stored_responses(pool, touchpoint.id) == []
