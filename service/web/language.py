"""The request's language, chosen one way everywhere.

The choice travels in the address (`?lang=`) or a form's `lang` field, never a
cookie; the browser's Accept-Language is only a guess, and a touchpoint may
say not to follow it. `speak()` sets the language for this request's templates
and gettext (a ContextVar, service/i18n) and returns its tag.

Pages without a touchpoint declare `lang: NamedDependency[str]` (the `lang`
dependency, wired in service/app.py; only for a handler with no other dependency), and the
others call `speak()`; a touchpoint's pages call `speak()` with
the touchpoint once they have it (no extra dependency on the respondent's
measured pages).
"""

from __future__ import annotations

from typing import Protocol

from litestar import Request

from service import i18n
from service.web import fields
from service.web.headers import request_header

SAFE_METHODS = frozenset({"GET", "HEAD"})


class SpeaksFor(Protocol):
    """What a touchpoint says about language: its own, and whether the browser's may win."""

    @property
    def language(self) -> str: ...

    @property
    def follow_browser_language(self) -> bool: ...


def speak(request: Request, touchpoint: SpeaksFor | None = None, *, chosen: str | None = None) -> str:
    # A choice in the form or the address settles it (almost every request after the first page): the browser's
    # header is only read when there is none.
    tag = i18n.match_tag(chosen or _asked(request)) or i18n.negotiate(
        chosen=None,
        accept_language=request_header(request.scope, b"accept-language"),
        default=touchpoint.language if touchpoint else i18n.SOURCE_LANGUAGE,
        follow_browser=touchpoint.follow_browser_language if touchpoint else True,
    )
    i18n.use_language(tag)
    return tag


def _asked(request: Request) -> str | None:
    """The language the address asks for (`?lang=`), if any."""
    values = fields.query(request).get("lang")
    return values[0] if values else None


async def provide_lang(request: Request) -> str:
    """The `lang` dependency: the form's own choice first (a POST), else the address, else the browser.

    Only for a handler with no other dependency (tests/meta/test_handlers.py): Litestar resolves sibling
    dependencies in tasks of their own, and a language set in one would not reach the handler's templates.
    A handler that also needs the database calls speak() itself."""
    chosen = None
    if request.method not in SAFE_METHODS:
        sent = (await request.form()).get("lang")
        chosen = sent if isinstance(sent, str) else None
    return speak(request, chosen=chosen)


def speak_as(tag: str | None) -> str:
    """A page in a fixed language (a printed card in its touchpoint's language), not the reader's."""
    chosen = i18n.match_tag(tag) or i18n.SOURCE_LANGUAGE
    i18n.use_language(chosen)
    return chosen
