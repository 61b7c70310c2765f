"""Plural rules from CLDR, written as gettext `Plural-Forms` expressions.

Babel's own table of gettext plural rules is the old GNU one: it gives Welsh
5 forms instead of CLDR's 6, and numbers Arabic's forms in another order. Heard
uses CLDR everywhere, so `msgstr[i]` is always the i-th of the language's CLDR
categories in this order: zero, one, two, few, many, other (those it has).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable

from babel import Locale
from babel.plural import _plural_tags, to_gettext

# Counts that reach every category any language has for whole numbers.
SAMPLE_COUNTS = (*range(1001), 1_000_000, 2_000_000)


def categories(locale: Locale) -> list[str]:
    """The CLDR plural categories of a language, in `msgstr[i]` order."""
    used = set(locale.plural_form.tags) | {"other"}
    return [tag for tag in _plural_tags if tag in used]


def plural_forms(locale: Locale) -> tuple[int, str]:
    """(nplurals, plural expression) for the language's CLDR rule, as gettext
    can evaluate it: counts are whole numbers, so the exponent `e` is 0."""
    header = to_gettext(locale.plural_form)
    found = re.fullmatch(r"nplurals=(\d+); plural=(.*);", header)
    if found is None:
        raise ValueError(f"Babel's plural forms for {locale} are not in gettext's shape: {header!r}")
    count, expression = found.groups()
    return int(count), re.sub(r"\be\b", "0", expression)


def header_value(locale: Locale) -> str:
    count, expression = plural_forms(locale)
    return f"nplurals={count}; plural={expression};"


def index_function(expression: str) -> Callable[[int], int]:
    return gettext.c2py(expression)


def remap(old_expression: str, new_expression: str, new_count: int) -> list[int | None]:
    """For each new form, the old form that was used for the same counts
    (None when no whole number reached it), to carry translations across."""
    old, new = index_function(old_expression), index_function(new_expression)
    mapping: list[int | None] = [None] * new_count
    for n in SAMPLE_COUNTS:
        target = new(n)
        if target < new_count and mapping[target] is None:
            mapping[target] = old(n)
    return mapping
