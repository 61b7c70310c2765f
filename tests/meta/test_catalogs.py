"""The translation catalogs keep up with the code: the templates (.pot) are
what the sources give today, every catalog (.po) has every text of its
template (`heard i18n update` was run), and no respondent-facing template
shows words that were not marked for translation."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale

from service.i18n import DOMAINS, LOCALES_DIR, catalogs, plurals
from service.settings import REPO_ROOT
from service.web.templating import ENV

DEBRIEF_PARTNER_PAGES = (
    "_partner.html",
    "answer.html",
    "thanks.html",
    "results.html",
    "_results.html",
    "_response.html",
)
RESPONDENT_TEMPLATES = sorted(
    [REPO_ROOT / "templates" / "base.html"]
    + [p for folder in ("responses", "_macros", "errors") for p in (REPO_ROOT / "templates" / folder).glob("*.html")]
    # What a partner agency reads by a debrief's invitation link (service/debriefs).
    + [REPO_ROOT / "templates" / "debriefs" / name for name in DEBRIEF_PARTNER_PAGES]
    # The respondent's "please contact me" (service/safeguarding).
    + [REPO_ROOT / "templates" / "safeguarding" / name for name in ("contact.html", "contact_sent.html")]
)
# Words that are the same in every language.
NOT_TRANSLATED = {"Heard"}
# Attributes a person sees or hears.
SHOWN_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
# Blocks that fill in an attribute (e.g. <body class="...">), not text.
NOT_TEXT_BLOCKS = {"body_class"}
EXPRESSION = "\x00"  # stands for anything Jinja fills in: it is translated where it comes from


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalog_template_matches_the_sources(domain):
    committed = (LOCALES_DIR / f"{domain}.pot").read_text(encoding="utf-8")

    fresh = catalogs.template_text(domain)

    assert catalogs.without_creation_date(fresh) == catalogs.without_creation_date(committed), (
        f"locales/{domain}.pot is out of date: run `heard i18n extract` and commit it"
    )


@pytest.mark.parametrize("po", catalogs.catalogs(), ids=lambda po: f"{po.parent.parent.name}/{po.name}")
def test_every_catalog_has_every_text_of_its_template(po):
    template = catalogs.read_template(LOCALES_DIR, po.stem)
    catalog = catalogs.read_catalog(po)

    missing = [message.id for message in template if message.id and catalog.get(message.id, message.context) is None]

    assert not missing, f"{po} lacks {len(missing)} texts, e.g. {missing[:3]}: run `heard i18n update`"
    locale = Locale.parse(po.parent.parent.name)
    assert (catalog.num_plurals, catalog.plural_expr) == plurals.plural_forms(locale), (
        f"{po} does not number its plural forms the CLDR way: run `heard i18n update`"
    )


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value and _has_words(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip and _has_words(data):
            self.found.append(data.strip())


def _has_words(text: str) -> bool:
    for word in NOT_TRANSLATED:
        text = text.replace(word, "")
    text = text.replace(EXPRESSION, "")
    return any(unicodedata.category(char).startswith("L") for char in text)


def untranslated_texts(source: str) -> list[str]:
    """The words a template shows that are outside {% trans %} and gettext calls.

    Jinja's own lexer splits the template: text inside {% trans %} blocks and
    every {{ expression }} or {% tag %} becomes a placeholder; what is left is
    HTML, whose text and shown attributes must then have no letters in them.
    """
    html, in_trans, in_tag, names, skipping = [], 0, None, [], 0
    for _, kind, value in ENV.lex(source):
        if kind in ("block_begin", "variable_begin"):
            in_tag, names = kind, []
            html.append(EXPRESSION)
        elif kind in ("block_end", "variable_end"):
            in_tag = None
        elif kind == "name" and in_tag == "block_begin":
            names.append(value)
            if len(names) == 1:
                in_trans += {"trans": 1, "endtrans": -1}.get(value, 0)
                skipping -= 1 if value == "endblock" and skipping else 0
            elif len(names) == 2 and names[0] == "block" and value in NOT_TEXT_BLOCKS:
                skipping += 1
        elif kind == "data" and not in_tag:
            html.append(EXPRESSION if in_trans or skipping else value)
    parser = _VisibleText()
    parser.feed("".join(html))
    parser.close()
    return parser.found


def test_the_check_finds_words_outside_trans_and_passes_marked_ones():
    template = """{% extends "base.html" %}{# a comment is fine #}
      <p>{% trans %}Marked{% endtrans %} – {{ survey_text(q.text) }} {{ _("Also marked") }}</p>
      <p>Not marked</p><img alt="A picture" src="x.png"><span title="{{ _('fine') }}">😀 42</span>
      <button aria-label="Close">×</button><span class="site-name">Heard</span>"""

    assert untranslated_texts(template) == ["Not marked", 'alt="A picture"', 'aria-label="Close"']


@pytest.mark.parametrize(
    "template", RESPONDENT_TEMPLATES, ids=lambda p: p.relative_to(REPO_ROOT / "templates").as_posix()
)
def test_respondent_template_marks_every_visible_text_for_translation(template: Path):
    found = untranslated_texts(template.read_text(encoding="utf-8"))

    assert not found, f"{template.name} shows text that is not marked for translation: {found}"
