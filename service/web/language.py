"""The request's language, chosen one way everywhere.

The choice travels in the address (`?lang=`) or a form's `lang` field, never a
cookie; the browser's Accept-Language is only a guess, and a touchpoint may
say not to follow it. `speak()` sets the language for this request's templates
and gettext (a ContextVar, service/i18n) and returns its tag.

Pages without a touchpoint declare `lang: NamedDependency[str]` (the `lang`
dependency, wired in service/app.py, set by speak_for() before the handler); a touchpoint's pages call `speak()` with
the touchpoint once they have it (no extra dependency on the respondent's
measured pages).
"""

from __future__ import annotations

from typing import Protocol

from litestar import Request

from service import i18n

SAFE_METHODS = frozenset({"GET", "HEAD"})


class SpeaksFor(Protocol):
    """What a touchpoint says about language: its own, and whether the browser's may win."""

    language: str
    follow_browser_language: bool


def speak(request: Request, touchpoint: SpeaksFor | None = None, *, chosen: str | None = None) -> str:
    tag = i18n.negotiate(
        chosen=chosen or request.query_params.get("lang"),
        accept_language=request.headers.get("accept-language"),
        default=touchpoint.language if touchpoint else i18n.SOURCE_LANGUAGE,
        follow_browser=touchpoint.follow_browser_language if touchpoint else True,
    )
    i18n.use_language(tag)
    return tag


async def speak_for(request: Request) -> None:
    """Run before every handler (service/app.py's before_request), in the request's own context: for a handler
    that declares `lang`, the form's own choice first (a POST), else the address, else the browser. Not in the
    `lang` dependency itself: Litestar resolves sibling dependencies in tasks of their own, and a language set
    there would not reach the handler's templates."""
    if not _declares_lang(request.route_handler):
        return
    chosen = None
    if request.method not in SAFE_METHODS:
        sent = (await request.form()).get("lang")
        chosen = sent if isinstance(sent, str) else None
    speak(request, chosen=chosen)


def provide_lang() -> str:
    """The `lang` dependency: the tag speak_for() chose for this request."""
    return i18n.current_language().tag


_DECLARES: dict[int, bool] = {}


def _declares_lang(handler: object) -> bool:
    found = _DECLARES.get(id(handler))
    if found is None:
        found = _DECLARES[id(handler)] = "lang" in handler.parsed_fn_signature.parameters  # type: ignore[attr-defined]
    return found


def speak_as(tag: str | None) -> str:
    """A page in a fixed language (a printed card in its touchpoint's language), not the reader's."""
    chosen = i18n.match_tag(tag) or i18n.SOURCE_LANGUAGE
    i18n.use_language(chosen)
    return chosen
