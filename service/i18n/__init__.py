"""Languages: which exist, which one a request uses, and the gettext callables.

Interface text is the `messages` domain, survey text the `surveys` domain;
both are compiled from locales/<lang>/LC_MESSAGES/*.po. The language of the
request in hand lives in a ContextVar, never in a global, so concurrent
requests in different languages cannot mix. A string missing from a catalog
is shown in English, that string only.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, dates, lists, numbers, support

from service import paths

from . import review

SOURCE_LANGUAGE = "en-GB"
LOCALES_DIR = paths.LOCALES_DIR
DOMAINS = ("messages", "surveys")

_locales_dir = LOCALES_DIR
# Which languages this deployment offers (HEARD_LANGUAGES): "all", "reviewed", or tags.
_offered = "all"


class Language:
    """One language Heard can speak: its tag, direction, own name and catalogs."""

    def __init__(self, tag: str, locales_dir: Path | None = None) -> None:
        self.tag = tag
        self.locale = Locale.parse(tag, sep="-")
        self.direction = "rtl" if self.locale.character_order == "right-to-left" else "ltr"
        # The name of the language in itself ("Cymraeg", "العربية"), for the
        # language list; "English", not "English (United Kingdom)".
        name = self.locale.get_language_name(self.locale) or tag
        self.own_name = name[:1].upper() + name[1:]
        folder = str(self.locale)
        where = locales_dir or _locales_dir
        self.messages = support.Translations.load(where, [folder], "messages")
        self.surveys = support.Translations.load(where, [folder], "surveys")


@cache
def language(tag: str) -> Language:
    return Language(tag)


def use_locales_dir(path: Path) -> None:
    """Read catalogs from another folder from now on (tests: a copied catalog)."""
    global _locales_dir
    _locales_dir = path
    language.cache_clear()
    available_tags.cache_clear()
    review.forget()


def offer_languages(choice: str) -> None:
    """Offer only some languages (HEARD_LANGUAGES): "" or "all" (every language
    with a compiled catalog), "reviewed" (those the review record marks
    reviewed), or tags separated by commas ("cy,pl"). English is always offered.
    An unknown tag is refused, so a typo cannot switch a language off quietly."""
    global _offered
    choice = choice.strip() or "all"
    if choice not in ("all", "reviewed"):
        known = {tag.lower() for tag in _with_catalogs()}
        unknown = [tag for tag in _tags(choice) if tag.lower() not in known]
        if unknown:
            raise ValueError(
                f"HEARD_LANGUAGES: no catalog for {', '.join(unknown)} (known: {', '.join(_with_catalogs())})"
            )
    _offered = choice
    available_tags.cache_clear()


def _tags(choice: str) -> list[str]:
    return [tag.strip().replace("_", "-") for tag in choice.split(",") if tag.strip()]


def is_reviewed(tag: str) -> bool:
    """Whether the review record (locales/REVIEW.toml) marks this language reviewed."""
    return tag == SOURCE_LANGUAGE or review.is_reviewed(tag, _locales_dir)


def _with_catalogs() -> list[str]:
    tags = []
    for mo in sorted(_locales_dir.glob("*/LC_MESSAGES/messages.mo")):
        tag = mo.parent.parent.name.replace("_", "-")
        if tag != SOURCE_LANGUAGE:
            tags.append(tag)
    return tags


@cache
def available_tags() -> tuple[str, ...]:
    """English, then every offered language with a compiled catalog, by tag."""
    tags = _with_catalogs()
    if _offered == "reviewed":
        tags = [tag for tag in tags if is_reviewed(tag)]
    elif _offered != "all":
        wanted = {tag.lower() for tag in _tags(_offered)}
        tags = [tag for tag in tags if tag.lower() in wanted]
    return (SOURCE_LANGUAGE, *tags)


# Listed first in the language list: the source, and Welsh (Welsh public bodies must offer it).
FIRST_LISTED = (SOURCE_LANGUAGE, "cy")


def available_languages() -> list[Language]:
    """For the language list: English, Welsh, then by name, so each script's names sit together."""
    languages = [language(tag) for tag in available_tags()]
    return sorted(
        languages,
        key=lambda lang: (
            lang.tag not in FIRST_LISTED,
            FIRST_LISTED.index(lang.tag) if lang.tag in FIRST_LISTED else 0,
            lang.own_name.casefold(),
        ),
    )


def match_tag(requested: str | None) -> str | None:
    """The available tag a requested one means ("ar", "AR", "ar-SA" -> "ar"), if any."""
    if not requested:
        return None
    wanted = requested.strip().replace("_", "-").lower()
    tags = available_tags()
    for tag in tags:
        if tag.lower() == wanted:
            return tag
    base = wanted.split("-")[0]
    for tag in tags:
        if tag.lower().split("-")[0] == base:
            return tag
    return None


def negotiate(*, chosen: str | None, accept_language: str | None, default: str, follow_browser: bool) -> str:
    """The person's choice, else the browser's (if the touchpoint allows), else the touchpoint's."""
    if tag := match_tag(chosen):
        return tag
    if follow_browser and accept_language:
        for requested in _parse_accept_language(accept_language):
            if tag := match_tag(requested):
                return tag
    return match_tag(default) or SOURCE_LANGUAGE


def _parse_accept_language(header: str) -> list[str]:
    weighted = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


_current: contextvars.ContextVar[Language] = contextvars.ContextVar("heard_language")


def use_language(tag: str) -> Language:
    lang = language(tag)
    _current.set(lang)
    return lang


def current_language() -> Language:
    try:
        return _current.get()
    except LookupError:
        return language(SOURCE_LANGUAGE)


def gettext(message: str) -> str:
    return current_language().messages.ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return current_language().messages.ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return current_language().messages.upgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return current_language().messages.unpgettext(context, singular, plural, n)


def survey_text(message: str) -> str:
    """Text from a survey file, in the current language (the `surveys` domain)."""
    return current_language().surveys.ugettext(message) if message else message


# A question's own yes/no words (survey `labels`) are translated per question:
# the msgctxt is the question's English text, so the same words asked of two
# audiences share one translation.
LABEL_CONTEXT = "answer to: {}"


def label_context(question_text: str) -> str:
    return LABEL_CONTEXT.format(question_text)


def survey_label(question_text: str, english: str, generic: str) -> str:
    """A question's own answer word in the current language: its translation
    for this question, else the language's generic word (`generic`, already
    translated), since "Ie" beats an English "Yes" on a Welsh page."""
    if current_language().tag == SOURCE_LANGUAGE:
        return english
    found = getattr(current_language().surveys, "_catalog", {}).get(f"{label_context(question_text)}\x04{english}")
    return found or generic


def language_name(tag: str) -> str:
    """A language's name in the current language ("Saesneg" for en-GB on a Welsh page), from CLDR."""
    return language(tag).locale.get_language_name(current_language().locale) or language(tag).own_name


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where it is shown."""
    return message


# Numbers, dates and lists the way the current language writes them (CLDR).


def format_number(value: int | float | Decimal) -> str:
    """12345 -> "12,345" in English, "12.345" in Spanish: the language's separators."""
    return numbers.format_decimal(value, locale=current_language().locale)


def format_percent(value: float | Decimal) -> str:
    """0.25 -> "25%" ("%25" in Turkish, "25 %" in French...)."""
    return numbers.format_percent(value, locale=current_language().locale)


def format_date(value: dt.date, format: str = "long") -> str:
    """A date as the language writes it: "24 November 2026", "24 Tachwedd 2026"."""
    return dates.format_date(value, format=format, locale=current_language().locale)


def format_datetime(value: dt.datetime, format: str = "medium", tzinfo: dt.tzinfo | None = None) -> str:
    return dates.format_datetime(value, format=format, tzinfo=tzinfo, locale=current_language().locale)


def format_list(items: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c", "a, b a c"..."""
    return lists.format_list(items, locale=current_language().locale)
