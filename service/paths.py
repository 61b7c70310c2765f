"""Where Heard's own files are: templates, translation catalogs, survey files and htmx.

In a checkout (and an editable install) they sit beside the package: templates/, locales/ and surveys/
at the top of the repository, htmx in node_modules/ (put there by `npm ci`). A built wheel carries copies
of them inside the package, in service/bundled/ (setup.py puts them there, with the catalogs compiled and
htmx copied), so `pip install heard-*.whl` is a whole Heard with no checkout beside it. service/bundled/
exists only in a built package, so its presence decides.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
BUNDLED_DIR = PACKAGE_DIR / "bundled"
INSTALLED = BUNDLED_DIR.is_dir()

_ROOT = BUNDLED_DIR if INSTALLED else SOURCE_ROOT
TEMPLATES_DIR = _ROOT / "templates"
LOCALES_DIR = _ROOT / "locales"
SURVEYS_DIR = _ROOT / "surveys"
STATIC_DIR = PACKAGE_DIR / "web" / "static"
HTMX = BUNDLED_DIR / "htmx.min.js" if INSTALLED else SOURCE_ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
