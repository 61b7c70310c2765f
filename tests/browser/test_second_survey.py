"""The second families' survey (after a child in care's review) in a real browser on a small phone (360 x 640):
from the touchpoint link to a stored answer, one question a screen for a child under 8, nothing wider than the
screen."""

import re

import pytest
from playwright.async_api import expect

from tests import factories
from tests.browser.respondent import answer

REVIEW = factories.REVIEW_SURVEY
ANSWERS = {
    # audience: (link on "who is answering?", [(question, answer label)], free text)
    "under8": (
        "A child under 8",
        [
            ("Did the grown-ups at your meeting listen to you?", "Yes"),
            ("Could you say what you wanted to say?", "A bit"),
        ],
        "I saw my sister",
    ),
    "13to17": (
        "A young person aged 13 to 17",
        [
            ("People at my review listened to what I had to say.", "Agree"),
            ("How did you take part in your review?", "I was there"),
        ],
        "",
    ),
}


@pytest.mark.parametrize("audience", list(ANSWERS))
async def test_a_child_answers_the_review_survey_on_a_small_phone(page, server, pool, audience):
    touchpoint = await factories.touchpoint(pool, survey_id=REVIEW, contact_kind="child_in_care_review")
    link, choices, words = ANSWERS[audience]

    await page.goto(f"{server}/t/{touchpoint.code}")
    await page.get_by_role("link", name="Start").click()
    await page.get_by_role("link", name=link).click()
    await expect(page).to_have_title(re.compile("After a review meeting – Heard$"))  # under 8s: "Question 1 of 3: ..."
    wider = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    await answer(page, choices, words)  # under 8s: one question a screen
    await page.get_by_role("button", name="Send my answers").click()

    await page.get_by_role("heading", name="Thank you").wait_for()
    assert page.viewport_size == {"width": 360, "height": 640}
    assert wider <= 0, f"the form is {wider}px wider than a 360px phone"
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["survey_id"] == REVIEW and stored["audience"] == audience
    assert set(stored["answers"]) == {"listened", "said_it" if audience == "under8" else "took_part"}
    assert stored["free_text"] == ({"anything_else": words} if words else {})
