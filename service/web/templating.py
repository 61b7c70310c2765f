"""Jinja2 set up once: autoescaping, gettext callables that follow the
request's language, and rendering whole pages or single blocks (for htmx)."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2_fragments import render_block
from litestar import Response
from litestar.datastructures import ResponseHeader
from markupsafe import Markup

from service import i18n
from service.paths import TEMPLATES_DIR
from service.web import flash

HTML = "text/html"


def phone(number: str) -> Markup:
    """A phone number that reads left to right in every script: in Arabic,
    Urdu, Farsi, Pashto and Sorani pages a bare "0800 1111" is shown as
    "1111 0800". Pass it into a `{% trans %}` block as a placeholder so
    translators never retype it."""
    return Markup('<bdi dir="ltr" class="phone">{}</bdi>').format(number)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext,
        ngettext=i18n.ngettext,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
        newstyle=True,
    )
    env.globals["phone"] = phone
    env.globals["done_banner"] = flash.current  # the staff layout's success banner (service/web/flash.py)
    env.globals["survey_text"] = i18n.survey_text
    env.globals["survey_label"] = i18n.survey_label
    env.globals["current_language"] = i18n.current_language
    env.globals["available_languages"] = i18n.available_languages
    env.globals["language_name"] = i18n.language_name
    # Numbers, dates and lists in the current language's way (CLDR, via Babel).
    for helper in (i18n.format_number, i18n.format_percent, i18n.format_date, i18n.format_datetime, i18n.format_list):
        env.globals[helper.__name__] = helper
    env.policies["ext.i18n.trimmed"] = True
    return env


ENV = _environment()


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


def page(template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> Response[str]:
    return Response(render(template, **context), status_code=status, media_type=HTML, headers=headers)


def fragment(template: str, block: str, *, status: int = 200, **context: Any) -> Response[str]:
    """One block of a page, for an htmx swap of the element with that id."""
    html = render_block(ENV, template, block, **context)
    return Response(html, status_code=status, media_type=HTML)


__all__ = ["ENV", "HTML", "ResponseHeader", "fragment", "page", "render"]
