"""From a touchpoint link to a stored answer, in a real browser, as each audience."""

import pytest
import zxingcpp
from PIL import Image

from tests import factories
from tests.browser.respondent import answer

ANSWERS = {
    # audience: (button on "who is answering?", [(question, answer label)], free text)
    "under8": (
        "A child under 8",
        [("Did the grown-up listen to you?", "Yes"), ("Was the grown-up kind to you?", "A bit")],
        "I liked the drawing",
    ),
    "8to12": (
        "A child aged 8 to 12",
        [("Did your worker listen to you?", "Mostly"), ("Are things getting better for you?", "Sort of")],
        "",
    ),
    "13to17": (
        "A young person aged 13 to 17",
        [
            ("My worker listened to what I had to say.", "Agree"),
            ("How did you take part in the meeting?", "I was there"),
        ],
        "ok",
    ),
    "parent": (
        "A parent or carer",
        [
            ("The worker listened to me.", "Strongly agree"),
            ("Do you know how to contact your worker if you need to?", "Not sure"),
        ],
        "Thank you for explaining the plan.",
    ),
}


@pytest.mark.parametrize("audience", list(ANSWERS))
async def test_a_person_answers_from_the_link_and_sees_thank_you(page, server, pool, audience):
    touchpoint = await factories.touchpoint(pool)
    button, choices, words = ANSWERS[audience]

    await page.goto(f"{server}/t/{touchpoint.code}")
    await page.get_by_role("link", name="Start").click()
    await page.get_by_role("link", name=button).click()
    await answer(page, choices, words)  # under 8s: one question a screen
    await page.get_by_role("button", name="Send my answers").click()

    await page.get_by_role("heading", name="Thank you").wait_for()
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["audience"] == audience
    assert len(stored["answers"]) == len(choices)
    assert stored["free_text"] == ({"anything_else": words} if words else {})


async def test_a_problem_is_shown_next_to_the_question_and_answers_stay(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")

    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    await (
        page.get_by_role("group", name="I was treated with respect.")
        .get_by_role("radio", name="Agree", exact=True)
        .check()
    )
    await page.get_by_role("textbox").fill("Kept text")
    await page.get_by_role("button", name="Send my answers").click()

    listened = page.get_by_role("group", name="The worker listened to me.")
    await listened.get_by_text("Choose how much you agree that you were listened to").wait_for()  # htmx swaps it in
    respect = page.get_by_role("group", name="I was treated with respect.")
    assert await respect.get_by_role("radio", name="Agree", exact=True).is_checked()
    assert await page.get_by_role("textbox").input_value() == "Kept text"
    assert await factories.stored_responses(pool, touchpoint.id) == []


async def test_the_svg_qr_code_scans_to_the_touchpoint_link(page, server, pool, tmp_path):
    from service.touchpoints.qr import qr_svg

    url = f"{server}/t/{(await factories.touchpoint(pool)).code}"
    svg = tmp_path / "code.svg"
    svg.write_bytes(qr_svg(url))

    await page.goto(svg.as_uri())
    await page.screenshot(path=str(tmp_path / "code.png"))

    [decoded] = zxingcpp.read_barcodes(Image.open(tmp_path / "code.png"))
    assert decoded.text == url
