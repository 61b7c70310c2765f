"""Filling in Heard's forms in a real browser, as a person would.

Under 8s see one question a screen: the helpers press "Next" until every
question asked for has been answered, with or without JavaScript (with it,
tapping a face moves on by itself, so they wait for the next screen instead).
"""

from __future__ import annotations

from playwright.async_api import Page, expect


async def next_screen(page: Page) -> None:
    """Press "Next" and wait for the next question to be on screen (htmx swap or a new page)."""
    step = await page.locator("input[name=step]").get_attribute("value")
    await page.get_by_role("button", name="Next").click()
    await expect(page.locator("input[name=step]")).not_to_have_value(step or "")


async def moves_on_by_itself(page: Page) -> bool:
    """Whether choosing an answer on this screen goes to the next one (one question a screen, with JavaScript)."""
    return await page.evaluate("!!window.htmx") and await page.locator("form[data-step-on-choice]").count() > 0


async def choose(page: Page, question: str, label: str) -> None:
    """Choose an answer; where that moves on by itself, wait for the next screen."""
    step = (
        await page.locator("input[name=step]").get_attribute("value")
        if await page.locator("input[name=step]").count()
        else None
    )
    moving = (
        step is not None and await moves_on_by_itself(page) and await page.get_by_role("button", name="Next").count()
    )
    await page.get_by_role("group", name=question).get_by_role("radio", name=label, exact=True).check()
    if moving:
        await expect(page.locator("input[name=step]")).not_to_have_value(step or "")


async def answer(page: Page, choices: list[tuple[str, str]], words: str = "") -> None:
    """Choose `label` for each `question`, write `words` in the free-text box, screen by screen."""
    await page.locator("form#answers").wait_for()
    pending = list(choices)
    while True:
        moved = False
        for question, label in list(pending):
            group = page.get_by_role("group", name=question)
            if await group.count():
                moved = (
                    await page.locator("input[name=step]").count() > 0
                    and await moves_on_by_itself(page)
                    and await page.get_by_role("button", name="Next").count() > 0
                )
                await choose(page, question, label)
                pending.remove((question, label))
        if moved:
            continue
        if words and await page.get_by_role("textbox").count():
            await page.get_by_role("textbox").fill(words)
            words = ""
        if not (pending or words) or not await page.get_by_role("button", name="Next").count():
            break
        await next_screen(page)
    while await page.get_by_role("button", name="Next").count():  # on to the screen with "Send"
        await next_screen(page)
    assert not pending and not words, f"not on any screen: {pending} {words!r}"


# What each audience answers in the journeys: [(question, answer label)], free text.
ANSWERS = {
    "under8": (
        [("Did the grown-up listen to you?", "Yes"), ("Was the grown-up kind to you?", "A bit")],
        "I liked the drawing",
    ),
    "8to12": (
        [("Did your worker listen to you?", "Mostly"), ("Are things getting better for you?", "Sort of")],
        "My worker is nice",
    ),
    "13to17": (
        [
            ("My worker listened to what I had to say.", "Agree"),
            ("How did you take part in the meeting?", "I was there"),
        ],
        "ok",
    ),
    "parent": (
        [
            ("The worker listened to me.", "Strongly agree"),
            ("Do you know how to contact your worker if you need to?", "Not sure"),
        ],
        "Thank you for explaining the plan.",
    ),
}
# The stored value of each answer label above.
STORED = {
    "Yes": 3,
    "A bit": 2,
    "Mostly": 4,
    "Sort of": 3,
    "Agree": 4,
    "I was there": "was_there",
    "Strongly agree": 5,
    "Not sure": "not_sure",
}
QUESTION_IDS = {
    "Did the grown-up listen to you?": "listened",
    "Was the grown-up kind to you?": "respect",
    "Did your worker listen to you?": "listened",
    "Are things getting better for you?": "better",
    "My worker listened to what I had to say.": "listened",
    "How did you take part in the meeting?": "took_part",
    "The worker listened to me.": "listened",
    "Do you know how to contact your worker if you need to?": "contact",
}


def expected_answers(audience: str) -> dict[str, int | str]:
    choices, _ = ANSWERS[audience]
    return {QUESTION_IDS[question]: STORED[label] for question, label in choices}
