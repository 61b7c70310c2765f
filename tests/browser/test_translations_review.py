"""What the translation review (issue 21) fixed, as a child or parent sees it in
Chromium: phone numbers read in the right order on right-to-left pages, and a
question's own yes/no words (Welsh Do / Naddo) under its faces."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests import factories
from tests.browser import respondent

RIGHT_TO_LEFT = ["ar", "ur", "fa", "ps", "ckb"]
NUMBERS = ["0800 1111", "0303 123 1113", "999"]

# Where each number's digit groups are drawn: for every place a number appears
# in the page's text, the left edge of its first and last group, and their tops.
_PLACES = """numbers => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const rect = (node, start, end) => {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, end);
        return range.getBoundingClientRect();
    };
    while (walker.nextNode()) {
        const node = walker.currentNode;
        for (const number of numbers) {
            const groups = number.split(" ");
            for (let at = node.data.indexOf(number); at >= 0; at = node.data.indexOf(number, at + 1)) {
                const first = rect(node, at, at + groups[0].length);
                const last = rect(node, at + number.length - groups[groups.length - 1].length, at + number.length);
                if (first.width > 0) {
                    found.push({number, firstLeft: first.left, lastLeft: last.left, firstTop: first.top, lastTop: last.top});
                }
            }
        }
    }
    return found;
}"""


async def _numbers_in_reading_order(page: Page) -> list[tuple[str, bool]]:
    """Each shown phone number, and whether its groups are drawn in the order they are dialled."""
    places = await page.evaluate(_PLACES, NUMBERS)
    return [
        (
            place["number"],
            place["firstLeft"] <= place["lastLeft"]
            if abs(place["firstTop"] - place["lastTop"]) < 2
            else place["firstTop"] <= place["lastTop"],
        )
        for place in places
    ]


async def test_the_check_sees_a_bare_number_reversed_in_right_to_left_text(page, server):
    """Without isolation Chromium draws "0800 1111" as "1111 0800" in Arabic: the check must notice."""
    await page.goto(f"{server}/help?lang=ar")

    await page.evaluate("""() => {
        const p = document.createElement("p");
        p.textContent = "اتصل بـ Childline على الرقم 0800 1111 الآن";
        document.querySelector("main").prepend(p);
    }""")

    assert ("0800 1111", False) in await _numbers_in_reading_order(page)


@pytest.mark.parametrize("tag", RIGHT_TO_LEFT)
async def test_phone_numbers_read_in_dialling_order_on_right_to_left_pages(browser, server, pool, tag):
    context = await browser.new_context(viewport={"width": 360, "height": 640}, locale=tag)
    page = await context.new_page()
    touchpoint = await factories.touchpoint(pool, audience="parent")
    # A real disclosure, so the thank-you page shows where help is (the address never says so).
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent?lang={tag}")
    await page.locator("input[name=q_listened][value='4']").check()
    await page.locator("textarea").fill("my partner hits me and I am scared")
    await page.locator("form button[type=submit]").last.click()
    await page.locator(".support .phone").first.wait_for()
    thanks = page.url.split(server, 1)[1].split("&lang=")[0].replace("?lang=" + tag + "&", "?")
    pages = {
        "help": ("/help", {"999", "0800 1111"}),
        "thanks after a disclosure": (thanks, {"999", "0800 1111"}),
        "contact": (f"/t/{touchpoint.code}/contact?a=parent", {"999", "0800 1111"}),
        "privacy for children": ("/privacy?for=child", {"0800 1111"}),
        "privacy for adults": ("/privacy?for=adult", {"0303 123 1113"}),
    }
    wrong = []

    for name, (path, expected) in pages.items():
        await page.goto(f"{server}{path}{'&' if '?' in path else '?'}lang={tag}")
        await expect(page.locator("html")).to_have_attribute("dir", "rtl")
        shown = await _numbers_in_reading_order(page)
        text = await page.locator("main").inner_text()
        assert expected <= {number for number, _ in shown}, f"{name}: {expected} not all shown"
        assert all(number in text for number in expected), name
        wrong += [f"{name}: {number}" for number, in_order in shown if not in_order]
    await page.goto(f"{server}/t/{touchpoint.code}/contact?a=parent&lang={tag}")
    await page.locator("#how").fill("07700 900123")
    await page.locator("form.contact-form button[type=submit]").click()
    await expect(page.locator(".phone").first).to_be_visible()
    wrong += [f"contact sent: {number}" for number, in_order in await _numbers_in_reading_order(page) if not in_order]
    await context.close()

    assert wrong == []


async def _answer_and_move_on(page: Page, radio) -> None:
    """Tap an answer and wait for the next screen: with JavaScript a tap moves on by itself
    (pressing "Nesaf" as well would skip a question), without it "Nesaf" is pressed."""
    step = await page.locator("input[name=step]").get_attribute("value")
    moves_by_itself = await respondent.moves_on_by_itself(page)
    await radio.check()
    if not moves_by_itself:
        await page.get_by_role("button", name="Nesaf").click()
    await expect(page.locator("input[name=step]")).not_to_have_value(step or "")


async def test_a_welsh_under_8_question_is_answered_do_or_naddo(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="under8")

    await page.goto(f"{server}/t/{touchpoint.code}/form/under8?lang=cy")

    question = page.get_by_role("group", name="Wnaeth yr oedolyn wrando arnat ti?")
    assert await question.locator(".option-text").all_inner_texts() == ["Naddo", "Ychydig", "Do"]
    await _answer_and_move_on(page, question.get_by_role("radio", name="Do", exact=True))
    question = page.get_by_role("group", name="Wnest ti ddeall beth ddywedodd yr oedolyn?")
    await expect(question.locator(".option-text")).to_have_text(["Naddo", "Ychydig", "Do"])


async def test_a_welsh_question_asked_with_oedd_is_answered_oedd_or_nac_oedd(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="under8")
    await page.goto(f"{server}/t/{touchpoint.code}/form/under8?lang=cy")

    for _ in range(2):
        await _answer_and_move_on(page, page.locator("fieldset.question input[type=radio]").first)

    question = page.get_by_role("group", name="Oedd yr oedolyn yn garedig wrthot ti?")
    await expect(question.locator(".option-text")).to_have_text(["Nac oedd", "Ychydig", "Oedd"])


@pytest.mark.parametrize(("tag", "words"), [("en-GB", ["No", "A bit", "Yes"]), ("pl", ["Nie", "Trochę", "Tak"])])
async def test_where_a_language_has_no_words_of_its_own_for_a_question_the_usual_ones_show(
    page, server, pool, tag, words
):
    touchpoint = await factories.touchpoint(pool, audience="under8")

    await page.goto(f"{server}/t/{touchpoint.code}/form/under8?lang={tag}")

    assert await page.locator("fieldset.question .option-text").all_inner_texts() == words
