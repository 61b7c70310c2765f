"""Reading Heard's HTML the way a person's browser would: find the form, fill it in."""

from __future__ import annotations

import re
from html import unescape

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def hidden_fields(html: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in _HIDDEN.findall(html)}


def checked_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="radio" name="q_([a-z_]+)" value="([^"]*)"(?: id="[^"]*")? checked>', html))


def textarea_value(html: str, question: str) -> str:
    match = re.search(rf'name="q_{question}"[^>]*>([^<]*)</textarea>', html)
    assert match, f"no textarea for {question}"
    return unescape(match.group(1))


def answers(**values: str) -> dict[str, str]:
    return {f"q_{key}": value for key, value in values.items()}
