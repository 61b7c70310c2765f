"""Makes a built wheel a whole Heard (pyproject.toml holds everything else about the package).

Heard's templates/, locales/ and surveys/ live at the top of the repository, and htmx in node_modules/.
Building a wheel copies them into the package as service/bundled/ (which service/paths.py looks for),
compiles the translation catalogs there (.po -> .mo, fuzzy entries left out, as `heard i18n compile`
does), and copies htmx from node_modules/ (run `npm ci` first; the build stops and says so otherwise).
An editable install (`pip install -e .`, what infra/setup.sh does) reads the checkout directly instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
FOLDERS = ("templates", "locales", "surveys")
HTMX = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
LEAVE_OUT = shutil.ignore_patterns("*.mo", "__pycache__", ".*")


def compile_catalogs(locales: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name, domain=po.stem)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)


def bundle(target: Path) -> None:
    if not HTMX.is_file():
        raise SystemExit(f"{HTMX} is missing: run `npm ci` (or bash infra/setup.sh) before building a wheel")
    if target.exists():
        shutil.rmtree(target)
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, target / folder, ignore=LEAVE_OUT)
    compile_catalogs(target / "locales")
    shutil.copy2(HTMX, target / "htmx.min.js")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            bundle(Path(self.build_lib) / "service" / "bundled")


setup(cmdclass={"build_py": BuildWithData})
