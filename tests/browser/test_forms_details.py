"""Smaller things a person meets on the way: one hint for 8-12s' free text and
a privacy line at the top, a drawn (not emoji) language icon, a contact form
whose boxes and labels are laid out, the conference wording of "the worker",
and how many taps each audience needs from the link to "sent"."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests import factories


async def test_8_to_12_free_text_has_one_hint_and_the_form_starts_with_a_privacy_line(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="8to12")

    await page.goto(f"{server}/t/{touchpoint.code}/form/8to12")

    free_text = page.get_by_role("group", name="Is there anything else you want to tell us?")
    hints = await free_text.locator(".hint, .friendly").all_inner_texts()
    assert len(hints) == 1, hints
    privacy = page.locator("main .privacy")
    await expect(privacy).to_be_visible()
    first_question = await page.locator("fieldset.question").first.bounding_box()
    assert (await privacy.bounding_box())["y"] < first_question["y"]


@pytest.mark.parametrize("path", ["", "/form/parent"])
async def test_the_language_button_draws_its_icon(page, server, pool, path):
    touchpoint = await factories.touchpoint(pool, audience="parent")

    await page.goto(f"{server}/t/{touchpoint.code}{path}")

    button = page.locator(".language-link")
    assert await button.locator("svg").count() == 1
    assert (await button.inner_text()).strip() == "Language", "no emoji the fonts may lack"
    box = await button.locator("svg").bounding_box()
    assert box and box["width"] >= 12 and box["height"] >= 12


async def test_the_contact_form_puts_each_label_above_its_own_box(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")

    await page.goto(f"{server}/t/{touchpoint.code}/contact?a=parent")

    layout = await page.evaluate("""() => [...document.querySelectorAll('.contact-form label')].map(label => {
        const box = document.getElementById(label.htmlFor);
        const l = label.getBoundingClientRect(), b = box.getBoundingClientRect(), style = getComputedStyle(box);
        return {labelAbove: l.bottom <= b.top + 1, boxWidth: b.width, border: style.borderTopWidth,
                labelStartsLine: l.left <= document.querySelector('main').getBoundingClientRect().left + 20};
    })""")
    main_width = (await page.locator("main").bounding_box())["width"]
    assert len(layout) == 3
    assert all(item["labelAbove"] and item["labelStartsLine"] for item in layout), layout
    assert all(item["boxWidth"] >= main_width * 0.8 and item["border"] == "2px" for item in layout), layout


@pytest.mark.parametrize(
    ("kind", "listened", "contact"),
    [
        (
            "child_protection_conference",
            "The social worker listened to me.",
            "Do you know how to contact your social worker if you need to?",
        ),
        ("home_visit", "The worker listened to me.", "Do you know how to contact your worker if you need to?"),
    ],
)
async def test_a_parents_questions_say_which_worker_at_a_conference(page, server, pool, kind, listened, contact):
    touchpoint = await factories.touchpoint(pool, audience="parent", contact_kind=kind)

    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")

    legends = await page.locator("legend").all_inner_texts()
    assert listened in legends and contact in legends
    await page.get_by_role("group", name=listened).get_by_role("radio", name="Agree", exact=True).check()
    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("heading", name="Thank you").wait_for()
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["answers"] == {"listened": 4}


# --- taps from the link to "sent" ---------------------------------------------------

# Answering every question with a choice, skipping the written one, on a touchpoint for one audience.
TAPS = {"under8": 5, "8to12": 6, "13to17": 7, "parent": 7}
BEFORE = {"under8": 8, "8to12": 6, "13to17": 7, "parent": 7}  # measured before issue 14


async def taps_to_send(page: Page, base: str) -> int:
    taps = 0

    async def tap(locator) -> None:
        nonlocal taps
        taps += 1
        await locator.click()

    await page.goto(base)
    await tap(page.get_by_role("link", name="Start"))
    while True:
        await page.locator("form#answers").wait_for()
        step = (
            await page.locator("input[name=step]").get_attribute("value")
            if await page.locator("input[name=step]").count()
            else None
        )
        for group in await page.locator("fieldset.question:has(input[type=radio])").all():
            if not await group.locator("input:checked").count():
                await tap(group.locator("label.option").last)
        if step is not None and await page.get_by_role("button", name="Next").count():
            await page.wait_for_timeout(1200)  # does the screen move on by itself?
            if await page.locator("input[name=step]").get_attribute("value") == step:
                await tap(page.get_by_role("button", name="Next"))
            await page.locator(f"input[name=step]:not([value='{step}'])").wait_for(state="attached")
            continue
        await tap(page.get_by_role("button", name="Send my answers"))
        break
    await page.get_by_role("heading", name="Thank you").wait_for()
    return taps


@pytest.mark.parametrize("audience", list(TAPS))
async def test_taps_from_the_link_to_sent(browser: Browser, server, pool, audience):
    context = await browser.new_context(viewport={"width": 360, "height": 640})
    page = await context.new_page()
    touchpoint = await factories.touchpoint(pool, audience=audience)

    taps = await taps_to_send(page, f"{server}/t/{touchpoint.code}")

    await context.close()
    print(f"taps, {audience}: {taps} (before issue 14: {BEFORE[audience]})")
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert taps == TAPS[audience]
    assert len(stored["answers"]) == {"under8": 3, "8to12": 4, "13to17": 5, "parent": 5}[audience]
