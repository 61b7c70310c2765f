"""Welsh and Arabic plural forms in a real browser: the child's privacy page
says how many months written answers are kept, for 0, 1, 2, 3, 6, 11 and 100,
each in the form CLDR names for that count (Welsh and Arabic have six)."""

import contextlib

import pytest
from babel.messages.pofile import read_po

from service.settings import REPO_ROOT
from tests.browser.conftest import running_heard
from tests.unit.test_i18n import CLDR, COUNTS

MESSAGE = "We delete what you wrote after %(count)s month."


def _expected(tag: str) -> list[str]:
    """What the catalog says for each count, picked by CLDR's category (not by the catalog's own rule)."""
    from babel import Locale

    from service.i18n import plurals

    with open(REPO_ROOT / "locales" / tag / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    forms = catalog.get(MESSAGE).string
    names = plurals.categories(Locale.parse(tag))
    assert all(forms), f"{tag}: every plural form of {MESSAGE!r} is translated"
    return [forms[names.index(category)] % {"count": count} for category, count in zip(CLDR[tag], COUNTS)]


@pytest.fixture(scope="module")
def servers(dsn):
    """One Heard per count, each keeping written answers for that many months."""
    with contextlib.ExitStack() as stack:
        yield {
            count: stack.enter_context(running_heard(dsn, env={"HEARD_KEEP_FREE_TEXT_MONTHS": str(count)}))[0]
            for count in COUNTS
        }


@pytest.mark.parametrize("tag", ["cy", "ar"])
async def test_welsh_and_arabic_plural_forms_render_for_each_count(page, servers, tag):
    shown = []
    for count in COUNTS:
        await page.goto(f"{servers[count]}/privacy?lang={tag}&for=child")
        shown.append(await page.locator("ul.promises li").nth(4).inner_text())

    assert shown == _expected(tag)
    assert len(set(_expected(tag))) >= 5, "the counts really use different forms"
