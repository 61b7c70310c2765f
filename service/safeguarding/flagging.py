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
(Bengali "মারে না"): one of them in the two words after a match cancels it
too. Idioms ("hit the nail on the head") are blanked out first.

Phrase patterns memorise: measured on fresh, indirect wording they caught only
about half of the disclosures at first sight (infra/eval/README.md). So each
list also carries a compositional layer, kept as data in the same file:

  - `[concepts]`: named word classes, each a list of terms in the same
    pattern language without `..` ("violence", "injury", "carer", "fear",
    "home_trigger", "death_wish", "desire", "hunger", "secrecy", "older",
    "reassured"...). A class says what a word is about, not a whole sentence.
  - `[[combination]]`: a category raised when every concept in `all` occurs
    within `within` words (counted from the first word of the first to the
    last word of the last, a term of several words counting as one), unless
    a concept in `unless` occurs anywhere in the answer (sport and games for
    violence words, "but she was kind" for fear, outings for being driven
    somewhere). "my step dad gave me a fat lip" has no violence word but
    combines `injury` with a `carer`; "i just want to sleep and not wake up"
    combines `desire` with `death_wish`.
  - `[spellings]`: phonetic and children's spellings mapped to the spelling the
    lists use ("smaks" -> "smacks", "wen" -> "when", "nite" -> "night",
    "tuches" -> "touches", "secrit" -> "secret", "hare" -> "hair"), applied to
    the answer's words before either layer looks at them. A key must never be
    a real word the lists rely on ("ses" would turn "sees" into "says"; a unit
    test checks the lists' own words).

A phrase indicator may also carry `unless` (concept names, as a combination
does): "my brother punched me in a play fight" is not flagged because the
answer holds a `joking` term, while "my brother punched me" still is.

Many disclosures carry no harm word at all: a bag packed "just in case",
sleeping on the night bus, being kept off school "till the marks go", the same
nappy all day, giving things away "won't be needing them", a phone only "they"
ring, a partner who hides the car keys. Round 13 gave these circumstances
their own classes (`flee_prep`, `hide_place`, `odd_place`, `kept_off`,
`marks_fade`, `nappy`, `give_away`, `coercive`, `trigger_sound`,
`exploit_phone`...) and the other lists draft phrases for the same kinds,
with Latin-letter forms for Arabic, Urdu, Farsi and Bengali.

A combination is cancelled like a phrase: a negator in the three words before
it (breakers such as "but" and "stop" undo that), or a negator inside its span
that is not part of one of its concept words ("my dad doesn't hit me";
"nothing in the fridge" keeps its "nothing"), or a `negators_after` word just
after it. Why this shape: reviewers can read and extend word classes without
code, and one class serves many sentences (twenty carer words times thirty
violence words is six hundred phrases nobody has to list), so a new word
reaches every sentence it can appear in. It leans towards flagging: a false
alarm costs a safeguarding lead a minute, a miss can cost a child. It is still
a word-level net written by one engineer, not a reader: on fresh indirect
English it caught 51-78% of disclosures at first sight (infra/eval/README.md),
better than phrases alone but short of the target, and its misses are mostly
words nobody has put in a class yet. On two sets written by other people (A
and B, since tuned towards) it caught 72.6% and 72.0% at first sight; round 13
then aimed at the kinds those sets missed. On four sealed sets written after
that (C, D, E, F: indirect phrasing, up to 15 languages) it caught 56.5% of
disclosures at first sight. So it orders the reading list; a person reading
every answer is the safety guarantee (infra/eval/README.md).

Speed: flag() runs on every submission. Each list is compiled once into a
trie of words: the concept terms, and the first words of the phrase patterns
and idioms. Each pattern and each idiom is its own regular expression, tried
only at the words it can start with (a unit test checks this finds exactly
what trying every indicator's and the idioms' whole alternation at every word
finds). A list's roots remember their answer for each word they have seen
(`_Node.at_word`), and a combination is tried only when its first concept
occurs. Over the labelled sets (infra/eval) a text takes about 0.04 ms on
average in a tight loop. Inside a busy server it costs two to four times
that: what it spends is mostly the processor's cache misses on the lists,
so touching fewer objects counts for more than doing fewer steps.

Matching never needs the network; lists are compiled once per language.
"""

from __future__ import annotations

import functools
import gc
import itertools
import operator
import re
import tomllib
import unicodedata
from pathlib import Path

import msgspec

INDICATORS = Path(__file__).with_name("indicators")
FALLBACK_LANGUAGE = "en"
NEGATION_WINDOW = 3  # words before a match in which a negator cancels it

CATEGORIES = frozenset({"harm", "self_harm", "suicide", "sexual_abuse", "exploitation", "missing", "unsafe", "neglect"})

# Letters that compatibility decomposition leaves alone but people type without.
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        # Arabic script: one form per letter, whichever keyboard the child has.
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ۍ": "ي",
        "ے": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ك": "ک",
        "ګ": "گ",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ە": "ه",
        "\u0640": None,  # tatweel
        "\u200c": None,
        "\u200d": None,
        "\u200b": None,  # zero-width (non-)joiners, spaces
        "'": None,
        "’": None,
        "‘": None,
        "ʼ": None,
        "`": None,
        "´": None,
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
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")  # _NOT_WORD for lower-case ASCII, "_" included (both make it a space)
_REPEATS = re.compile(r"(\w)\1+")
_ONE_OF_THEM = operator.itemgetter(1)  # a repeat's letter: as a function, not r"\1", which re expands in Python


class Flag(msgspec.Struct, frozen=True):
    """Why an answer was flagged: the categories and the indicator ids that matched."""

    categories: frozenset[str]
    indicators: tuple[str, ...]


class _Indicator(msgspec.Struct, frozen=True):
    id: str
    category: str
    regex: re.Pattern[str]  # every pattern in one alternation: for an indicator whose first words are unclear
    patterns: tuple[re.Pattern[str], ...]  # each pattern alone, tried where its own first word is
    negatable: bool
    unless: tuple[str, ...] = ()  # concept names that cancel it anywhere in the answer ("play fight", "messing about")


class _Node:
    """A trie over words: concept terms (and the first words of phrase patterns) are looked up word by word.

    A term's word is exact ("hit"), a prefix ("smack*") or a suffix ("*ضربني",
    for Arabic-script clitics); `names` are the concepts whose terms end here.
    """

    __slots__ = (
        "exact",
        "memo",
        "names",
        "prefix",
        "prefix_lengths",
        "prefix_stems",
        "suffix",
        "suffix_lengths",
        "suffix_stems",
    )

    def __init__(self) -> None:
        self.names: list = []  # concept names; (indicator, pattern) or idiom indexes in a first-word index
        self.exact: dict[str, _Node] = {}
        self.prefix: dict[str, _Node] = {}
        self.suffix: dict[str, _Node] = {}
        self.prefix_lengths: tuple[int, ...] = ()
        self.suffix_lengths: tuple[int, ...] = ()
        # The beginnings of the longer prefix keys (the ends of the longer suffix keys): a word whose first
        # three letters begin no key is done after one lookup instead of one per key length.
        self.prefix_stems: frozenset[str] = frozenset()
        self.suffix_stems: frozenset[str] = frozenset()
        # A root's answers by word (see `at_word`), made on first use: an empty dict in each of the 82,000 nodes
        # of the fifteen languages' lists cost every worker 5 MB.
        self.memo: dict[str, tuple[_Node, ...]] | None = None

    def add(self, words: list[tuple[str, int]], name: object) -> None:
        node = self
        for word, kind in words:
            children = {_EXACT: node.exact, _PREFIX: node.prefix, _SUFFIX: node.suffix}[kind]
            node = children.setdefault(word, _Node())
        if name not in node.names:
            node.names.append(name)

    def freeze(self) -> None:
        self.prefix_lengths = tuple(sorted({len(key) for key in self.prefix}))
        self.suffix_lengths = tuple(sorted({len(key) for key in self.suffix}))
        self.prefix_stems = frozenset(key[:length] for key in self.prefix for length in range(1, len(key)))
        self.suffix_stems = frozenset(key[-length:] for key in self.suffix for length in range(1, len(key)))
        for child in [*self.exact.values(), *self.prefix.values(), *self.suffix.values()]:
            child.freeze()

    def at_word(self, word: str) -> tuple[_Node, ...]:
        """`children`, remembered by word: for a list's roots, which every word of every answer goes through.
        Answers share most of their words ("me", "and", "the"), and one lookup touches far less memory than the
        slices and lookups it replaces, which matters inside a busy server more than in a tight loop (an
        answer's screening cost about twice as much there as alone). Bounded, so that made-up words cannot fill
        a worker's memory: only words of up to _MEMO_LETTERS letters are kept, and the memo is emptied when full."""
        memo = self.memo
        if memo is None:
            memo = self.memo = {}
        found = memo.get(word)
        if found is None:
            found = tuple(self.children(word))
            if len(word) <= _MEMO_LETTERS:
                if len(memo) >= _MEMO_WORDS:
                    memo.clear()
                memo[word] = found
        return found

    def children(self, word: str) -> list[_Node]:
        found = []
        child = self.exact.get(word)
        if child is not None:
            found.append(child)
        if self.prefix_lengths:
            prefix, stems = self.prefix, self.prefix_stems
            for length in self.prefix_lengths:
                if length > len(word):
                    break
                start = word[:length]
                child = prefix.get(start)
                if child is not None:
                    found.append(child)
                if start not in stems:  # no longer key begins like this word
                    break
        if self.suffix_lengths:
            suffix, stems = self.suffix, self.suffix_stems
            for length in self.suffix_lengths:
                if length > len(word):
                    break
                end = word[-length:]
                child = suffix.get(end)
                if child is not None:
                    found.append(child)
                if end not in stems:
                    break
        return found


class _Combination(msgspec.Struct, frozen=True):
    id: str
    category: str
    all: tuple[str, ...]  # concept names that must all occur...
    within: int  # ...inside this many words
    unless: tuple[str, ...]  # concept names that cancel it anywhere in the answer
    negatable: bool
    needs: frozenset[str] = frozenset()  # `all` and `unless` as sets, for a quick test per answer
    cancels: frozenset[str] = frozenset()


class _Language(msgspec.Struct, frozen=True):
    code: str
    indicators: tuple[_Indicator, ...]
    concepts: _Node | None  # every concept term, looked up word by word
    combinations: tuple[_Combination, ...]
    combinations_by_concept: dict[str, tuple[int, ...]]  # each combination's index under its first concept
    spellings: dict[str, str]
    first_words: _Node  # the words a pattern can start with -> (its indicator's index, its index in the indicator)
    always: tuple[int, ...]  # indicators whose first words could not be worked out: tried at every word
    idiom_patterns: tuple[re.Pattern[str], ...]  # each idiom alone...
    idiom_first_words: _Node  # ...tried where its first word is (-> its index, 0)
    negators: frozenset[str]
    breakers: frozenset[str]
    negators_after: frozenset[str]  # for languages that negate after the verb (Bengali "মারে না")


def normalise(text: str) -> str:
    """The comparable form of a text: see the module docstring."""
    if text.isascii():
        # Most answers: no accents to drop, nothing to decompose, casefold is lower, and of _LETTERS only the
        # apostrophes are ASCII; the plain character class is the same as _NOT_WORD's for these letters.
        spaced = _NOT_ASCII_WORD.sub(" ", text.lower().replace("'", "").replace("`", ""))
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LETTERS)
        spaced = _NOT_WORD.sub(" ", letters.replace("_", " "))
    return " " + _REPEATS.sub(_ONE_OF_THEM, spaced).strip() + " "


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


def _matches(lang: _Language | None, normal: str) -> list[_Indicator | _Combination]:
    """Patterns start at a word: each is tried alone, only at the words its first word can be (a trie lookup
    per word), so a calm answer touches a few small regular expressions rather than every list."""
    if lang is None:
        return []
    if lang.spellings:
        words = normal.split()
        normal = " " + " ".join([lang.spellings.get(word, word) for word in words]) + " "
    text = _without_idioms(lang, normal)
    tries: dict[int, list[tuple[int, int]]] = {index: [] for index in lang.always}  # indicator -> (word, pattern)
    at = _words_at(text)
    for start, word in at:
        for node in lang.first_words.at_word(word):
            for index, pattern in node.names:
                tries.setdefault(index, []).append((start, pattern))
    every = [start for start, _ in at] if lang.always else []
    found: list[_Indicator | _Combination] = [
        lang.indicators[index]
        for index in sorted(tries)
        if (
            _found(lang.indicators[index], lang, text, every)
            if index in lang.always
            else _found_alone(lang.indicators[index], lang, text, tries[index])
        )
    ]
    if lang.concepts is None:
        return found
    words = text.split()
    where = _concept_spans(lang.concepts, words)
    if any(isinstance(ind, _Indicator) and ind.unless for ind in found):
        found = [ind for ind in found if not any(name in where for name in ind.unless)]
    return found + _combinations(lang, where, words)


def _concept_spans(root: _Node, words: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Concept occurrences: each concept's word index spans in the answer."""
    where: dict[str, list[tuple[int, int]]] = {}
    count = len(words)
    for index, word in enumerate(words):
        level: tuple[_Node, ...] | list[_Node] = root.at_word(word)
        end = index + 1
        while level:
            for node in level:
                for name in node.names:
                    where.setdefault(str(name), []).append((index, end))
            if end >= count:
                break
            following = words[end]
            level = [child for node in level for child in node.children(following)]
            end += 1
    return where


def _combinations(lang: _Language, where: dict[str, list[tuple[int, int]]], words: list[str]) -> list[_Combination]:
    """Every combination whose concepts all occur close together."""
    if not where:
        return []
    found = []
    present = where.keys()
    # Only the combinations whose first concept occurs can have all theirs (a few of the list, in list order).
    indexes = [index for name in present for index in lang.combinations_by_concept.get(name, ())]
    for index in sorted(indexes):
        combo = lang.combinations[index]
        if not present >= combo.needs or not present.isdisjoint(combo.cancels):
            continue
        if _combination_at(combo, lang, where, words):
            found.append(combo)
    return found


_EXACT, _PREFIX, _SUFFIX, _INSIDE = 0, 1, 2, 3
# What a root remembers (_Node.at_word): at most about 0.4 MB a root (1.2 MB for English's three filled with
# made-up 24-letter words, tracemalloc), three roots a language, and an answer uses
# its own language's and English's. In infra/eval's 3,446 texts (15 languages) the 4,000 most frequent words are
# 93% of all 32,555.
_MEMO_WORDS = 4_000
_MEMO_LETTERS = 24


def _combination_at(
    combo: _Combination, lang: _Language, where: dict[str, list[tuple[int, int]]], words: list[str]
) -> bool:
    for spans in itertools.product(*(where[name] for name in combo.all)):
        first = min(span[0] for span in spans)
        last = max(span[1] for span in spans)
        if last - first - sum(end - start - 1 for start, end in spans) > combo.within:  # a term counts as one word
            continue
        if not combo.negatable or not _combination_negated(lang, words, spans, first, last):
            return True
    return False


def _combination_negated(
    lang: _Language, words: list[str], spans: tuple[tuple[int, int], ...], first: int, last: int
) -> bool:
    """A negator before the span, inside it (outside the combination's own concept words), or just after it.

    A breaker between the negator and the next concept word ("never stops
    hitting me", "not allowed to say but he hits me") undoes it.
    """
    if lang.negators_after.intersection(words[last : last + 2]):
        return True
    covered = {index for start, end in spans for index in range(start, end)}
    for index in range(max(0, first - NEGATION_WINDOW), last):
        if index in covered or words[index] not in lang.negators:
            continue
        following = index + 1
        while following < last and following not in covered and words[following] not in lang.breakers:
            following += 1
        if following >= last or following in covered:
            return True
    return False


def _words_at(text: str) -> list[tuple[int, str]]:
    """Each word of a normalised text (word characters and spaces only) with where it starts."""
    found, position = [], 0
    for word in text.split():
        position = text.index(word, position)  # only spaces lie between the last word's end and this one
        found.append((position, word))
        position += len(word)
    return found


def _without_idioms(lang: _Language, text: str) -> str:
    """Idioms blanked out, each where it begins: the first idiom (in list order) that matches at a word, like
    trying them all in one alternation there (a unit test checks they agree)."""
    if not lang.idiom_patterns:
        return text
    end = 0
    for start, word in _words_at(text):
        if start < end:
            continue
        nodes = lang.idiom_first_words.at_word(word)
        if not nodes:
            continue
        for index in sorted({index for node in nodes for index, _ in node.names}):
            match = lang.idiom_patterns[index].match(text, start)
            if match:
                end = match.end()
                text = text[:start] + " " * (end - start) + text[end:]
                break
    return text


def _found(indicator: _Indicator, lang: _Language, text: str, starts: list[int]) -> bool:
    """Whether the indicator matches, not negated, at one of these words (all its patterns tried at each)."""
    for start in starts:
        match = indicator.regex.match(text, start)
        if match and (not indicator.negatable or not _negated(lang, text[:start], match.group(), text[match.end() :])):
            return True
    return False


def _found_alone(indicator: _Indicator, lang: _Language, text: str, tries: list[tuple[int, int]]) -> bool:
    """`_found`, trying at each word only the patterns that can start there (`tries`: word, pattern index):
    at a word, the first of them in list order that matches is the one its alternation would match."""
    done_at = -1
    for start, pattern in sorted(tries):
        if start == done_at:
            continue
        match = indicator.patterns[pattern].match(text, start)
        if match is None:
            continue
        done_at = start
        if not indicator.negatable or not _negated(lang, text[:start], match.group(), text[match.end() :]):
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


def preload(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Build the lists of English and of each offered language now, at start-up, so that no
    respondent's written answer waits for them: English alone takes a second or two (more on a
    busy machine), during which the worker answers nobody. Returns the codes that have lists."""
    codes = dict.fromkeys((FALLBACK_LANGUAGE, *(language_code(tag) for tag in tags)))
    return tuple(code for code in codes if _load(code) is not None)


@functools.cache
def _load(code: str) -> _Language | None:
    language = _build(code)
    # A language's lists are a few hundred thousand objects that live as long as the process: out of the
    # garbage collector's sight, so its full collections do not walk them again on every request's behalf.
    gc.freeze()
    return language


def _build(code: str) -> _Language | None:
    path = INDICATORS / f"{code}.toml"
    if not path.is_file():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    negators = frozenset(normalise(" ".join(data.get("negators", []))).split())
    entries = data.get("indicator", [])
    concepts: dict[str, list[str]] = data.get("concepts", {})
    first_words, always = _first_words([(index, entry["patterns"]) for index, entry in enumerate(entries)])
    idioms: list[str] = data.get("idioms", [])
    idiom_first_words, unclear = _first_words([(index, [idiom]) for index, idiom in enumerate(idioms)])
    combinations = tuple(_combination(entry, concepts) for entry in data.get("combination", []))
    if unclear:
        raise ValueError(f"{code}: idioms must start with a plain word: {[idioms[index] for index in unclear]}")
    return _Language(
        code=code,
        indicators=tuple(_indicator(entry, negators, concepts) for entry in entries),
        concepts=_concepts(concepts) if concepts else None,
        combinations=combinations,
        combinations_by_concept={
            name: tuple(index for index, combo in enumerate(combinations) if combo.all[0] == name)
            for name in {combo.all[0] for combo in combinations}
        },
        spellings=_spellings(data.get("spellings", {})),
        first_words=first_words,
        always=always,
        idiom_patterns=tuple(re.compile(compile_pattern(idiom)) for idiom in idioms),
        idiom_first_words=idiom_first_words,
        negators=negators,
        breakers=frozenset(normalise(" ".join(data.get("negation_breakers", []))).split()),
        negators_after=frozenset(normalise(" ".join(data.get("negators_after", []))).split()),
    )


def _first_words(groups: list[tuple[int, list[str]]]) -> tuple[_Node, tuple[int, ...]]:
    """A trie of the words each group's patterns can start with (-> the group's key and the pattern's index
    in it), and the groups where that is unclear (left out of the trie)."""
    root, always = _Node(), []
    for key, patterns in groups:
        try:
            starts = [
                (word, number) for number, pattern in enumerate(patterns) for word in _pattern_first_words(pattern)
            ]
        except ValueError:
            always.append(key)
            continue
        for word, number in starts:
            root.add([word], (key, number))
    root.freeze()
    return root, tuple(always)


def _pattern_first_words(pattern: str) -> list[tuple[str, int]]:
    tokens = _tokens(pattern.replace("..", " .. "))
    words: list[tuple[str, int]] = []
    for position, token in enumerate(tokens):
        token = token.lstrip("?")
        if token == "..":
            raise ValueError(f"first word of {pattern!r} unclear")
        optional = token.endswith(")?") and token.startswith("(") and _balanced(token[1:-2])
        joined = position + 1 < len(tokens) and tokens[position + 1].startswith("?")
        for variant in _expand(token[:-1] if optional else token):
            first = _term_words(variant)[0] if variant.strip() else None
            if first is None or "*" in variant.split()[0].strip("*"):
                raise ValueError(f"first word of {pattern!r} unclear")
            word, kind = first
            if kind == _INSIDE:
                raise ValueError(f"first word of {pattern!r} unclear")
            if joined or (len(variant.split()) == 1 and variant.endswith("*")):
                kind = _SUFFIX if kind == _SUFFIX else _PREFIX
            words.append((word, kind))
        if not optional:
            return words
    raise ValueError(f"every word of {pattern!r} is optional")


def _concepts(concepts: dict[str, list[str]]) -> _Node:
    """Expand every concept term (alternatives, optional parts) into word sequences, in one trie."""
    root = _Node()
    for name, patterns in concepts.items():
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"concept name {name!r}: use lowercase letters and underscores")
        for pattern in patterns:
            if ".." in pattern:
                raise ValueError(f"concept {name}: {pattern!r}: `..` is for indicator patterns, not concept terms")
            for variant in _expand(pattern):
                words = _term_words(variant)
                if not words or any(kind == _INSIDE for _, kind in words):
                    raise ValueError(f"concept {name}: {pattern!r}: empty, or a word with `*` on both sides")
                root.add(words, name)
    root.freeze()
    return root


_GROUP = re.compile(r"\(([^()]*)\)(\??)")
_OPTIONAL_LETTER = re.compile(r"([^\s()|?*])\?")
_OPTIONAL_SPACE = re.compile(r" \?")
_MAX_VARIANTS = 5000


def _expand(pattern: str) -> list[str]:
    """`(a|b c)? d s?` -> every plain variant: innermost groups first, then optional letters and spaces."""
    done: list[str] = []
    pending = [pattern.strip()]
    while pending:
        if len(done) + len(pending) > _MAX_VARIANTS:
            raise ValueError(f"concept term {pattern!r} has more than {_MAX_VARIANTS} variants: split it")
        current = pending.pop()
        if group := _GROUP.search(current):
            options = group.group(1).split("|") + ([""] if group.group(2) else [])
            pending += [current[: group.start()] + option + current[group.end() :] for option in options]
        elif space := _OPTIONAL_SPACE.search(current):
            pending += [
                current[: space.start()] + " " + current[space.end() :],
                current[: space.start()] + current[space.end() :],
            ]
        elif letter := _OPTIONAL_LETTER.search(current):
            pending += [
                current[: letter.start()] + letter.group(1) + current[letter.end() :],
                current[: letter.start()] + current[letter.end() :],
            ]
        elif "(" in current or ")" in current or "?" in current:
            raise ValueError(f"concept term {pattern!r}: cannot expand {current!r}")
        else:
            done.append(current)
    return done


@functools.lru_cache(maxsize=1 << 16)
def _normal_pieces(word: str) -> tuple[str, ...]:
    """A term word's normalised pieces. Concept terms expand into hundreds of thousands of variants made of a few
    thousand words: normalising each word once makes loading a language's lists seconds faster."""
    return tuple(normalise(word).split())


def _term_words(variant: str) -> list[tuple[str, int]]:
    """A plain variant -> normalised words, each exact, prefix (`word*`), suffix (`*word`) or inside (`*word*`)."""
    words: list[tuple[str, int]] = []
    for raw in variant.split():
        lead, trail = raw.startswith("*"), raw.endswith("*") and len(raw) > 1
        pieces = _normal_pieces(raw.strip("*"))
        if not pieces:
            raise ValueError(f"concept term word {raw!r} has no letters")
        for position, piece in enumerate(pieces):
            is_first, is_last = position == 0, position == len(pieces) - 1
            kind = (
                (_SUFFIX if lead and is_first else _EXACT)
                if not (trail and is_last)
                else (_INSIDE if lead and is_first else _PREFIX)
            )
            words.append((piece, kind))
    return words


def _combination(entry: dict, concepts: dict[str, list[str]]) -> _Combination:
    if entry["category"] not in CATEGORIES:
        raise ValueError(f"combination {entry['id']}: unknown category {entry['category']!r}")
    unknown = [name for name in [*entry["all"], *entry.get("unless", [])] if name not in concepts]
    if unknown:
        raise ValueError(f"combination {entry['id']}: unknown concepts {unknown}")
    return _Combination(
        id=entry["id"],
        category=entry["category"],
        all=tuple(entry["all"]),
        within=int(entry.get("within", 6)),
        unless=tuple(entry.get("unless", [])),
        negatable=entry.get("negatable", True),
        needs=frozenset(entry["all"]),
        cancels=frozenset(entry.get("unless", [])),
    )


def _spellings(table: dict[str, str]) -> dict[str, str]:
    """variant -> usual spelling, both normalised; a variant is one word, its spelling may be several."""
    spellings = {}
    for variant, usual in table.items():
        key = normalise(variant).strip()
        if " " in key or not key:
            raise ValueError(f"spelling variant {variant!r} must be one word")
        spellings[key] = normalise(usual).strip()
    return spellings


def _indicator(entry: dict, negators: frozenset[str], concepts: dict[str, list[str]] | None = None) -> _Indicator:
    if entry["category"] not in CATEGORIES:
        raise ValueError(f"indicator {entry['id']}: unknown category {entry['category']!r}")
    unknown = [name for name in entry.get("unless", []) if name not in (concepts or {})]
    if unknown:
        raise ValueError(f"indicator {entry['id']}: unknown concepts {unknown} in unless")
    negatable = entry.get("negatable", True)
    own_negators = negators.intersection(normalise(" ".join(entry["patterns"])).split())
    if negatable and own_negators:
        # It would cancel itself on every match.
        raise ValueError(f"indicator {entry['id']} contains {sorted(own_negators)}: set negatable = false")
    return _Indicator(
        id=entry["id"],
        category=entry["category"],
        regex=_union(entry["patterns"]),
        patterns=tuple(re.compile(compile_pattern(pattern)) for pattern in entry["patterns"]),
        negatable=negatable,
        unless=tuple(entry.get("unless", [])),
    )


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
