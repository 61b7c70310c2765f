"""How complete each language is, and whether it has been reviewed (the
review record, locales/REVIEW.toml: who, when, what they found).

Counted against the catalog templates (.pot), so a text a catalog does not
have yet (`update` not run) counts as missing, like an empty or fuzzy one.
"Respondent-facing" is everything a child or parent can read: the interface
texts whose source is one of RESPONDENT_SOURCES, and every survey text.
"""

from __future__ import annotations

import math
from pathlib import Path

import msgspec
from babel.messages.catalog import Catalog, Message

from . import DOMAINS, LABEL_CONTEXT, LOCALES_DIR, SOURCE_LANGUAGE, Language, plurals
from .catalogs import catalogs, read_catalog, read_template
from .review import Review, read_record

RESPONDENT_SOURCES = (
    "templates/base.html",
    "templates/responses/",
    "templates/safeguarding/contact.html",
    "templates/safeguarding/contact_sent.html",  # "please contact me"
    "templates/_macros/",
    "templates/errors/",
    "service/responses/",
    "templates/reviews/_you_said.html",  # on the welcome and thank-you pages
    "templates/reviews/postcard.html",  # "you said, we did" postcards families receive
    "templates/touchpoints/sheet.html",  # the printed card and poster families scan
    # A debrief's invitation link: partner agencies answer and read (service/debriefs).
    "templates/debriefs/_partner.html",
    "templates/debriefs/answer.html",
    "templates/debriefs/thanks.html",
    "templates/debriefs/results.html",
    "templates/debriefs/_results.html",
    "templates/debriefs/_response.html",
    "templates/touchpoints/show.html",  # the full-screen QR code families scan
    "service/surveys/",
    "service/touchpoints/kinds.py",
)
SOURCE_REVIEW = "source language"
DRAFT = "draft"
REVIEWED = "reviewed"


class LanguageReport(msgspec.Struct, frozen=True):
    tag: str
    own_name: str
    english_name: str
    direction: str  # ltr or rtl
    respondent_done: int
    respondent_total: int
    overall_done: int
    overall_total: int
    review: str  # "source language", "reviewed" or "draft" (no row in the record counts as draft)
    record: Review | None  # the language's row in locales/REVIEW.toml, if any
    plural_forms_ok: bool  # the catalog numbers its plural forms the CLDR way
    plural_categories: tuple[str, ...]

    @property
    def respondent_percent(self) -> float:
        return _percent(self.respondent_done, self.respondent_total)

    @property
    def overall_percent(self) -> float:
        return _percent(self.overall_done, self.overall_total)


def _percent(done: int, total: int) -> float:
    """Rounded down to one decimal, so 99.96% never shows as 100%."""
    return math.floor(1000 * done / total) / 10 if total else 100.0


def is_respondent_facing(message: Message, domain: str) -> bool:
    return domain == "surveys" or any(path.startswith(RESPONDENT_SOURCES) for path, _ in message.locations)


def is_optional(message: Message) -> bool:
    """A question's own yes/no words: left empty, the generic words are shown."""
    return bool(message.context and message.context.startswith(LABEL_CONTEXT.format("")))


def is_translated(message: Message | None, num_plurals: int) -> bool:
    if message is None or message.fuzzy:
        return False
    if isinstance(message.string, (list, tuple)):
        return len(message.string) == num_plurals and all(message.string)
    return bool(message.string)


def report(locales_dir: Path = LOCALES_DIR) -> list[LanguageReport]:
    templates = {domain: read_template(locales_dir, domain) for domain in DOMAINS}
    wanted = [
        (domain, m, is_respondent_facing(m, domain))
        for domain, t in templates.items()
        for m in t
        if m.id and not is_optional(m)
    ]
    respondent_total = sum(1 for _, _, facing in wanted if facing)
    source = Language(SOURCE_LANGUAGE, locales_dir)
    rows = [
        LanguageReport(
            SOURCE_LANGUAGE,
            source.own_name,
            _english_name(source),
            source.direction,
            respondent_total,
            respondent_total,
            len(wanted),
            len(wanted),
            SOURCE_REVIEW,
            None,
            True,
            tuple(plurals.categories(source.locale)),
        )
    ]
    record = read_record(locales_dir)
    folders = sorted({po.parent.parent for po in catalogs(locales_dir)})
    for folder in folders:
        rows.append(_language_report(folder, wanted, respondent_total, record.get(folder.name.replace("_", "-"))))
    return rows


def _language_report(folder: Path, wanted: list, respondent_total: int, row: Review | None) -> LanguageReport:
    language = Language(folder.name.replace("_", "-"), folder.parent)
    found: dict[str, Catalog] = {}
    for domain in DOMAINS:
        po = folder / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            found[domain] = read_catalog(po)
    done = [(facing, _done(found.get(domain), message)) for domain, message, facing in wanted]
    count, expression = plurals.plural_forms(language.locale)
    plural_ok = all((c.num_plurals, c.plural_expr) == (count, expression) for c in found.values())
    return LanguageReport(
        tag=language.tag,
        own_name=language.own_name,
        english_name=_english_name(language),
        direction=language.direction,
        respondent_done=sum(1 for facing, ok in done if facing and ok),
        respondent_total=respondent_total,
        overall_done=sum(1 for _, ok in done if ok),
        overall_total=len(wanted),
        review=REVIEWED if row and row.reviewed else DRAFT,
        record=row,
        plural_forms_ok=plural_ok,
        plural_categories=tuple(plurals.categories(language.locale)),
    )


def _english_name(language: Language) -> str:
    return language.locale.get_language_name("en") or language.tag


def _done(catalog: Catalog | None, message: Message) -> bool:
    if catalog is None:
        return False
    return is_translated(catalog.get(message.id, message.context), catalog.num_plurals)


def print_report(rows: list[LanguageReport]) -> None:
    print(f"{'tag':<6} {'dir':<4} {'respondent':>10} {'overall':>8}  {'review':<8} {'on':<10}  language")
    for row in rows:
        name = f"{row.own_name} ({row.english_name})" if row.own_name != row.english_name else row.own_name
        note = "" if row.plural_forms_ok else " [plural forms are not CLDR's: run heard i18n update]"
        when = row.record.date.isoformat() if row.record else ("" if row.review == SOURCE_REVIEW else "never")
        status = "-" if row.review == SOURCE_REVIEW else row.review
        print(
            f"{row.tag:<6} {row.direction:<4} {row.respondent_percent:>9.1f}% {row.overall_percent:>7.1f}%  "
            f"{status:<8} {when:<10}  {name}{note}"
        )
    print("\nthe review record (locales/REVIEW.toml): found in the respondent-facing texts before fixing")
    print(
        f"{'tag':<6} {'read':>4} {'correct':>7} {'awkward':>7} {'wrong':>5} {'broken':>6} {'fixed':>5}  "
        f"{'confidence':<10} {'doubts':>6}  reviewer"
    )
    for row in rows:
        if row.record:
            found, record = row.record.found, row.record
            print(
                f"{row.tag:<6} {found.read:>4} {found.correct:>7} {found.awkward:>7} {found.wrong:>5} "
                f"{found.broken:>6} {record.fixed:>5}  {record.confidence:<10} {len(record.doubts):>6}  "
                f"{record.reviewer}"
            )
        elif row.review != SOURCE_REVIEW:
            print(f"{row.tag:<6} no review recorded: a draft")
    print("\nplural forms, in msgstr[0], msgstr[1]... order:")
    for row in rows:
        print(f"{row.tag:<6} " + ", ".join(f"[{i}] {name}" for i, name in enumerate(row.plural_categories)))
    rtl = sum(1 for row in rows if row.direction == "rtl")
    reviewed = sum(1 for row in rows if row.review == REVIEWED)
    print(
        f"{len(rows)} languages, {rtl} right-to-left, {reviewed} reviewed; respondent-facing = the interface a "
        f"child or parent sees and every survey text; HEARD_LANGUAGES=reviewed offers only reviewed ones"
    )
