"""Redaction: identifying details of children and families out of free text for staff views.

`redact(text, staff_names=...)` replaces, with placeholders a reader
understands:

- email addresses -> [email]; phone numbers (the `phonenumbers` matcher with
  region GB, which also finds international "+48 ..." numbers, plus any run
  of nine or more digits, and numbers written in words: "oh seven seven
  double oh...", "zero siedem...", "dim saith...") -> [phone];
- social-media handles and profile links ("@lily.rose_x", "instagram.com/...",
  "snapchat: jess_xo", "my tiktok is itsjay_") -> [social media], keeping the
  platform's name;
- National Insurance numbers ("QQ 12 34 56 C", "JT123456A") -> [NI number];
- dates of birth ("born on 3 May 2015", "DOB 03/05/15", "his birthday is
  12th March") -> [date of birth], and any other full date -> [date];
- UK postcodes -> [postcode]; street addresses ("12 Acacia Avenue",
  "Flat 3", "Heol y Nant", "Station Road, Cardiff"), with or without a house
  number ("lives on Albert Road", "near Mill Lane", "we live on kings road")
  -> [address];
- school names ("Westfield Primary School", "St Mary's Academy", "Ysgol Glan
  Clwyd") -> [school];
- personal names -> [name]: a first name from `names/first_names.txt`, a
  context cue ("my son Kai", "called ...", "Mrs ...", "my worker ..."), or a
  capitalised word in mid-sentence that is not an ordinary word
  (`names/not_names.txt`); a following surname goes with it.

Names of the team's own staff are kept: feedback about "Sarah" the worker is
legitimate. Over-redaction is preferred to a missed name, so unknown
capitalised words (often places) are redacted too. Pure and offline: the
word lists are read once from files beside this module.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from pathlib import Path

import msgspec
import phonenumbers

NAMES = Path(__file__).with_name("names")

KINDS = ("name", "phone", "email", "handle", "ni_number", "address", "postcode", "date_of_birth", "date", "school")
PLACEHOLDERS = {
    "name": "[name]",
    "phone": "[phone]",
    "email": "[email]",
    "handle": "[social media]",
    "ni_number": "[NI number]",
    "address": "[address]",
    "postcode": "[postcode]",
    "date_of_birth": "[date of birth]",
    "date": "[date]",
    "school": "[school]",
}


class Span(msgspec.Struct, frozen=True):
    """One redacted stretch of the original text: text[start:end] was a `kind`."""

    start: int
    end: int
    kind: str


class Redacted(msgspec.Struct, frozen=True):
    text: str  # with placeholders
    counts: dict[str, int]  # kind -> how many were replaced
    spans: tuple[Span, ...]  # positions in the original text, in order


def redact(text: str, *, staff_names: Collection[str] = ()) -> Redacted:
    """Replace identifying details in `text`, keeping the names in `staff_names`."""
    taken: list[Span] = []
    # Most feedback has no digit and no street word: the detectors that need one are skipped (speed).
    digits = _ANY_DIGIT.search(text) is not None
    streets = _STREET_HINT.search(text) is not None
    for detector in (
        _profile_links,
        _emails,
        *((_ni_numbers, _long_numbers, _dates) if digits else ()),
        _spoken_phones,
        *((_phones, _postcodes) if digits else ()),
        _handles,
        *((_addresses,) if digits or streets else ()),
        _schools,
    ):
        taken = _merge(taken, detector(text))
    if streets:
        taken = _merge(taken, [Span(m.start(), m.end(), "kept") for m in _NOT_AN_ADDRESS.finditer(text)])
    taken = _merge(taken, _names(text, _staff_words(staff_names)))
    taken = sorted((span for span in taken if span.kind != "kept"), key=lambda span: span.start)
    return Redacted(text=_apply(text, taken), counts=dict(Counter(s.kind for s in taken)), spans=tuple(taken))


def _merge(taken: list[Span], found: list[Span]) -> list[Span]:
    """Earlier detectors win; a later span that overlaps one already taken is dropped."""
    for span in sorted(found, key=lambda s: (s.start, -s.end)):
        if not any(span.start < t.end and t.start < span.end for t in taken):
            taken.append(span)
    return taken


def _apply(text: str, spans: list[Span]) -> str:
    out, last = [], 0
    for span in spans:
        out += [text[last : span.start], PLACEHOLDERS[span.kind]]
        last = span.end
    return "".join(out) + text[last:]


def _spans(regex: re.Pattern[str], text: str, kind: str, group: int | str = 0) -> list[Span]:
    return [Span(m.start(group), m.end(group), kind) for m in regex.finditer(text) if m.group(group)]


# ---------------------------------------------------------------- email, phone, postcode

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_DIGIT_RUN = re.compile(r"(?<![\w/])\+?\d(?:[\s().-]{0,2}\d){8,}(?![\w/])")
# A number starting 0 or +44 with ten or more digits ("07.7.00.900.812") is a phone number even
# where its first digits look like a date.
_LONG_NUMBER = re.compile(r"(?<![\w/.+-])(?:\+44|0)(?:[\s.-]?\d){9,}(?![\w/])")
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)


def _emails(text: str) -> list[Span]:
    return _spans(_EMAIL, text, "email")


# Free helplines (Childline 0800 1111, Samaritans 116 123...) are nobody's own number.
_HELPLINE_PREFIXES = ("0800", "0808", "116", "999", "111")


def _long_numbers(text: str) -> list[Span]:
    return [span for span in _spans(_LONG_NUMBER, text, "phone") if _personal_number(text[span.start : span.end])]


def _phones(text: str) -> list[Span]:
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    found = [Span(m.start, m.end, "phone") for m in matcher] + _spans(_DIGIT_RUN, text, "phone")
    return [span for span in found if _personal_number(text[span.start : span.end])]


def _personal_number(number: str) -> bool:
    """Not a score ("10/10") or a short code, and not a free helpline."""
    return len(re.sub(r"\D", "", number)) >= 7 and not _helpline(number)


def _helpline(number: str) -> bool:
    digits = re.sub(r"\D", "", number).removeprefix("44")
    return digits.startswith(_HELPLINE_PREFIXES) or ("0" + digits).startswith(_HELPLINE_PREFIXES[:2])


def _postcodes(text: str) -> list[Span]:
    return _spans(_POSTCODE, text, "postcode")


# ---------------------------------------------------------------- numbers in words

# Digit words in English, Spanish, Portuguese, Romanian, Polish, Welsh, Somali, Ukrainian and Arabic
# (DRAFT: the other languages to be added by fluent speakers); "double" and "triple" repeat the next
# digit ("double oh" is 00).
_DIGIT_WORDS = {
    word: digit
    for digit, words in enumerate(
        (
            "zero oh o nought nil cero zéro dim eber нуль صفر",
            "one uno um una unu jeden jedna un kow hal один одна واحد",
            "two dos dois duas doi două doua dwa dwie dau dwy laba два дві اثنين اثنان",
            "three tres três trei trzy tri tair saddex три ثلاثة",
            "four cuatro quatro patru cztery pedwar pedair afar чотири أربعة اربعة",
            "five cinco cinci pięć piec pięc pump shan п'ять п’ять خمسة",
            "six seis șase şase sase sześć szesc chwech lix шість ستة",
            "seven siete sete șapte şapte sapte siedem saith toddoba сім سبعة",
            "eight ocho oito opt osiem wyth siddeed вісім ثمانية",
            "nine nueve nove nouă noua dziewięć dziewiec naw sagaal дев'ять дев’ять تسعة",
        )
    )
    for word in words.split()
}
_REPEATS = {"double": 2, "dwbl": 2, "triple": 3, "treble": 3}
_NUMBER_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+")
_NUMBER_GAP = re.compile(r"[\s,.\-–/()]*")
_ANY_DIGIT_WORD = re.compile(
    rf"(?<![^\W\d_])(?:{'|'.join(sorted(map(re.escape, {*_DIGIT_WORDS, *_REPEATS}), key=len, reverse=True))})(?![^\W\d_])",
    re.IGNORECASE,
)


def _spoken_phones(text: str) -> list[Span]:
    """Runs of digit words (and digits) holding nine or more digits: "oh seven seven double oh nine..."."""
    if len(_ANY_DIGIT_WORD.findall(text)) < 3:
        return []  # fewer than three digit words: no number is written in words here
    found: list[Span] = []
    run: list[re.Match[str]] = []
    for token in [*_NUMBER_TOKEN.finditer(text), None]:
        if (
            token is not None
            and _number_part(token.group())
            and (not run or _NUMBER_GAP.fullmatch(text, run[-1].end(), token.start()))
        ):
            run.append(token)
            continue
        span = _spoken_number(run)
        if span:
            found.append(span)
        run = [token] if token is not None and _number_part(token.group()) else []
    return found


def _number_part(token: str) -> bool:
    key = token.casefold()
    return token.isdigit() or key in _DIGIT_WORDS or key in _REPEATS


def _spoken_number(run: list[re.Match[str]]) -> Span | None:
    while run and run[-1].group().casefold() in _REPEATS:
        run = run[:-1]  # "... double" at the end repeats nothing
    if not any(not token.group().isdigit() for token in run):
        return None  # digits alone: the digit detectors' business
    digits, repeat = "", 1
    for token in run:
        key = token.group().casefold()
        if key in _REPEATS:
            repeat = _REPEATS[key]
            continue
        digits += (token.group() if token.group().isdigit() else str(_DIGIT_WORDS[key])) * repeat
        repeat = 1
    if len(digits) < 9 or _counting(digits) or _helpline(digits):
        return None
    return Span(run[0].start(), run[-1].end(), "phone")


def _counting(digits: str) -> bool:
    """ "one two three ... nine" is a child counting, not a number."""
    steps = {int(b) - int(a) for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {-1})


# ---------------------------------------------------------------- social media, National Insurance

_PLATFORM_DOMAINS = (
    r"instagram\.com|instagr\.am|tiktok\.com|snapchat\.com|facebook\.com|fb\.com|fb\.me|x\.com|twitter\.com"
    r"|youtube\.com|youtu\.be|threads\.net|twitch\.tv|linktr\.ee|discord\.gg|discord\.com|kik\.me|t\.me|wa\.me"
)
_PROFILE_LINK = re.compile(
    rf"(?<![\w.@-])(?:https?://)?(?:(?:www|m|vm|mobile|web)\.)?(?:{_PLATFORM_DOMAINS})/[^\s<>\"'“”]+", re.IGNORECASE
)
_AT_HANDLE = re.compile(r"(?<![\w@.+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?(?![\w@])")
_PLATFORMS = (
    r"snapchat|snap|sc|insta|instagram|ig|tiktok|tik\s?tok|tt|twitter|x|facebook|fb|youtube|yt|discord|twitch"
    r"|threads|kik|telegram|roblox|xbox|psn|steam|fortnite"
)
# "snapchat: jess_xo", "my tiktok is itsjay_", "add me on snap its kai.b2010", "insta name is ..."
_PLATFORM_HANDLE = re.compile(
    rf"(?<![\w.])(?:{_PLATFORMS})(?P<cue>(?:\s*(?:[:=–(-]|(?:user\s?name|usernames?|user|handle|name|tag|gamertag|id"
    r"|account|acc|page|is|its|it['’]s|me)\b))*)\s*(?P<handle>@?[A-Za-z0-9_.]{2,31})(?![\w@])",
    re.IGNORECASE,
)
_HANDLE_CUES = re.compile(r"[:=–-]|\b(?:user\s?name|usernames?|user|handle|name|tag|gamertag|id)\b", re.IGNORECASE)
_NOT_HANDLES = frozenset(
    "the a an my his her their our your and or but is its it's was on in at to for of with from by me you him them "
    "us this that then so too all not no yes ok okay also because cos when where what who how why".split()
)


def _profile_links(text: str) -> list[Span]:
    return [
        Span(m.start(), m.start() + len(m.group().rstrip(".,;:!?)]}")), "handle") for m in _PROFILE_LINK.finditer(text)
    ]


def _handles(text: str) -> list[Span]:
    found = [span for span in _spans(_AT_HANDLE, text, "handle") if not _time_or_count(text[span.start + 1 : span.end])]
    for match in _PLATFORM_HANDLE.finditer(text):
        handle = match.group("handle").rstrip(".")
        bare = handle.lstrip("@")
        looks_like_one = any(c.isdigit() or c in "_." for c in bare) and any(c.isalpha() for c in bare)
        named = _HANDLE_CUES.search(match.group("cue")) is not None and bare.isascii()
        if bare.casefold() in _NOT_HANDLES or _lists().is_common(bare) or not (looks_like_one or named):
            continue
        found.append(Span(match.start("handle"), match.start("handle") + len(handle), "handle"))
    return found


def _time_or_count(handle: str) -> bool:
    """ "@4pm", "@10": a time or a number, not an account."""
    return re.fullmatch(r"\d+(?:[.:]\d+)?(?:am|pm|h)?", handle, re.IGNORECASE) is not None


_NI_NUMBER = re.compile(r"(?<![\w-])[A-Z]{2}(?:(?:[ -]?\d{2}){3}|[ -]?\d{6})[ -]?[A-D](?![\w-])", re.IGNORECASE)
_NI_WITHOUT_LETTER = re.compile(
    r"\b(?:NI|N\.I\.?|NINO|national insurance)\b[^.\n\d]{0,30}?(?P<number>(?<![\w-])[A-Z]{2}(?:(?:[ -]?\d{2}){3}|[ -]?\d{6}))(?![\w-])",
    re.IGNORECASE,
)


def _ni_numbers(text: str) -> list[Span]:
    return _spans(_NI_NUMBER, text, "ni_number") + _spans(_NI_WITHOUT_LETTER, text, "ni_number", "number")


# ---------------------------------------------------------------- dates

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
    # Spanish, Portuguese, Romanian, Polish (genitive), Welsh, Ukrainian (genitive): full dates in feedback
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
    r"|janeiro|fevereiro|março|abril|maio|junho|julho|setembro|outubro|novembro|dezembro"
    r"|ianuarie|februarie|martie|aprilie|mai|iunie|iulie|septembrie|octombrie|noiembrie|decembrie"
    r"|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|wrzesnia|października|pazdziernika"
    r"|listopada|grudnia|ionawr|chwefror|mawrth|ebrill|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr"
    r"|січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_FULL_DATE = (
    rf"(?:\b[0-3]?\d[/.-][01]?\d[/.-](?:\d{{4}}|\d{{2}})\b|\b\d{{4}}-[01]\d-[0-3]\d\b"
    rf"|\b{_DAY}\s+(?:of\s+|de\s+)?{_MONTH},?\s+(?:de\s+)?\d{{4}}\b|\b{_MONTH}\s+{_DAY},?\s+\d{{4}}\b)"
)
_PART_DATE = rf"(?:\b{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)|\b{_MONTH}\s+{_DAY}\b|\b[0-3]?\d[/.][01]?\d\b|\b(?:19|20)\d\d\b)"
_BIRTH = re.compile(
    r"\b(?:born|d\.?o\.?b\.?|date of birth|birth ?day|bday|b-day"
    r"|naci[óo]|nasceu|nascid[oa]|urodzi[łl](?:a|em|am)?(?:\s+si[ęe])?|urodzon[ya]|n[ăa]scut[ăa]?|народи(?:вся|лася)"
    r"|ganwyd|fecha de nacimiento|data de nascimento|data urodzenia|data na[șs]terii|дата народження|dyddiad geni)"
    r"(?:\s+(?:is|was|on|in|el|em|a|pe|la|w|dnia|ar|=|:|-))*\s*[:=-]?\s*"
    rf"(?P<date>{_FULL_DATE}|{_PART_DATE})",
    re.IGNORECASE,
)
_ANY_FULL_DATE = re.compile(_FULL_DATE, re.IGNORECASE)


def _dates(text: str) -> list[Span]:
    return _spans(_BIRTH, text, "date_of_birth", "date") + _spans(_ANY_FULL_DATE, text, "date")


# ---------------------------------------------------------------- addresses

_STREET = (
    r"road|rd|street|avenue|ave|lane|close|drive|way|court|crescent|place|terrace|gardens|grove|hill|square"
    r"|walk|row|mews|rise|view|parade|green|vale|heights|estate|fields|meadows?|gate|wharf|boulevard|park"
    r"|house|flats|towers?|cottages|st"
)
_NUMBERED_STREET = re.compile(
    rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?P<words>(?:[^\W\d_][\w'’-]*\s+){{1,3}}?)(?:{_STREET})\b\.?", re.IGNORECASE
)
_ONE_WORD_STREET = re.compile(
    r"\b\d{1,4}[a-zA-Z]?\s+[A-Z][a-z]+(?:way|gate|side|croft|dale|hill|field|fields|wood|mead|bank)\b"
)
_NAMED_TYPES = (
    "Road|Rd|Street|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|Grove|Hill|Square|Walk|Row"
    "|Mews|Rise|View|Parade|Green|Vale|Heights|Estate|Fields|Meadows?|Gate|Wharf|Boulevard|Park|House|Flats|Towers?"
    "|Cottages"
)
_NAMED_STREET = re.compile(rf"\b(?P<words>(?:[A-Z][\w'’-]+\s+){{1,3}})(?P<type>{_NAMED_TYPES})\b")
# Street words that name nothing else, so "Church Street" or "Mill Lane" is a street even though
# "church" and "mill" are ordinary words; "Green", "Park", "House" need a name that is not.
_CLEAR_TYPES = frozenset("road rd street avenue ave lane crescent terrace drive close grove gardens mews".split())
# Words that may start a capitalised run without being part of the street's name ("On Albert Road").
_BEFORE_STREET = frozenset(
    "the a an my our your his her their this that on in at near by off from to of and or but we i they he she you it "
    "live lives living lived stay stays staying moved move moving round behind past opposite along down up outside "
    "is was are were mum dad nan".split()
)
# Streets everyone has heard of that are nobody's address, and idioms.
_FAMOUS_STREETS = frozenset(
    "coronation street|sesame street|wall street|downing street|abbey road|memory lane|easy street|civvy street"
    "|penny lane|fleet street|baker street".split("|")
)
# "we live on albert road", "up by hollins drive": lowercase names after a word saying where.
_LOWER_STREET_PATTERN = (
    r"\b(?i:live|lives|living|lived|stay|stays|staying|stayed|moved|moving|house|flat|home|on|off|near|by|behind"
    r"|past|along|opposite|from|round|outside|of)\s+(?P<street>(?P<words>(?:(?!(?:{not_street})\s)[a-z][a-z'’-]*\s+){{1,2}}?)"
    r"(?:road|rd|street|lane|avenue|crescent|terrace|drive|close|grove|gardens|mews))\b"
)
_NOT_LOWER_STREET = frozenset(
    "the a an my our your his her their this that these those same main busy quiet long short whole next other back "
    "side country dirt wrong right open slip ring one two big little new old very so too really quite fairly pretty "
    "dead just ever to of in on at for and or but is was be been get got learn learning also down up across over "
    "under through into onto then when while i we you he she they it me him them us high private narrow steep "
    "every each any no nice lovely horrible dangerous safe unsafe scary dark bad good near far".split()
)
_LOWER_STREET = re.compile(_LOWER_STREET_PATTERN.format(not_street="|".join(sorted(_NOT_LOWER_STREET))))
# Kept from the name detector: famous streets and "the High Street".
_NOT_AN_ADDRESS = re.compile(
    "|".join(rf"\b{re.escape(street)}\b" for street in sorted(_FAMOUS_STREETS)) + r"|\bthe\s+(?:high|main)\s+street\b",
    re.IGNORECASE,
)
_WELSH_STREET = re.compile(
    r"\b(?:\d{1,4}\s+)?(?:Heol|Stryd|Ffordd|Lôn|Lon|Rhodfa|Cilgant|Clos|Teras|Stad|Maes|Parc|Llys|Rhes|Cwrt|Ael)\s+(?:(?:y|yr|'r)\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}"
)
_FLAT = re.compile(r"\b(?:flat|apartment|apt|unit)\s*\d+[a-z]?\b", re.IGNORECASE)
_TOWN_AFTER = re.compile(r"(?:,\s*[A-Z][^\W\d_]+(?:\s+[A-Z][^\W\d_]+)?(?![\w]))")
# Small words that may sit between a house number and "park"/"way"/... without being a street name.
_NOT_STREET_WORDS = frozenset(
    "times time days day weeks week months month years year hours hour minutes kids children people of the a an at in "
    "on to and or my our his her their we i me us it is was go went going all one other no".split()
)


_ANY_DIGIT = re.compile(r"\d")
# Every address pattern without a house number has one of these words (or a digit: "flat 3").
_STREET_HINT = re.compile(
    rf"\b(?:{_STREET}|heol|stryd|ffordd|lôn|lon|rhodfa|cilgant|clos|teras|stad|maes|parc|llys|rhes|cwrt|ael)\b",
    re.IGNORECASE,
)


def _addresses(text: str) -> list[Span]:
    found = [s for s in _spans(_NUMBERED_STREET, text, "address") if _street_words_ok(text, s)]
    found += [span for m in _NAMED_STREET.finditer(text) if (span := _named_street(text, m))]
    found += [
        Span(m.start("street"), m.end("street"), "address")
        for m in _LOWER_STREET.finditer(text)
        if not any(word in _NOT_LOWER_STREET for word in m.group("words").split())
        and m.group("street").casefold() not in _FAMOUS_STREETS
    ]
    found += _spans(_WELSH_STREET, text, "address") + _spans(_FLAT, text, "address")
    found += _spans(_ONE_WORD_STREET, text, "address")
    return [_with_town(text, span) for span in found]


def _street_words_ok(text: str, span: Span) -> bool:
    match = _NUMBERED_STREET.match(text, span.start)
    words = match.group("words").lower().split() if match else []
    return not any(word.strip(",") in _NOT_STREET_WORDS for word in words)


def _named_street(text: str, match: re.Match[str]) -> Span | None:
    """ "Albert Road", "Church Street" (a clear street word), not "Coronation Street" or "the High Street"."""
    words = list(re.finditer(r"\S+", match.group("words")))
    while words and words[0].group().casefold() in _BEFORE_STREET:
        words.pop(0)
    if not words:
        return None
    start = match.start("words") + words[0].start()
    name = text[start : match.end()]
    first = words[0].group()
    if name.casefold() in _FAMOUS_STREETS:
        return None
    if first.casefold() in ("high", "main") and re.search(r"\bthe\s+$", text[:start], re.IGNORECASE):
        return None  # "the High Street": any town's
    if _lists().is_common(first):
        clear = match.group("type").casefold() in _CLEAR_TYPES
        if not clear or _mostly_capitalised(list(_WORD.finditer(text))):
            return None
    return Span(start, match.end(), "address")


def _with_town(text: str, span: Span) -> Span:
    town = _TOWN_AFTER.match(text, span.end)
    return Span(span.start, town.end(), span.kind) if town else span


# ---------------------------------------------------------------- schools

_SCHOOL_TYPE = (
    r"(?:primary|secondary|high|junior|juniors|infant|infants|nursery|grammar|community|comprehensive|catholic"
    r"|church|c\.?\s?of\s?e\.?|cofe|ce|rc|free|special|middle|upper|prep|preparatory|academy|college|school"
    r"|sixth form|pupil referral unit|pru)"
)
_SCHOOL_END = r"(?:school|academy|college|primary|high|juniors?|infants?|nursery|comprehensive|grammar|pru)"
_SCHOOL = re.compile(rf"\b(?:{_SCHOOL_TYPE}\s+)*{_SCHOOL_END}\b", re.IGNORECASE)
_SAINT = re.compile(r"\b(?:St\.?|Saint)\s+[A-Z][\w]*(?:['’]s)?(?:\s+and\s+St\.?\s+[A-Z]\w*(?:['’]s)?)?")
_YSGOL = re.compile(
    r"\b[Yy]sgol\s+(?:(?:Gynradd|Uwchradd|Gyfun|Babanod|Iau|Feithrin|Gymraeg|Bro|Y|Yr|y|yr|gynradd|uwchradd|gyfun)\s+)*"
    r"[A-Z][\w'’-]*(?:\s+(?:y|yr|[A-Z][\w'’-]*)){0,2}"
)
_SCHOOL_NOT_NAME = frozenset(
    "old new local big current previous last next sixth special mainstream nearby same other different his her their "
    "my our your the a an at to in from of for this that which whole its good great nice bad secondary primary high "
    "welsh english catholic free private state his hers theirs village i im i'm at go goes went going attend attends "
    "attended is was are were and with said says told like likes love loves hate hates start started starting left "
    "leave leaving moved move moving joined join about by near".split()
)
_WORD_BEFORE = re.compile(r"([\w'’.-]+)\s+$")


def _schools(text: str) -> list[Span]:
    found = _spans(_SAINT, text, "school") + _spans(_YSGOL, text, "school")
    for match in _SCHOOL.finditer(text):
        if match.group() in ("school", "college", "high"):
            continue  # "my school", "at college": not a name by itself
        start = _school_name_start(text, match.start(), lowercase=match.group().islower())
        if start < match.start():
            found.append(Span(start, match.end(), "school"))
    return found


def _school_name_start(text: str, start: int, *, lowercase: bool) -> int:
    """Walk back over up to four name words ("Oasis", "St Mary's") before "Primary School".

    Name words are capitalised, unless the school words are all lowercase
    ("westfield primary"), when up to two lowercase words are taken.
    """
    for _ in range(2 if lowercase else 4):
        before = _WORD_BEFORE.search(text, 0, start)
        if not before:
            break
        word = before.group(1)
        if word in ("St", "St.", "Saint"):
            return before.start(1)
        if word in ("and", "&") and (word_before := _WORD_BEFORE.search(text, 0, before.start(1))):
            previous = word_before.group(1)
            if previous[0].isupper() and previous.lower() not in _SCHOOL_NOT_NAME:
                start = before.start(1)
                continue
        if word.lower().strip(".") in _SCHOOL_NOT_NAME or (word.islower() and _lists().is_common(word)):
            break
        if not (lowercase or word[0].isupper()):
            break
        start = before.start(1)
    return start


# ---------------------------------------------------------------- names


class _Lists(msgspec.Struct, frozen=True):
    first_names: frozenset[str]
    common: frozenset[str]
    ambiguous: frozenset[str]
    starters: frozenset[str]

    def is_common(self, word: str) -> bool:
        return _base(word).casefold() in self.common


@functools.cache
def _lists() -> _Lists:
    first = _words(NAMES / "first_names.txt")
    sections: dict[str, set[str]] = {"common": set(), "ambiguous": set(), "starters": set()}
    section = "common"
    for line in (NAMES / "not_names.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif not line.startswith("#"):
            sections[section].update(word.casefold() for word in line.split())
    return _Lists(
        first_names=frozenset(first),
        common=frozenset(sections["common"]),
        ambiguous=frozenset(sections["ambiguous"]),
        starters=frozenset(sections["starters"]),
    )


def _words(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {word.casefold() for line in lines if not line.startswith("#") for word in line.split()}


# Combining marks (Bengali vowel signs, Arabic harakat) and zero-width (non-)joiners belong to their word.
_MARKS = (
    "".join(
        chr(code)
        for code in (*range(0x300, 0x2000), *range(0xA800, 0xAB00))
        if unicodedata.category(chr(code)) in ("Mn", "Mc")
    )
    + "\u200c\u200d"
)
_WORD = re.compile(rf"[^\W\d_][\w'’{re.escape(_MARKS)}-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“(]|\s-)\s*$")
_TITLES = frozenset(
    "mr mrs ms miss mx dr sir auntie aunty aunt uncle nan nana nanna nanny gran granny grandma grandad grandpa "
    "nain taid mamgu tadcu bopa anti yncl pani pan".split()
)
# Clitics written onto Arabic-script names: لأحمد "to Ahmed", وفاطمة "and Fatima".
_ARABIC_PREFIXES = "لبوفك"
_CALLED = frozenset("called named name names name's nicknamed i'm i’m im".split())
_RELATIONS = frozenset(
    (
        "son daughter child kid kids brother sister bro sis baby boy girl friend mate bestie boyfriend girlfriend "
        "cousin nephew niece partner husband wife ex stepdad stepmum stepbrother stepsister twin twins grandson "
        "granddaughter worker sw keyworker advocate teacher carer carers mentor therapist counsellor "
        "stepson stepdaughter neighbour dad mum"
        # DRAFT, for review by fluent speakers: "my son", "my daughter"... in scripts without capitals, where the
        # word after them is taken as a name unless it is one of _UNCASED_NOT_NAMES.
        " ابني ابنتي بنتي ولدي أخي اخي أختي اختي زوجي زوجتي صديقي صديقتي"  # Arabic
        " پسرم دخترم برادرم خواهرم شوهرم همسرم دوستم"  # Farsi
        " بیٹا بیٹی بیٹے بھائی بہن شوہر بیوی"  # Urdu
        " زوی لور ورور خور میړه"  # Pashto
        " کوڕەکەم کچەکەم کوڕم کچم براکەم خوشکەکەم برام خوشکم"  # Kurdish (Sorani)
        " ছেলে মেয়ে ভাই বোন স্বামী স্ত্রী"  # Bengali
        " ወደይ ጓለይ ሓወይ ሓፍተይ ሰብኣየይ ሰበይተይ"  # Tigrinya
    ).split()
)
# Ordinary words that often follow those relation words (DRAFT): "my son is", "my daughter very...".
_UNCASED_NOT_NAMES = frozenset(
    (
        "في من على إلى الى لا لم ما هو هي كان كانت عمره عمرها جدا الصغير الصغيرة الكبير الكبيرة يحب تحب عنده عندها"
        " معي عليّ لي"
        " از به در که را و خیلی هم نمی است بود هست کوچکم بزرگم مرا من"
        " کو کا کی کے نے سے میں اور بہت بھی نہیں ہے تھا تھی ہیں مجھے ہمیں اسے"
        " ته په د او ډیر هم نه دی وه مې ما موږ"
        " لە بۆ و زۆر هەروەها نا من"
        " স্কুলে খুব ও এবং আর না আমার তার এখন সবসময় বাড়িতে আমাকে আমাদের ওকে"
        " ኣብ ብጣዕሚ ን እውን ምስ"
    ).split()
)
_FIRST_PERSON = frozenset("i i'm i’m i've i’ve i'd i’d i'll i’ll im ive".split())
_PRONOUNS = frozenset("we they he she you it the my our his her their me us them this that".split())
# A capitalised unknown word at the start of a sentence followed by one of these is
# probably someone's name ("Ifeoma and Chidi", "Milosz was born...").
_SUBJECT_NEXT = frozenset(
    "was is and said says has had came comes went goes likes loved loves wants wanted does did got gets needs "
    "needed were are will can could would enjoyed enjoys felt feels told tells lives lived started starts".split()
)
_LINKS = frozenset("is was called named".split())  # "my son is Kai"


def _base(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _staff_words(staff_names: Collection[str]) -> frozenset[str]:
    return frozenset(word.casefold() for name in staff_names for word in _WORD.findall(name))


def _names(text: str, staff: frozenset[str]) -> list[Span]:
    lists = _lists()
    words = list(_WORD.finditer(text))
    title_case = _mostly_capitalised(words)
    found: list[Span] = []
    index = 0
    while index < len(words):
        if (_is_name(text, words, index, lists, title_case) or _listed_after_name(words, index, found)) and _base(
            words[index].group()
        ).casefold() not in staff:
            end = index
            while end + 1 < len(words) and _is_surname(text, words, end + 1, lists, staff):
                end += 1
            found.append(Span(words[index].start(), _name_end(words[end]), "name"))
            index = end
        index += 1
    return found


def _listed_after_name(words: list[re.Match[str]], index: int, found: list[Span]) -> bool:
    """ "Summer and Autumn": a capitalised word joined by "and" to a name just found."""
    word = words[index].group()
    if index < 2 or not found or words[index - 1].group() not in ("and", "&") or not word[0].isupper():
        return False
    if word.casefold() in _FIRST_PERSON or word.casefold() in _PRONOUNS:
        return False
    return found[-1].start == words[index - 2].start()


def _name_end(match: re.Match[str]) -> int:
    possessive = _POSSESSIVE.search(match.group())
    return match.end() - (len(possessive.group()) if possessive else 0)


def _is_name(text: str, words: list[re.Match[str]], index: int, lists: _Lists, title_case: bool) -> bool:
    word = _base(words[index].group())
    key = word.casefold()
    if key[:1] in _ARABIC_PREFIXES and key[1:] in lists.first_names:
        return True
    if len(key) < 2 or (key in lists.common and key not in lists.first_names):
        return _cued(words, index) and key not in lists.common
    capital = word[0].isupper()
    if _cued(words, index) and not title_case:
        uncased = not word[0].isupper() and not word[0].islower()  # Arabic, Bengali, Ge'ez scripts...
        return (
            capital
            or (uncased and key not in _UNCASED_NOT_NAMES and not key.endswith("ني"))  # Arabic "...me": a verb
            or ((key in lists.first_names or key in lists.ambiguous) and key not in lists.starters)
        )
    if "-" in key and capital and any(part in lists.first_names for part in key.split("-")):
        return True  # Lacey-Jo, Ellie-May
    if key in lists.first_names and key not in lists.ambiguous:
        return True
    mid_sentence = capital and not _SENTENCE_END.search(text, 0, words[index].start())
    if key in lists.ambiguous:
        starts_sentence = capital and not mid_sentence and key not in lists.starters
        return (mid_sentence or starts_sentence) and not title_case
    if key in lists.common:
        return False
    possessive = capital and words[index].group() != word
    subject = capital and _followed_by(words, index, _SUBJECT_NEXT)  # "Hiwot was happy", "Esra and her mum"
    return not title_case and (mid_sentence or possessive or subject) and word.isalpha() and not word.isupper()


def _followed_by(words: list[re.Match[str]], index: int, nexts: frozenset[str]) -> bool:
    return index + 1 < len(words) and words[index + 1].group().casefold() in nexts


def _cued(words: list[re.Match[str]], index: int) -> bool:
    """The word follows "Mrs", "called", or "my son (is)"."""
    before = [w.group().casefold().strip(".") for w in words[max(0, index - 3) : index]]
    if not before:
        return False
    if before[-1] in _TITLES or before[-1] in _CALLED:
        return True
    if len(before) >= 2 and before[-2] == "name" and before[-1] in ("is", "was"):
        return True
    if before[-1] in _RELATIONS:
        return True
    return len(before) >= 2 and before[-2] in _RELATIONS and before[-1] in _LINKS


def _is_surname(text: str, words: list[re.Match[str]], index: int, lists: _Lists, staff: frozenset[str]) -> bool:
    """A capitalised non-ordinary word right after a name ("Kai Jones")."""
    previous, word = words[index - 1], words[index].group()
    between = text[previous.end() : words[index].start()]
    base = _base(word)
    return (
        between.strip() == ""
        and "'" not in previous.group()[-2:]
        and base[:1].isupper()
        and not lists.is_common(base)
        and base.casefold() not in staff
    )


def _mostly_capitalised(words: list[re.Match[str]]) -> bool:
    """Title Case Or ALL CAPS text (judged on ordinary words): capitals then say nothing about names."""
    lists = _lists()
    counted = [w.group() for w in words if lists.is_common(w.group()) and w.group().casefold() not in _FIRST_PERSON]
    if len(counted) < 3:
        return False
    capitals = sum(1 for word in counted if word[0].isupper())
    return capitals / len(counted) > 0.6
