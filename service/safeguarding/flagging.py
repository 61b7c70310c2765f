"""Disclosure flagging: does a free-text answer look like a child telling us they are not safe?

Indicator lists live in `indicators/<language>.toml`, one file per language, as
data for safeguarding professionals and fluent speakers to review. Every
answer is checked against the lists of its own language and against English,
because children mix languages.

Text and patterns go through the same `normalise`: compatibility
decomposition, combining marks dropped (so missing accents and Arabic
diacritics do not matter), casefolded, Arabic-script letter variants unified,
apostrophes dropped ("don't" -> "dont"), punctuation to spaces, and repeated
letters collapsed ("hurrrts" -> "hurts", "kill" -> "kil"), which also absorbs
many doubled-letter misspellings.

The pattern language, one indicator pattern per string:
  - words are separated by spaces and must follow each other;
  - `..` between words allows up to three other words in between;
  - `*` inside a word means any further letters (inflections), and a leading
    `*` allows a prefix (Arabic-script clitics such as و، ب، ال);
  - `(a|b)` offers alternatives, which may be several words ("(want to|wanna)");
    `?` makes the character or group before it optional, so "self ?harm"
    also matches "selfharm".

A match is ignored when one of the language's negators comes within the three
words before it or inside it ("nobody hurts me") unless the indicator says
`negatable = false` (its pattern already contains the negation, as in "don't
feel safe"). Languages that negate after the verb list `negators_after`
(Bengali "মারে না"): one of them in the two words after a match cancels it too. Idioms
("hit the nail on the head") are blanked out first.
Matching never needs the network; lists are compiled once per language.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from pathlib import Path

import msgspec

INDICATORS = Path(__file__).with_name("indicators")
FALLBACK_LANGUAGE = "en"
NEGATION_WINDOW = 3  # words before a match in which a negator cancels it

CATEGORIES = frozenset(
    {"harm", "self_harm", "suicide", "sexual_abuse", "exploitation", "missing", "unsafe", "neglect"}
)

# Letters that compatibility decomposition leaves alone but people type without.
_LETTERS = str.maketrans(
    {
        "ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
        # Arabic script: one form per letter, whichever keyboard the child has.
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ے": "ي",
        "ئ": "ي", "ؤ": "و", "ك": "ک", "ګ": "گ", "ة": "ه", "ۃ": "ه", "ہ": "ه", "ھ": "ه", "ە": "ه",
        "\u0640": None,  # tatweel
        "\u200c": None, "\u200d": None, "\u200b": None,  # zero-width (non-)joiners, spaces
        "'": None, "’": None, "‘": None, "ʼ": None, "`": None, "´": None,
    }
)


def _mark_ranges() -> str:
    """Vowel signs and other marks that `\\w` leaves out (Bengali া ে ি...): they are part of words here."""
    marks = [ch for ch in map(chr, range(0x300, 0x10000)) if unicodedata.category(ch).startswith("M")]
    marks = [ch for ch in marks if not re.match(r"\w", ch)]
    ranges, start = [], None
    for ch, following in zip(marks, [*marks[1:], None]):
        start = start or ch
        if following is None or ord(following) != ord(ch) + 1:
            ranges.append(f"{re.escape(start)}-{re.escape(ch)}" if start != ch else re.escape(ch))
            start = None
    return "".join(ranges)


_MARKS = _mark_ranges()
_W = rf"[\w{_MARKS}]"  # a word character, marks included
_NOT_WORD = re.compile(rf"[^\w{_MARKS}]+")
_WORD_START = re.compile(rf"(?<= ){_W}")
_REPEATS = re.compile(r"(\w)\1+")


class Flag(msgspec.Struct, frozen=True):
    """Why an answer was flagged: the categories and the indicator ids that matched."""

    categories: frozenset[str]
    indicators: tuple[str, ...]


class _Indicator(msgspec.Struct, frozen=True):
    id: str
    category: str
    regex: re.Pattern[str]
    negatable: bool


class _Language(msgspec.Struct, frozen=True):
    code: str
    indicators: tuple[_Indicator, ...]
    anything: re.Pattern[str]  # every pattern at once: most answers match none, and stop here
    idioms: re.Pattern[str] | None
    negators: frozenset[str]
    breakers: frozenset[str]
    negators_after: frozenset[str]  # for languages that negate after the verb (Bengali "মারে না")


def normalise(text: str) -> str:
    """The comparable form of a text: see the module docstring."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    letters = bare.translate(_LETTERS)
    spaced = _NOT_WORD.sub(" ", letters.replace("_", " "))
    return " " + _REPEATS.sub(r"\1", spaced).strip() + " "


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def language_code(tag: str) -> str:
    """`en-GB` -> `en`; `ckb` stays `ckb`; anything that is not a language code -> English."""
    code = tag.replace("_", "-").split("-")[0].lower()
    return code if _LANGUAGE_CODE.fullmatch(code) else FALLBACK_LANGUAGE


def available_languages() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in INDICATORS.glob("*.toml")))


def flag(text: str, language: str) -> Flag | None:
    """Check one answer against its language's indicators and English; None if nothing matched."""
    normal = normalise(text)
    codes = dict.fromkeys((language_code(language), FALLBACK_LANGUAGE))
    matched = [ind for code in codes for ind in _matches(_load(code), normal)]
    if not matched:
        return None
    return Flag(
        categories=frozenset(ind.category for ind in matched),
        indicators=tuple(dict.fromkeys(ind.id for ind in matched)),
    )


def _matches(lang: _Language | None, normal: str) -> list[_Indicator]:
    """Every pattern starts at a word, so patterns are tried at word starts only (several times faster than search)."""
    if lang is None:
        return []
    text = _without_idioms(lang, normal)
    starts = _word_starts(text)
    if not any(lang.anything.match(text, start) for start in starts):
        return []
    return [ind for ind in lang.indicators if _found(ind, lang, text, starts)]


def _word_starts(text: str) -> list[int]:
    return [match.start() for match in _WORD_START.finditer(text)]


def _without_idioms(lang: _Language, text: str) -> str:
    if lang.idioms is None:
        return text
    end = 0
    for start in _word_starts(text):
        match = lang.idioms.match(text, start) if start >= end else None
        if match:
            end = match.end()
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def _found(indicator: _Indicator, lang: _Language, text: str, starts: list[int]) -> bool:
    for start in starts:
        match = indicator.regex.match(text, start)
        if match and (not indicator.negatable or not _negated(lang, text[:start], match.group(), text[match.end() :])):
            return True
    return False


def _negated(lang: _Language, before: str, matched: str, after: str) -> bool:
    """A negator just before the match ("nobody hurts me") or inside it ("he doesn't hurt me").

    A breaker between the negator and the match ("never stops hitting me",
    "not allowed to say but he hits me") cancels the negation.
    """
    if lang.negators_after.intersection(after.split()[:2]):  # "মারে না", "মারধর করে না"
        return True
    if lang.negators.intersection(matched.split()):
        return True
    window = before.split()[-NEGATION_WINDOW:]
    for position, word in enumerate(window):
        if word in lang.negators and not lang.breakers.intersection(window[position + 1 :]):
            return True
    return False


@functools.cache
def _load(code: str) -> _Language | None:
    path = INDICATORS / f"{code}.toml"
    if not path.is_file():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    negators = frozenset(normalise(" ".join(data.get("negators", []))).split())
    entries = data.get("indicator", [])
    return _Language(
        code=code,
        indicators=tuple(_indicator(entry, negators) for entry in entries),
        anything=_union([pattern for entry in entries for pattern in entry["patterns"]]),
        idioms=_union(data.get("idioms", [])) if data.get("idioms") else None,
        negators=negators,
        breakers=frozenset(normalise(" ".join(data.get("negation_breakers", []))).split()),
        negators_after=frozenset(normalise(" ".join(data.get("negators_after", []))).split()),
    )


def _indicator(entry: dict, negators: frozenset[str]) -> _Indicator:
    if entry["category"] not in CATEGORIES:
        raise ValueError(f"indicator {entry['id']}: unknown category {entry['category']!r}")
    negatable = entry.get("negatable", True)
    own_negators = negators.intersection(normalise(" ".join(entry["patterns"])).split())
    if negatable and own_negators:
        # It would cancel itself on every match.
        raise ValueError(f"indicator {entry['id']} contains {sorted(own_negators)}: set negatable = false")
    return _Indicator(id=entry["id"], category=entry["category"], regex=_union(entry["patterns"]), negatable=negatable)


def _union(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{compile_pattern(p)})" for p in patterns))


_PATTERN_PIECE = re.compile(r"(\(|\)|\||\?|\*)")
_GAP = rf"(?:{_W}+ ){{0,3}}"


def compile_pattern(pattern: str) -> str:
    """One indicator pattern (see the module docstring) -> a regex over normalised text.

    Normalised text starts and ends with a space, so every word, the last one
    included, is followed by a space; an optional word takes its space with it.
    """
    body = rf"(?<!{_W})"
    for token in _tokens(pattern.replace("..", " .. ")):
        if token.startswith("?"):
            # "self ?harm": the space before this word is optional. After an optional
            # word ("(a|b)? ?c") it already is, since an optional word carries its space.
            body = body[:-1] + " ?" if body.endswith(" ") else body
            token = token[1:]
            if not token:
                continue
        if token == "..":
            body += _GAP
        elif token.startswith("(") and token.endswith(")?") and _balanced(token[1:-2]):
            body += f"(?:(?:{_word(token[1:-2])}) )?"
        else:
            body += _word(token) + " "
    return body


def _tokens(pattern: str) -> list[str]:
    """Split on spaces outside parentheses: `a (b c|d)? e` -> `a`, `(b c|d)?`, `e`."""
    tokens, current, depth = [], "", 0
    for ch in pattern:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch.isspace() and depth == 0:
            tokens.append(current)
            current = ""
        else:
            current += ch
    if depth:
        raise ValueError(f"unbalanced parentheses in indicator pattern {pattern!r}")
    return [token for token in [*tokens, current] if token]


def _balanced(inner: str) -> bool:
    depth = 0
    for ch in inner:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _word(word: str) -> str:
    out = []
    for piece in _PATTERN_PIECE.split(word):
        if piece == "*":
            out.append(_W + "*")
        elif piece in ("(", ")", "|", "?"):
            out.append({"(": "(?:"}.get(piece, piece))
        elif piece:
            if not normalise(piece).strip() and not piece.isspace():
                raise ValueError(f"indicator pattern piece {piece!r} has no letters in {word!r}")
            core = normalise(piece).strip()
            lead = " " if piece[0].isspace() and core else ""
            trail = " " if piece[-1].isspace() and core else ""
            out.append(re.escape(lead + core + trail))
    return "".join(out)
