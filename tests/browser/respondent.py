"""Filling in Heard's forms in a real browser, as a person would.

Under 8s see one question a screen: the helpers press "Next" until every
question asked for has been answered, with or without JavaScript.
"""

from __future__ import annotations

from playwright.async_api import Page, expect


async def next_screen(page: Page) -> None:
    """Press "Next" and wait for the next question to be on screen (htmx swap or a new page)."""
    step = await page.locator("input[name=step]").get_attribute("value")
    await page.get_by_role("button", name="Next").click()
    await expect(page.locator("input[name=step]")).not_to_have_value(step or "")


async def answer(page: Page, choices: list[tuple[str, str]], words: str = "") -> None:
    """Choose `label` for each `question`, write `words` in the free-text box, screen by screen."""
    pending = list(choices)
    while True:
        for question, label in list(pending):
            group = page.get_by_role("group", name=question)
            if await group.count():
                await group.get_by_role("radio", name=label, exact=True).check()
                pending.remove((question, label))
        if words and await page.get_by_role("textbox").count():
            await page.get_by_role("textbox").fill(words)
            words = ""
        if not (pending or words) or not await page.get_by_role("button", name="Next").count():
            break
        await next_screen(page)
    while await page.get_by_role("button", name="Next").count():  # on to the screen with "Send"
        await next_screen(page)
    assert not pending and not words, f"not on any screen: {pending} {words!r}"
