"""No respondent page scrolls sideways on a 320 px screen, in any language, for
any audience (welcome, form, the form with problems, thank you), with a "you
said, we did" entry in another language than the page's; an entry in another
language says so and carries its own language; faces share one height and keep
their words inside."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from service import i18n
from tests import factories

# The module-scoped fixtures below make rows every test here reads: emptied once, before the module.
pytestmark = pytest.mark.shared_rows

AUDIENCES = ["under8", "8to12", "13to17", "parent"]
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
ENGLISH_ENTRY = {
    "en-GB": {
        "you_said": "You told us the letters about conferences were hard to understand.",
        "we_did": "We now send a one-page plan in plain words before every conference.",
        "child": "You said our letters were hard to read, so now we draw pictures too.",
    }
}


@pytest.fixture(scope="module")
async def team_with_an_english_entry(pool):
    team_id = await factories.team(pool)
    await factories.you_said_entry(pool, team_id=team_id, texts=ENGLISH_ENTRY)
    return team_id


@pytest.mark.parametrize("tag", i18n.available_tags())
async def test_no_page_scrolls_sideways_at_320px(browser: Browser, server, pool, team_with_an_english_entry, tag):
    context = await browser.new_context(viewport={"width": 320, "height": 640})
    page = await context.new_page()
    sideways = []

    for audience in AUDIENCES:
        touchpoint = await factories.touchpoint(pool, audience=audience, team_id=team_with_an_english_entry)
        base = f"{server}/t/{touchpoint.code}"
        for name, url in [
            ("welcome", f"{base}?lang={tag}"),
            ("form", f"{base}/form/{audience}?lang={tag}"),
            ("thanks", f"{base}/thanks?a={audience}&lang={tag}"),
        ]:
            await page.goto(url)
            if not await page.evaluate(NO_SIDEWAYS_SCROLL):
                sideways.append(f"{audience} {name}")
            if name == "form":
                stepped = await page.locator("button[value=next]").count()
                await page.locator("button[value=next]" if stepped else "button.send").click()
                await page.locator("#problems").wait_for()
                if not await page.evaluate(NO_SIDEWAYS_SCROLL):
                    sideways.append(f"{audience} errors")

    await context.close()
    assert sideways == []


@pytest.mark.parametrize("tag", ["ar", "cy"])
async def test_an_entry_in_another_language_says_which_and_carries_its_language(
    page, server, pool, team_with_an_english_entry, tag
):
    touchpoint = await factories.touchpoint(pool, audience="parent", team_id=team_with_an_english_entry)

    await page.goto(f"{server}/t/{touchpoint.code}?lang={tag}")

    entry = page.locator(".you-said-list > li").first
    await expect(entry.locator("[lang='en-GB']").first).to_contain_text("one-page plan")
    note = entry.locator(".in-language")
    await expect(note).to_be_visible()
    assert await note.get_attribute("lang") is None or await note.get_attribute("lang") == tag
    assert i18n.language(tag).tag in (await page.locator("html").get_attribute("lang"),)


async def test_an_entry_in_the_pages_language_has_no_language_note(page, server, pool, team_with_an_english_entry):
    touchpoint = await factories.touchpoint(pool, audience="parent", team_id=team_with_an_english_entry)

    await page.goto(f"{server}/t/{touchpoint.code}")

    await expect(page.locator(".you-said-list > li")).to_have_count(1)
    assert await page.locator(".in-language").count() == 0


CARDS = """() => [...document.querySelectorAll('.faces .option')].map(label => {
  const words = label.querySelector('.option-text');
  const box = label.getBoundingClientRect(), text = words.getBoundingClientRect();
  return {height: Math.round(box.height), inside: text.left >= box.left - 0.5 && text.right <= box.right + 0.5
          && words.scrollWidth <= words.clientWidth + 1};
})"""


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("tag", ["cy", "pl", "en-GB"])
async def test_faces_share_one_height_and_keep_their_words_inside(browser, server, pool, tag, width):
    context = await browser.new_context(viewport={"width": width, "height": 640})
    page = await context.new_page()
    touchpoint = await factories.touchpoint(pool, audience="8to12")

    await page.goto(f"{server}/t/{touchpoint.code}/form/8to12?lang={tag}")
    cards = await page.evaluate(CARDS)

    await context.close()
    assert cards and all(card["inside"] for card in cards), cards
    rows = [cards[i : i + 5] for i in range(0, len(cards), 5)]
    assert all(len({card["height"] for card in row}) == 1 for row in rows), cards
