"""Languages in a real browser: right-to-left forms, the language list one tap
from every page, switching language mid-form without losing an answer (with
and without JavaScript), and English for a text a catalog is missing."""

from __future__ import annotations

import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from playwright.async_api import Page, expect

from service import i18n
from service.i18n import LOCALES_DIR, catalogs
from service.surveys.model import AUDIENCES
from tests import factories
from tests.browser.conftest import running_heard
from tests.browser.respondent import moves_on_by_itself


async def _mirrored(page: Page, option_value: str) -> bool:
    """True when an answer's words hug the right of their box, as right-to-left text does."""
    gaps = await page.evaluate(
        """value => {
            const label = document.querySelector(`input[value="${value}"]`).closest("label");
            const words = label.querySelector(".option-text");
            const range = document.createRange();
            range.selectNodeContents(words);
            const text = range.getBoundingClientRect(), box = label.getBoundingClientRect();
            return [text.left - box.left, box.right - text.right];
        }""",
        option_value,
    )
    left_gap, right_gap = gaps
    return right_gap < left_gap


@pytest.mark.parametrize("tag", ["ar", "ur"])
async def test_a_right_to_left_form_is_mirrored_and_stored_in_its_language(browser, server, pool, tag):
    """A phone set to Arabic or Urdu opens an English touchpoint that follows the browser."""
    context = await browser.new_context(viewport={"width": 360, "height": 640}, locale=tag)
    page = await context.new_page()
    touchpoint = await factories.touchpoint(pool, audience="parent")

    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")

    html = page.locator("html")
    await expect(html).to_have_attribute("lang", tag)
    await expect(html).to_have_attribute("dir", "rtl")
    assert await _mirrored(page, "4")
    await page.locator("input[name=q_listened][value='4']").check()
    await page.locator("input[name=q_contact][value='yes']").check()
    await page.locator("button.send").click()
    await page.wait_for_url(f"**/t/{touchpoint.code}/thanks?lang={tag}*")
    await expect(html).to_have_attribute("dir", "rtl")
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["language"] == tag
    assert stored["answers"] == {"listened": 4, "contact": "yes"}
    await context.close()


async def test_an_english_form_is_not_mirrored(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")

    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")

    await expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert not await _mirrored(page, "4")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
async def test_changing_language_mid_form_keeps_the_answers(browser, server, pool, javascript):
    context = await browser.new_context(
        viewport={"width": 360, "height": 640}, locale="en-GB", java_script_enabled=javascript
    )
    page = await context.new_page()
    touchpoint = await factories.touchpoint(pool, audience="parent")
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    submission_id = await page.locator("input[name=submission_id]").input_value()
    respect = page.get_by_role("group", name="I was treated with respect.")
    await respect.get_by_role("radio", name="Agree", exact=True).check()
    await page.get_by_role("textbox").fill("Diolch – kept across languages")

    await page.get_by_role("button", name="Language").click()
    await page.get_by_role("button", name="Cymraeg").click()

    await expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert await page.locator("input[name=q_respect][value='4']").is_checked()
    assert await page.get_by_role("textbox").input_value() == "Diolch – kept across languages"
    assert await page.locator("input[name=submission_id]").input_value() == submission_id
    assert await factories.stored_responses(pool, touchpoint.id) == []  # switching stores nothing
    await page.locator("input[name=q_listened][value='5']").check()
    await page.locator("button.send").click()
    await page.wait_for_url("**/thanks?lang=cy*")
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert stored["language"] == "cy"
    assert stored["answers"] == {"listened": 5, "respect": 4}
    assert str(stored["submission_id"]) == submission_id
    await context.close()


async def test_changing_language_on_a_young_childs_screen_keeps_the_screen_and_answers(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="under8")
    await page.goto(f"{server}/t/{touchpoint.code}/form/under8")
    first = await page.locator("fieldset.question input[type=radio]").first.get_attribute("name")
    moves_by_itself = await moves_on_by_itself(page)
    await page.locator(f"input[name={first}][value='3']").check()
    if not moves_by_itself:  # pressing Next after a tap that moved on would skip a screen
        await page.get_by_role("button", name="Next").click()
    await expect(page.locator("input[name=step]")).to_have_value("1")

    await page.get_by_role("button", name="Language").click()
    await page.get_by_role("button", name="Polski").click()

    await expect(page.locator("html")).to_have_attribute("lang", "pl")
    await expect(page.locator("input[name=step]")).to_have_value("1")
    assert await page.locator(f"input[type=hidden][name={first}]").input_value() == "3"


async def test_the_welcome_page_counts_the_questions_in_words(page, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")

    await page.goto(f"{server}/t/{touchpoint.code}")

    await expect(page.get_by_text("There are 6 questions.")).to_be_visible()


PAGES = {
    "welcome": "/t/{code}",
    "who": "/t/{code}/who",
    "thanks": "/t/{code}/thanks?a=parent&s=",  # the answer it thanks for stays after switching
    "help": "/help",
    "privacy": "/privacy?for=young",
    "closed": "/t/AAAAAAAAAAAAA",
}


@pytest.mark.parametrize("name", list(PAGES))
async def test_the_language_list_is_one_tap_from_every_respondent_page(page, server, pool, name):
    touchpoint = await factories.touchpoint(pool)
    path = PAGES[name].format(code=touchpoint.code)
    await page.goto(f"{server}{path}")

    await page.get_by_role("link", name="Language").click()
    # The click returns once the navigation commits, before the new page is
    # parsed; all_inner_texts() does not wait, so wait for the list itself.
    await page.wait_for_url("**/language?**")
    await expect(page.locator("ul.languages a").first).to_be_visible()

    names = await page.locator("ul.languages a").all_inner_texts()
    assert {"English", "Cymraeg", "العربية", "اردو", "Polski", "ትግርኛ"} <= set(names)
    assert "English (United Kingdom)" not in names
    arabic = page.get_by_role("link", name="العربية")
    await expect(arabic).to_have_attribute("dir", "rtl")
    await expect(arabic).to_have_attribute("lang", "ar")
    await page.get_by_role("link", name="Cymraeg").click()
    await page.wait_for_url(f"{server}{path}{'&' if '?' in path else '?'}lang=cy")
    await expect(page.locator("html")).to_have_attribute("lang", "cy")


# ---- a catalog with one translation taken out --------------------------------


def _translated(po: Path) -> dict[str, str]:
    with po.open("rb") as source:
        catalog = read_po(source)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


@pytest.fixture(scope="module")
def server_missing_one_welsh_text(dsn):
    """Heard serving a copy of the catalogs in which Welsh lacks one text."""
    locales = Path(tempfile.mkdtemp(prefix="heard-locales-")) / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    po = locales / "cy" / "LC_MESSAGES" / "messages.po"
    welsh = _translated(po)
    removed, kept = "Tell us how it went", "Start"
    assert removed in welsh and kept in welsh, "the Welsh catalog should translate the welcome page"
    with po.open("rb") as source:
        catalog = read_po(source, locale="cy")
    catalog.delete(removed)
    with po.open("wb") as target:
        write_po(target, catalog)
    catalogs.compile_all(locales)

    boot = (
        "import sys; from pathlib import Path; from service import i18n; i18n.use_locales_dir(Path(sys.argv[1])); "
        "from service.cli import main; sys.exit(main(['serve', '--workers', '1', '--port', sys.argv[2]]))"
    )
    with running_heard(dsn, command=[sys.executable, "-c", boot, str(locales)]) as (base, log):
        yield base, removed, welsh[kept], log
    shutil.rmtree(locales.parent)


async def test_a_removed_translation_falls_back_to_english_for_that_text_only(
    page, pool, server_missing_one_welsh_text
):
    base, removed, kept_in_welsh, log = server_missing_one_welsh_text
    touchpoint = await factories.touchpoint(pool)

    response = await page.goto(f"{base}/t/{touchpoint.code}?lang=cy")

    log.seek(0)
    assert response is not None and response.status == 200, log.read().decode()[-3000:]
    await expect(page.locator("html")).to_have_attribute("lang", "cy")
    await expect(page.get_by_role("heading", level=1)).to_have_text(removed)
    await expect(page.get_by_role("link", name=kept_in_welsh, exact=True)).to_be_visible()


# ---- every language, every audience ----------------------------------------------


def _survey_texts(variant) -> list[str]:
    texts = []
    for question in variant.questions:
        texts += [question.text, *([question.hint] if question.hint else [])]
        texts += [option.text for option in getattr(question, "options", [])]
    return texts


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("tag", i18n.available_tags())
async def test_every_language_renders_every_audiences_form_and_submits(page, server, pool, tag, audience):
    from service.settings import load_settings
    from service.surveys.loading import load_surveys

    survey = load_surveys(load_settings().surveys_dir).current("after-meeting").survey
    english = _survey_texts(survey.audiences[audience])
    i18n.use_language(tag)
    untranslated = {text for text in english if i18n.survey_text(text) == text}
    i18n.use_language(i18n.SOURCE_LANGUAGE)
    touchpoint = await factories.touchpoint(pool, audience=audience)

    await page.goto(f"{server}/t/{touchpoint.code}/form/{audience}?lang={tag}")

    await expect(page.locator("html")).to_have_attribute("lang", tag)
    await expect(page.locator("html")).to_have_attribute("dir", i18n.language(tag).direction)
    shown = await page.locator("main").inner_text()
    if tag != i18n.SOURCE_LANGUAGE:
        assert not {text for text in english if text in shown} - untranslated, "English shown for a translated text"
    await page.evaluate("""() => {
        document.querySelector("fieldset.question input[type=radio]").checked = true;
        document.getElementById("answers").submit();
    }""")
    await page.wait_for_url(f"**/t/{touchpoint.code}/thanks?lang={tag}*")
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert (stored["language"], stored["audience"], len(stored["answers"])) == (tag, audience, 1)


@pytest.mark.parametrize(
    "next_", ["//evil.example/t/x", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)", "/t/x?y=<b>"]
)
async def test_the_language_list_only_links_back_within_heard(page, server, next_):
    await page.goto(f"{server}/language?next={urllib.parse.quote(next_)}")

    hrefs = await page.locator("ul.languages a").evaluate_all("links => links.map(a => a.getAttribute('href'))")

    assert hrefs and all(href.startswith("/language?lang=") for href in hrefs)


async def test_the_language_list_links_back_to_the_page_with_its_query(page, server):
    await page.goto(f"{server}/language?next={urllib.parse.quote('/privacy?for=child')}")

    href = await page.get_by_role("link", name="Polski").get_attribute("href")

    assert href == "/privacy?for=child&lang=pl"
