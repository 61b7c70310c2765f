"""Short codes: unguessable, easy to type, hard to misread.

13 characters from a 31-letter alphabet without 0/o, 1/l/i: 13 x log2(31)
= 64.4 bits of randomness, so codes cannot be guessed or enumerated.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 13


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """A code as typed (any case, with spaces or dashes) or None if it cannot be one."""
    code = typed.strip().lower().replace("-", "").replace(" ", "")
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def grouped(code: str) -> str:
    """For print: abcd-efgh-jkmn-p is easier to copy than 13 letters in a row."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def public_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/t/{code}"
