"""The translation catalogs' life cycle, behind `heard i18n` (service/cli.py)
and the set-up:

    extract   read the sources, write locales/messages.pot and locales/surveys.pot
    update    merge the .pot files into every locales/<lang>/LC_MESSAGES/*.po
    init      start the catalogs of a new language
    compile   build .mo files from the .po files (what Heard reads)

(`heard i18n report` is completeness.py's.) Stock `pybabel` cannot do these
as Heard needs: its extract has no glossary notes, its update and init number
plural forms gettext's way rather than CLDR's and drop the X-Heard-Review
header, and its compile fails on a stale fuzzy entry that is never compiled.

Fuzzy entries are never compiled: a guess shown to a child is worse than
English. The templates carry no line numbers and their creation date is left
alone when nothing else changed, so they only change when a text does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, unescape, write_po
from babel.util import pathmatch

from service.settings import REPO_ROOT

from . import DOMAINS, LOCALES_DIR, glossary, plurals

# Which configuration feeds which catalog template.
CONFIGS = {"messages": "babel.cfg", "surveys": "babel-surveys.cfg"}
COMMENT_TAGS = ("Translators:",)
HEADER_COMMENT = """\
# {title} for Heard.
# This file is distributed under the same license as the Heard project
# (AGPL-3.0-or-later). See "Adding or improving a language" in README.md."""
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


# ---- extract ---------------------------------------------------------------


def template_text(domain: str, root: Path = REPO_ROOT) -> str:
    """The catalog template (.pot) the sources give today, as text."""
    catalog = Catalog(
        project="Heard",
        version="1",
        msgid_bugs_address="",
        copyright_holder="",
        header_comment=HEADER_COMMENT.format(title="Translation template"),
        fuzzy=True,
    )
    for path, method, options in _sources(root, CONFIGS[domain]):
        relative = path.relative_to(root).as_posix()
        for lineno, message, comments, context in extract_from_file(
            method, path, DEFAULT_KEYWORDS, COMMENT_TAGS, options, strip_comment_tags=True
        ):
            catalog.add(message, None, [(relative, lineno)], auto_comments=comments, context=context)
    glossary.add_notes(catalog)
    return _po_text(catalog)


def _sources(root: Path, config: str) -> Iterator[tuple[Path, str, dict]]:
    with (root / config).open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    tops = sorted({pattern.split("/")[0] for pattern, _ in method_map})
    files = sorted(p for top in tops for p in (root / top).rglob("*") if p.is_file())
    for path in files:
        relative = path.relative_to(root).as_posix()
        for pattern, method in method_map:
            if pathmatch(pattern, relative):
                if method != "ignore":
                    yield path, method, dict(options_map.get(pattern, {}))
                break


def _po_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_lineno=False)
    return buffer.getvalue().decode("utf-8")


def without_creation_date(text: str) -> str:
    return _CREATION_DATE.sub("", text)


def extract(locales_dir: Path = LOCALES_DIR, root: Path = REPO_ROOT) -> list[Path]:
    """Write both templates; returns those that changed (a changed date alone is no change)."""
    changed = []
    for domain in DOMAINS:
        target = locales_dir / f"{domain}.pot"
        text = template_text(domain, root)
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        if without_creation_date(old) != without_creation_date(text):
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


# ---- update and init -------------------------------------------------------


def catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Every translation catalog (.po), by language then domain."""
    return sorted(locales_dir.glob("*/LC_MESSAGES/*.po"))


def read_catalog(po: Path) -> Catalog:
    with po.open("rb") as source:
        return read_po(source, locale=po.parent.parent.name, domain=po.stem)


def read_template(locales_dir: Path, domain: str) -> Catalog:
    with (locales_dir / f"{domain}.pot").open("rb") as source:
        return read_po(source)


def po_headers(po: Path) -> dict[str, str]:
    """Every header of a catalog, including any X-... ones, which Babel drops."""
    lines = po.read_text(encoding="utf-8").splitlines()
    raw, inside = [], False
    for line in lines:
        if line == 'msgid ""':
            inside = True
        elif inside and line.startswith('"'):
            raw.append(unescape(line))
        elif inside and raw and not line.startswith("msgstr"):
            break
    headers = {}
    for line in "".join(raw).splitlines():
        name, _, value = line.partition(":")
        if value:
            headers[name.strip()] = value.strip()
    return headers


class _CatalogWithExtras(Catalog):
    """A Catalog that writes headers of our own (X-...) back out, which Babel drops."""

    extra_headers: list[tuple[str, str]]

    @property
    def mime_headers(self) -> list[tuple[str, str]]:
        headers = self._get_mime_headers()  # Babel's own
        if not self.extra_headers:
            return headers
        # Babel ends the header block with the newline in its last value.
        (name, value), extras = headers[-1], list(self.extra_headers)
        headers[-1] = (name, value.rstrip("\n"))
        extras[-1] = (extras[-1][0], extras[-1][1] + "\n")
        return [*headers, *extras]

    @mime_headers.setter
    def mime_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        self._set_mime_headers(headers)


def _with_extras(catalog: Catalog, extra: dict[str, str]) -> Catalog:
    catalog.__class__ = _CatalogWithExtras
    # mypy cannot follow the change of class above: to it, `catalog` is still a plain Catalog.
    catalog.extra_headers = sorted(extra.items())  # type: ignore[attr-defined]
    return catalog


def _extra_headers(po: Path) -> dict[str, str]:
    return {name: value for name, value in po_headers(po).items() if name.startswith("X-")}


def _write_catalog(po: Path, catalog: Catalog, extra: dict[str, str]) -> None:
    po.write_text(_po_text(_with_extras(catalog, extra)), encoding="utf-8")


def use_cldr_plurals(catalog: Catalog, locale: Locale) -> None:
    """Make msgstr[i] mean the i-th CLDR category, carrying existing plural
    translations across from the catalog's old rule."""
    count, expression = plurals.plural_forms(locale)
    if (catalog.num_plurals, catalog.plural_expr) == (count, expression):
        return
    mapping = plurals.remap(catalog.plural_expr, expression, count)
    for message in catalog:
        if message.id and message.pluralizable and isinstance(message.string, (list, tuple)):
            old = list(message.string)
            message.string = tuple(old[i] if i is not None and i < len(old) else "" for i in mapping)
    catalog.mime_headers = [("Plural-Forms", plurals.header_value(locale))]


def update(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Merge the templates into every catalog: new texts appear untranslated,
    changed ones fuzzy (shown in English until a translator checks them)."""
    templates = {domain: read_template(locales_dir, domain) for domain in DOMAINS}
    written = []
    for po in catalogs(locales_dir):
        extra = _extra_headers(po)
        catalog = read_catalog(po)
        catalog.update(templates[po.stem], update_header_comment=False)
        use_cldr_plurals(catalog, Locale.parse(po.parent.parent.name))
        _write_catalog(po, catalog, extra)
        written.append(po)
    return written


def init(tag: str, locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Start a new language's catalogs (a draft until locales/REVIEW.toml says it was reviewed)."""
    locale = Locale.parse(tag, sep="-")
    folder = locales_dir / str(locale) / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for domain in DOMAINS:
        po = folder / f"{domain}.po"
        if po.exists():
            continue
        catalog = Catalog(
            locale=locale,
            domain=domain,
            project="Heard",
            version="1",
            msgid_bugs_address="",
            header_comment=HEADER_COMMENT.format(title=f"{locale.english_name} translations"),
        )
        catalog.update(read_template(locales_dir, domain), update_header_comment=False)
        use_cldr_plurals(catalog, locale)
        _write_catalog(po, catalog, {})
        written.append(po)
    return written


# ---- compile ---------------------------------------------------------------


def compile_all(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    written = []
    for po in catalogs(locales_dir):
        catalog = _with_extras(read_catalog(po), _extra_headers(po))
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        written.append(mo)
    return written
