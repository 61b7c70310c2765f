"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every respondent page, in
English and Arabic (right to left), on a phone and a tablet; plus what axe
cannot see: reflow at 320 CSS px, target sizes, no pre-selected answers."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page

from tests import factories

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
VIEWPORTS = {"phone": {"width": 360, "height": 640}, "tablet": {"width": 768, "height": 1024}}
LANGUAGES = ["en-GB", "ar"]
AUDIENCES = ["under8", "8to12", "13to17", "parent"]


async def violations(page: Page, where: str) -> list[str]:
    """axe at each viewport, on the page as it is now (axe is injected once per document)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.axe_script)
    found = []
    for name, size in VIEWPORTS.items():
        await page.set_viewport_size(size)
        results = await page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        found += [
            f"{where} ({name}): {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]} – {v['help']}"
            for v in results["violations"]
        ]
    await page.set_viewport_size(VIEWPORTS["phone"])
    return found


async def new_page(browser: Browser, lang: str) -> Page:
    context = await browser.new_context(viewport=VIEWPORTS["phone"], locale=lang)
    return await context.new_page()


async def form_states(page: Page, base: str, audience: str, lang: str):
    """Yield (name) after bringing the form into each state: empty, with problems, filled."""
    await page.goto(f"{base}/form/{audience}?lang={lang}")
    yield "empty"
    stepped = await page.locator("button[value=next]").count()
    await page.locator("button[value=next]" if stepped else "button.send").click()
    await page.locator("#problems").wait_for()
    yield "with problems"
    await page.locator("input[type=radio]").nth(1).check()
    for text in await page.locator("textarea").all():
        await text.fill("Some words")
    yield "filled"
    if stepped:  # the other screens, answered
        while await page.locator("button[value=next]").count():
            step = await page.locator("input[name=step]").get_attribute("value")
            await page.locator("button[value=next]").click()
            await page.locator(f"input[name=step]:not([value='{step}'])").wait_for(state="attached")
            if await page.locator("input[type=radio]").count():
                await page.locator("input[type=radio]").first.check()
        await page.locator("textarea").fill("Some words")
        yield "last screen, filled"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_respondent_pages_have_no_axe_violations_on_phone_and_tablet(browser, server, touchpoint, lang):
    page = await new_page(browser, lang)
    found: list[str] = []
    pages = {
        "welcome": f"/t/{touchpoint.code}",
        "who": f"/t/{touchpoint.code}/who",
        "thank you": f"/t/{touchpoint.code}/thanks",
        "code not found": "/t/zzzzzzzzzzzzz",
        "help": "/help",
    }

    for name, path in pages.items():
        await page.goto(f"{server}{path}?lang={lang}")
        assert await page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        found += await violations(page, name)

    await page.context.close()
    assert found == []


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_each_form_has_no_axe_violations_empty_with_problems_and_filled(
    browser, server, touchpoint, lang, audience
):
    page = await new_page(browser, lang)
    found: list[str] = []
    states = []

    async for state in form_states(page, f"{server}/t/{touchpoint.code}", audience, lang):
        states.append(state)
        found += await violations(page, f"{audience} form, {state}")

    await page.context.close()
    assert states[:3] == ["empty", "with problems", "filled"]
    assert found == []


# --- what axe does not check -------------------------------------------------

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
SMALL_TARGETS = """() => [...document.querySelectorAll('button, .button, label.option, .help-link, textarea, input:not([type=radio]):not([type=hidden])')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_page_reflows_at_320px_with_big_targets(browser, server, touchpoint, lang):
    context = await browser.new_context(viewport={"width": 320, "height": 640}, locale=lang)
    page = await context.new_page()
    paths = [f"/t/{touchpoint.code}", f"/t/{touchpoint.code}/who", "/help", f"/t/{touchpoint.code}/thanks"]
    paths += [f"/t/{touchpoint.code}/form/{audience}" for audience in AUDIENCES]
    sideways, small = [], []

    for path in paths:
        await page.goto(f"{server}{path}?lang={lang}")
        if not await page.evaluate(NO_SIDEWAYS_SCROLL):
            sideways.append(path)
        small += [f"{path}: {target}" for target in await page.evaluate(SMALL_TARGETS)]

    await context.close()
    assert sideways == []
    assert small == []


@pytest.mark.parametrize("audience", AUDIENCES)
async def test_a_new_form_has_no_answer_chosen_and_no_time_limit(page, server, pool, audience):
    touchpoint = await factories.touchpoint(pool, audience=audience)

    await page.goto(f"{server}/t/{touchpoint.code}/form/{audience}")

    assert await page.locator("input[type=radio]").count() >= 3
    assert await page.locator("input[type=radio]:checked").count() == 0
    assert await page.locator("meta[http-equiv=refresh]").count() == 0
    assert await page.locator("input[type=range]").count() == 0


async def test_each_face_shows_its_word_and_is_at_least_64px_for_under_8s(page, server, touchpoint):
    await page.goto(f"{server}/t/{touchpoint.code}/form/under8")

    faces = page.locator(".option")
    words = [await faces.nth(i).inner_text() for i in range(await faces.count())]
    sizes = [await page.locator(".face").nth(i).bounding_box() for i in range(3)]

    assert [w.strip() for w in words] == ["No", "A bit", "Yes"]
    assert all(box["width"] >= 64 and box["height"] >= 64 for box in sizes), sizes
    assert await page.get_by_role("radio", name="Yes").count() == 1  # the face's word names the choice
