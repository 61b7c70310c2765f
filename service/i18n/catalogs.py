"""The translation catalogs' life cycle: compile .po files into .mo files.

    python -m service.i18n.catalogs compile

Fuzzy entries are never compiled: a guess shown to a child is worse than
English.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from . import LOCALES_DIR


def compile_all(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    written = []
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def main(argv: list[str]) -> int:
    if argv[:1] != ["compile"]:
        print("usage: python -m service.i18n.catalogs compile", file=sys.stderr)
        return 2
    written = compile_all()
    print(f"compiled {len(written)} catalogs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
