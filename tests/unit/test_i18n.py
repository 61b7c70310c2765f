"""Languages without a server: choosing one, names, plural forms from CLDR,
English for a missing text, the catalog commands and the completeness report."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from service import i18n
from service.i18n import catalogs, completeness, plurals, review
from service.web.templating import ENV

COUNTS = (0, 1, 2, 3, 6, 11, 100)
# CLDR's plural category for each count (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html)
CLDR = {
    "cy": ["zero", "one", "two", "few", "many", "other", "other"],
    "ar": ["zero", "one", "two", "few", "few", "many", "other"],
}


@pytest.fixture
def locales(tmp_path):
    """A folder of catalogs Heard reads for the length of one test."""
    folder = tmp_path / "locales"
    folder.mkdir()
    yield folder
    i18n.offer_languages("all")
    i18n.use_locales_dir(i18n.LOCALES_DIR)
    i18n.use_language(i18n.SOURCE_LANGUAGE)


def _po(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        write_po(target, catalog)
    with path.with_suffix(".mo").open("wb") as target:
        write_mo(target, catalog)


# ---- choosing a language ------------------------------------------------------


def test_negotiate_prefers_the_persons_choice_then_the_browser_then_the_touchpoint():
    assert i18n.negotiate(chosen="cy", accept_language="ar", default="pl", follow_browser=True) == "cy"
    assert i18n.negotiate(chosen=None, accept_language="xx, ar-EG;q=0.9", default="pl", follow_browser=True) == "ar"
    assert i18n.negotiate(chosen="klingon", accept_language="xx", default="pl", follow_browser=True) == "pl"


def test_negotiate_ignores_the_browser_when_the_touchpoint_says_so():
    assert i18n.negotiate(chosen=None, accept_language="ar", default="cy", follow_browser=False) == "cy"


def test_language_names_are_written_in_the_language_itself():
    names = {tag: i18n.language(tag).own_name for tag in ("en-GB", "cy", "ar", "ur", "ti", "pl")}

    assert names == {"en-GB": "English", "cy": "Cymraeg", "ar": "العربية", "ur": "اردو", "ti": "ትግርኛ", "pl": "Polski"}


def test_at_least_three_available_languages_are_right_to_left():
    right_to_left = [lang.tag for lang in i18n.available_languages() if lang.direction == "rtl"]

    assert len(i18n.available_tags()) >= 13
    assert {"ar", "ur", "fa"} <= set(right_to_left)
    assert i18n.language("cy").direction == "ltr"


def test_the_language_list_starts_with_english_and_welsh_and_keeps_scripts_together():
    names = [lang.own_name for lang in i18n.available_languages()]

    assert names[:2] == ["English", "Cymraeg"]
    assert names.index("Polski") < names.index("Українська") < names.index("العربية")


# ---- plurals ------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["cy", "ar"])
def test_plural_form_chosen_for_each_count_is_cldrs(locales, tag):
    locale = Locale.parse(tag)
    catalog = Catalog(locale=locale, domain="messages")
    catalog.mime_headers = [("Plural-Forms", plurals.header_value(locale))]
    names = plurals.categories(locale)
    catalog.add(("%(count)s question", "%(count)s questions"), tuple(f"{name}:%(count)s" for name in names))
    _po(locales / tag / "LC_MESSAGES" / "messages.po", catalog)
    i18n.use_locales_dir(locales)
    i18n.use_language(tag)
    template = ENV.from_string(
        "{% trans count=n %}{{ count }} question{% pluralize %}{{ count }} questions{% endtrans %}"
    )

    rendered = [template.render(n=n) for n in COUNTS]

    assert len(names) == 6
    assert rendered == [f"{category}:{n}" for category, n in zip(CLDR[tag], COUNTS)]


def test_babels_old_gettext_rules_disagree_with_cldr_which_is_why_heard_replaces_them():
    old_welsh = plurals.index_function(get_plural("cy").plural_expr)
    old_arabic = plurals.index_function(get_plural("ar").plural_expr)
    new_arabic = plurals.index_function(plurals.plural_forms(Locale.parse("ar"))[1])

    assert get_plural("cy").num_plurals == 5  # no "zero" form
    assert old_welsh(0) == old_welsh(11)
    assert (old_arabic(11), old_arabic(100)) == (5, 4)
    assert (new_arabic(11), new_arabic(100)) == (4, 5)


def test_update_moves_existing_plural_translations_to_their_cldr_places(locales):
    shutil.copy(i18n.LOCALES_DIR / "messages.pot", locales / "messages.pot")
    shutil.copy(i18n.LOCALES_DIR / "surveys.pot", locales / "surveys.pot")
    old = Catalog(locale="ar", domain="messages")  # Babel's own (old GNU) Arabic rule
    old.add(("There is %(num)s question.", "There are %(num)s questions."), ("z", "o", "t", "f", "hundreds", "teens"))
    po = locales / "ar" / "LC_MESSAGES" / "messages.po"
    _po(po, old)
    po.write_text(
        po.read_text().replace('"Generated-By', '"X-Heard-Review: reviewed by A. Fluent, 2026-11-01\\n"\n"Generated-By')
    )

    catalogs.update(locales)

    with po.open("rb") as source:
        updated = read_po(source)
    message = updated.get("There is %(num)s question.")
    assert updated.num_plurals == 6 and updated.plural_expr == plurals.plural_forms(Locale.parse("ar"))[1]
    assert message.string == ("z", "o", "t", "f", "teens", "hundreds")  # many = 11-99, other = 100...
    assert catalogs.po_headers(po)["X-Heard-Review"] == "reviewed by A. Fluent, 2026-11-01"
    assert updated.get("Skip to main content") is not None  # the template's texts arrived


# ---- English for a missing text ------------------------------------------------


def test_a_text_missing_from_a_catalog_falls_back_to_english_for_that_text_only(locales):
    source = max(i18n.LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"), key=lambda po: len(_translations(po)))
    tag = source.parent.parent.name
    target = locales / tag / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    translated = _translations(target)
    removed, kept = sorted(translated)[:2]
    with target.open("rb") as file:
        catalog = read_po(file, locale=tag)
    catalog.delete(removed)
    _po(target, catalog)
    i18n.use_locales_dir(locales)
    i18n.use_language(tag)

    assert i18n.gettext(removed) == removed
    assert i18n.gettext(kept) == translated[kept] != kept


def _translations(po: Path) -> dict[str, str]:
    with po.open("rb") as file:
        catalog = read_po(file)
    return {
        m.id: m.string for m in catalog if isinstance(m.id, str) and m.id and m.string and not m.fuzzy and not m.context
    }


# ---- formatting -----------------------------------------------------------------


def test_dates_and_numbers_are_written_the_current_languages_way():
    day = dt.date(2026, 11, 24)
    written = {}
    for tag in ("en-GB", "cy", "es", "ar"):
        i18n.use_language(tag)
        written[tag] = (i18n.format_date(day), i18n.format_number(12345.5), i18n.format_list(["a", "b"]))
    i18n.use_language(i18n.SOURCE_LANGUAGE)

    assert written["en-GB"] == ("24 November 2026", "12,345.5", "a and b")
    assert written["cy"][0] == "24 Tachwedd 2026"
    assert written["es"][:2] == ("24 de noviembre de 2026", "12.345,5")
    assert "نوفمبر" in written["ar"][0]


# ---- the catalog commands and the report -----------------------------------------


def test_extract_leaves_the_templates_alone_when_only_the_date_would_change(locales):
    first = catalogs.extract(locales)
    before = {p.name: p.read_text() for p in first}

    second = catalogs.extract(locales)

    assert sorted(p.name for p in first) == ["messages.pot", "surveys.pot"]
    assert second == []
    assert {p.name: p.read_text() for p in first} == before
    assert "Skip to main content" in before["messages.pot"]
    assert "After a meeting with us" in before["surveys.pot"]


def test_init_starts_a_draft_catalog_with_cldr_plural_forms(locales):
    catalogs.extract(locales)

    written = catalogs.init("sq", locales)

    assert [p.name for p in written] == ["messages.po", "surveys.po"]
    headers = catalogs.po_headers(written[0])
    assert "X-Heard-Review" not in headers  # who checked it lives in locales/REVIEW.toml
    assert completeness.report(locales)[1].review == completeness.DRAFT
    assert headers["Plural-Forms"] == plurals.header_value(Locale.parse("sq"))
    assert catalogs.init("sq", locales) == []  # never overwrites a translator's work


def test_report_counts_respondent_texts_fuzzy_as_missing_and_shows_review(locales):
    catalogs.extract(locales)
    catalogs.init("cy", locales)
    surveys_po = locales / "cy" / "LC_MESSAGES" / "surveys.po"
    with surveys_po.open("rb") as file:
        catalog = read_po(file, locale="cy")
    ids = [m.id for m in catalog if m.id and not completeness.is_optional(m)]  # a question's own yes/no is optional
    for message in catalog:
        if message.id:
            message.string = "cy:" + message.id
    catalog.get(ids[0]).flags.add("fuzzy")
    with surveys_po.open("wb") as file:
        write_po(file, catalog)

    [english, welsh] = completeness.report(locales)

    assert (english.tag, english.respondent_percent, english.review) == ("en-GB", 100.0, "source language")
    assert welsh.respondent_done == len(ids) - 1  # every survey text but the fuzzy one
    assert welsh.overall_done == len(ids) - 1
    assert welsh.respondent_total == english.respondent_total <= welsh.overall_total
    assert welsh.review == completeness.DRAFT and welsh.record is None  # no row in the record: a draft
    assert welsh.plural_forms_ok and welsh.own_name == "Cymraeg" and welsh.direction == "ltr"


def test_interface_texts_count_as_respondent_facing_by_where_they_come_from():
    from babel.messages.catalog import Message

    def facing(*paths: str) -> bool:
        return completeness.is_respondent_facing(Message("x", locations=[(p, None) for p in paths]), "messages")

    assert facing("templates/responses/form.html")
    assert facing("templates/_macros/questions.html")
    assert facing("service/touchpoints/kinds.py")
    assert facing("templates/staff/home.html", "templates/base.html")
    assert not facing("templates/staff/home.html")
    assert not facing("service/touchpoints/routes.py")


RECORD = """
[cy]
status = "reviewed"
reviewer = "second reader, not the drafter"
date = 2026-11-25
confidence = "high"
found = { correct = 149, awkward = 7, wrong = 0, broken = 0 }
fixed = 7
doubts = ["help page: chi or ti?"]

[ar]
status = "draft"
reviewer = "second reader, not the drafter"
date = 2026-11-24
confidence = "medium"
found = { correct = 141, awkward = 10, wrong = 1, broken = 4 }
fixed = 15
"""


def _with_record(locales: Path, *tags: str, record: str = RECORD) -> None:
    catalogs.extract(locales)
    for tag in tags:
        catalogs.init(tag, locales)
    catalogs.compile_all(locales)
    (locales / "REVIEW.toml").write_text(record, encoding="utf-8")
    i18n.use_locales_dir(locales)


def test_the_report_shows_each_languages_review_status_date_and_counts(locales, capsys):
    _with_record(locales, "cy", "ar", "pl")

    rows = {row.tag: row for row in completeness.report(locales)}
    completeness.print_report(list(rows.values()))

    assert (rows["cy"].review, rows["ar"].review, rows["pl"].review) == ("reviewed", "draft", "draft")
    assert rows["cy"].record.date == dt.date(2026, 11, 25) and rows["cy"].record.found.read == 156
    assert rows["pl"].record is None
    table = capsys.readouterr().out.split("\n\n")[0]  # the first table: one line per language
    printed = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    assert "reviewed" in printed["cy"] and "2026-11-25" in printed["cy"]
    assert "draft" in printed["ar"] and "2026-11-24" in printed["ar"]
    assert "draft" in printed["pl"] and "never" in printed["pl"]


def test_a_malformed_review_record_names_the_file_and_the_place(locales):
    _with_record(locales, "cy", record='[cy]\nstatus = "done"\n')

    with pytest.raises(ValueError, match=r"REVIEW.toml.*status"):
        completeness.report(locales)


def test_a_deployment_can_offer_only_reviewed_languages_or_a_list(locales):
    _with_record(locales, "cy", "ar", "pl")

    i18n.offer_languages("reviewed")
    reviewed_only = i18n.available_tags()
    i18n.offer_languages("ar, PL")
    listed = i18n.available_tags()
    i18n.offer_languages("all")

    assert reviewed_only == ("en-GB", "cy")
    assert listed == ("en-GB", "ar", "pl")
    assert i18n.available_tags() == ("en-GB", "ar", "cy", "pl")
    i18n.offer_languages("reviewed")
    assert i18n.negotiate(chosen="ar", accept_language="pl", default="pl", follow_browser=True) == "en-GB"
    i18n.offer_languages("all")


def test_a_language_without_a_catalog_is_refused_by_name(locales):
    _with_record(locales, "cy")

    with pytest.raises(ValueError, match="HEARD_LANGUAGES: no catalog for xx"):
        i18n.offer_languages("cy,xx")

    assert i18n.available_tags() == ("en-GB", "cy")


def test_the_committed_record_has_a_row_with_counts_for_every_language():
    record = review.read_record(i18n.LOCALES_DIR)
    languages = {po.parent.parent.name for po in catalogs.catalogs()}

    assert set(record) == languages and len(languages) == 14
    for tag, row in record.items():
        assert row.reviewer and row.found.read > 0, tag
        if row.reviewed:
            assert row.found.read >= 150, f"{tag}: 'reviewed' means every respondent-facing text was read"
        else:
            assert row.doubts, f"{tag}: a draft says what is in doubt"
