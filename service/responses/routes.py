"""The respondent's pages: welcome, who is answering, the form, thank you.

Every page works as plain HTML; the language travels in the `lang` query
parameter (or the form), never in a cookie.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from asyncpg import Connection
from jinja2_fragments import render_block
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect
from litestar.types import ASGIApp

from service.db.pool import UNAVAILABLE, DatabaseUnavailable
from service.db.request import RequestDb
from service.reading import service as reading
from service.reviews.you_said import ShownEntry, published_entries
from service.surveys.answers import check_answers
from service.surveys.model import AUDIENCES, LoadedSurvey
from service.surveys.service import find_version
from service.touchpoints import codes
from service.touchpoints.service import Touchpoint
from service.web import fields as form_fields
from service.web.headers import request_header
from service.web.kept import RESPONDENT_PAGES, Kept
from service.web.language import speak
from service.web.sent import SeeOther, Sent, handed_over
from service.web.sent import page as sent_page
from service.web.templating import ENV, HTML, fragment, page, render

from . import steps
from . import thanks as thanks_address
from .service import (
    Closed,
    Submission,
    already_sent,
    audience_allowed,
    exit_pin_matches,
    open_touchpoint,
    skipping,
    submit_response,
    touchpoint_for_exit,
    worded_for,
)

# The respondent's POSTs read, or store answers with one statement: no BEGIN/COMMIT (service/db/request.py).
STANDALONE = {"transaction": False}

# Touchpoints change rarely and every form page needs one: each process keeps
# what it looked up for a few seconds (service/web/kept.py).
_touchpoints: Kept[Touchpoint | Closed] = Kept()


async def _touchpoint(db: RequestDb, state: State, code: str) -> Touchpoint:
    found = _touchpoints.get(code)
    if found is None:  # the request's connection is only taken here, when the touchpoint is not kept
        found = await _touchpoints.load(code, _look_up, db, state, code)
    if isinstance(found, Closed):
        raise Closed(found.reason)
    return found


async def _you_said(db: RequestDb, touchpoint: Touchpoint, lang: str) -> list[ShownEntry]:
    """What the team changed after listening ("you said, we did"), newest first, in this language where written."""
    return await published_entries(
        await db.connection(), team_id=touchpoint.team_id, touchpoint_id=touchpoint.id, language=lang
    )


async def _same_for_everyone(
    key: tuple, template: str, db: RequestDb, touchpoint: Touchpoint, lang: str, **context: object
) -> list[bytes]:
    """A welcome or thank-you page, rendered once per few seconds per process (service/web/kept.py), with
    the touchpoint, the language, what the team changed after listening and the shared device's settings,
    kept _cut (the thank-you page where its submission goes; the welcome page has none)."""
    parts = RESPONDENT_PAGES.get(key)
    if parts is None:
        parts = await RESPONDENT_PAGES.load(key, _render_cut, template, db, touchpoint, lang, context)
    return parts


async def _look_up(db: RequestDb, state: State, code: str) -> Touchpoint | Closed:
    try:
        return await open_touchpoint(await db.connection(), typed_code=code, today=state.settings.today())
    except Closed as closed:
        return closed


async def _render_cut(template: str, db: RequestDb, touchpoint: Touchpoint, lang: str, context: dict) -> list[bytes]:
    you_said = await _you_said(db, touchpoint, lang)
    return _cut(
        render(template, touchpoint=touchpoint, lang=lang, you_said=you_said, shared=_shared(touchpoint), **context)
    )


def _shared(touchpoint: Touchpoint) -> dict | None:
    """For a shared device's pages: where the next person starts, how long without a touch before "still
    there?", and the touchpoint the device is locked to (heard.js and sw.js read them from the page)."""
    if not touchpoint.shared_device:
        return None
    start = f"/t/{touchpoint.code}" + (f"/form/{touchpoint.audience}" if touchpoint.audience else "/who")
    return {
        "start": f"{start}?lang={touchpoint.language}",
        "idle": touchpoint.idle_seconds,
        "lock": f"/t/{touchpoint.code}",
    }


# A shared device's pages are never kept by the browser: Back cannot bring one back from its cache.
NO_STORE = {"Cache-Control": "no-store"}


def _kept_from_next_person(response: Response, touchpoint: Touchpoint) -> Response:
    if touchpoint.shared_device:
        response.headers.update(NO_STORE)
    return response


def _from_htmx(request: Request) -> bool:
    """Whether htmx sent the request (it adds `HX-Request: true`). Read from the header, not through
    litestar-htmx's HTMXRequest: that request and its `htmx` details point at each other, so each
    submission left its whole request (scope, headers, form) for the garbage collector to find."""
    return request_header(request.scope, b"hx-request") == "true"


def _survey(state: State, touchpoint: Touchpoint) -> LoadedSurvey:
    loaded = state.surveys.current(touchpoint.survey_id)
    if loaded is None:  # the survey file was removed while touchpoints still use it
        raise Closed("unknown")
    return loaded


@get("/t/{code:str}", name="welcome")
async def welcome(
    code: FromPath[str], request: Request, state: State, db: NamedDependency[RequestDb]
) -> Response[bytes]:
    touchpoint = await _touchpoint(db, state, code)
    lang = speak(request, touchpoint)
    loaded = _survey(state, touchpoint)
    variant = loaded.survey.variant(touchpoint.audience) if touchpoint.audience else None
    count = len(variant.questions) if variant else None  # how many questions, when the audience is known
    audiences = (
        [touchpoint.audience]
        if touchpoint.audience
        else [a for a in AUDIENCES if audience_allowed(touchpoint, loaded, a)]
    )
    skip = skipping([loaded.survey.audiences[a] for a in audiences])  # type: ignore[index]
    key = ("welcome", touchpoint.code, lang)
    parts = await _same_for_everyone(
        key, "responses/welcome.html", db, touchpoint, lang, question_count=count, skipping=skip
    )
    return _kept_from_next_person(Response(b"".join(parts), media_type=HTML), touchpoint)


@get("/t/{code:str}/who", name="who")
async def who(code: FromPath[str], request: Request, state: State, db: NamedDependency[RequestDb]) -> Response[str]:
    touchpoint = await _touchpoint(db, state, code)
    lang = speak(request, touchpoint)
    loaded = _survey(state, touchpoint)
    audiences = [a for a in AUDIENCES if audience_allowed(touchpoint, loaded, a)]
    return _kept_from_next_person(
        page("responses/who.html", touchpoint=touchpoint, lang=lang, audiences=audiences, shared=_shared(touchpoint)),
        touchpoint,
    )


@get("/t/{code:str}/form/{audience:str}", name="form")
async def form(code: FromPath[str], audience: FromPath[str], request: Request) -> ASGIApp:
    async with RequestDb.for_request(request) as db:
        return handed_over(await _form(code, audience, request, request.app.state, db))


async def _form(code: str, audience: str, request: Request, state: State, db: RequestDb) -> Response | Sent:
    query = form_fields.query(request)
    touchpoint = await _touchpoint(db, state, code)
    lang = speak(request, touchpoint, chosen=_first(query, "lang"))
    loaded = _survey(state, touchpoint)
    if not audience_allowed(touchpoint, loaded, audience):
        raise Closed("unknown")
    sent = _uuid(_first(query, "sent"))
    # heard.js marks the form's address once sent: Back after "thank you" lands here
    if sent is not None and await already_sent(await db.connection(), submission_id=sent):
        return Redirect(f"/t/{touchpoint.code}/thanks?lang={lang}&a={audience}&again=1", status_code=303)
    return _form_page(
        touchpoint.code,
        loaded,
        audience,
        lang,
        submission_id=uuid.uuid4(),
        step=0,
        contact_kind=touchpoint.contact_kind,
        shared=_shared(touchpoint),
    )


@post("/t/{code:str}/form/{audience:str}", name="submit", opt=STANDALONE)
async def submit(code: FromPath[str], audience: FromPath[str], request: Request) -> ASGIApp:
    fields = await form_fields.form(request)
    state = request.app.state
    try:
        async with RequestDb.for_request(request) as db:
            return handed_over(await _submit(code, audience, request, state, db, fields))
    except (DatabaseUnavailable, *UNAVAILABLE):
        # Whatever failed, the person keeps every answer and can send again.
        return handed_over(_unavailable_form(code, audience, request, state, fields))


async def _submit(
    code: str, audience: str, request: Request, state: State, db: RequestDb, fields: dict[str, list[str]]
) -> Response | Sent:
    touchpoint = await _touchpoint(db, state, code)
    lang = speak(request, touchpoint, chosen=_first(fields, "lang"))
    current = _survey(state, touchpoint)
    if not audience_allowed(touchpoint, current, audience):
        raise Closed("unknown")
    submission_id = _uuid(_first(fields, "submission_id")) or uuid.uuid4()
    wanted_version = _first(fields, "version") or ""
    rendered_from = state.surveys.version(current.survey.id, wanted_version)
    if rendered_from is None:  # rendered by another instance or an earlier deploy: ask the database
        rendered_from = await find_version(await db.connection(), state.surveys, current.survey.id, wanted_version)
    loaded = rendered_from or current
    checked = check_answers(loaded.survey.audiences[audience], fields)  # type: ignore[index]
    htmx = _from_htmx(request)
    go = _first(fields, "go")
    if steps.is_stepped(audience) and go in steps.MOVES:  # one question per screen: nothing stored yet
        questions = loaded.survey.audiences[audience].questions  # type: ignore[index]
        to = steps.parse_step(_first(fields, "to"), len(questions)) if _first(fields, "to") else None
        step, problems = steps.move(
            questions, steps.parse_step(_first(fields, "step"), len(questions)), go, checked.problems, to
        )
        return _form_page(
            touchpoint.code,
            loaded,
            audience,
            lang,
            submission_id,
            checked.given,
            problems,
            422 if problems else 200,
            step=step,
            htmx=htmx,
            contact_kind=touchpoint.contact_kind,
            shared=_shared(touchpoint),
        )
    if rendered_from is None:
        checked.problems["form"] = "survey_changed"
    if not checked.ok:
        return _form_page(
            touchpoint.code,
            loaded,
            audience,
            lang,
            submission_id,
            checked.given,
            checked.problems,
            422,
            htmx=htmx,
            contact_kind=touchpoint.contact_kind,
            shared=_shared(touchpoint),
        )
    # Never refused: over the flood limit an answer is kept, listed for reading and held out of the figures.
    over_limit = not state.limiter.allow(request.client.host if request.client else "", touchpoint.id)
    # An answer that waited on a device (sw.js) says the day it was given, and a shared device its random id.
    submission = Submission(
        submission_id,
        touchpoint,
        loaded,
        audience,
        lang,
        checked,
        answered_on=_day(_first(fields, "answered_on")),
        device_id=_uuid(_first(fields, "device")),
    )
    # The answers are stored by one statement: no transaction (the route's opt), one round trip.
    stored = await submit_response(
        await db.connection(),
        submission,
        today=state.settings.today(),
        bursts=state.bursts,
        over_limit=over_limit,
        timezone=state.settings.timezone,
    )
    # Every thank-you address looks the same: whether the words were flagged is looked up by the thank-you page.
    signed = thanks_address.address_part(state.thanks_key, submission_id, flagged=stored.needs_support)
    thanks_url = f"/t/{touchpoint.code}/thanks?lang={lang}&a={audience}&s={signed}"
    thanks_url += "" if stored.new else "&again=1"  # sent before (a retry, or Back and send): stored once
    if htmx:  # a whole new page: htmx loads it like a link
        return ClientRedirect(thanks_url)
    return SeeOther(thanks_url)


def _unavailable_form(
    code: str, audience: str, request: Request, state: State, fields: dict[str, list[str]]
) -> Response | Sent:
    """The form again, from what the browser sent alone: no database needed."""
    lang = speak(request, chosen=_first(fields, "lang"))
    survey_id, version = _first(fields, "survey") or "", _first(fields, "version") or ""
    loaded = state.surveys.version(survey_id, version) or state.surveys.current(survey_id)
    if loaded is None or loaded.survey.variant(audience) is None:
        return page("errors/unavailable.html", status=503, headers={"Retry-After": "5"})
    given = check_answers(loaded.survey.audiences[audience], fields).given
    submission_id = _uuid(_first(fields, "submission_id")) or uuid.uuid4()
    return _form_page(
        code, loaded, audience, lang, submission_id, given, {"form": "unavailable"}, 503, htmx=_from_htmx(request)
    )


@get("/t/{code:str}/thanks", name="thanks")
async def thanks(code: FromPath[str], request: Request) -> ASGIApp:
    async with RequestDb.for_request(request) as db:
        return handed_over(await _thanks(code, request, request.app.state, db))


async def _thanks(code: str, request: Request, state: State, db: RequestDb) -> Sent:
    query = form_fields.query(request)
    touchpoint = await _touchpoint(db, state, code)
    lang = speak(request, touchpoint, chosen=_first(query, "lang"))
    audience = _first(query, "a")
    audience = audience if audience in AUDIENCES else (touchpoint.audience or "")
    submission, signed, flagged, fresh = thanks_address.read(state.thanks_key, _first(query, "s"))
    again = _first(query, "again") == "1"
    support = False
    if flagged:  # after a disclosure: where help is, at once, and for an hour (service/reading); others need no read
        support = fresh or await reading.needs_support(await db.connection(), submission_id=submission)
    key = ("thanks", touchpoint.code, lang, audience, support, again)
    parts = await _same_for_everyone(
        key,
        "responses/thanks.html",
        db,
        touchpoint,
        lang,
        audience=audience,
        support=support,
        again=again,
        submission=_PLACEHOLDER,
    )
    return sent_page(signed.encode().join(parts), kept_from_cache=touchpoint.shared_device)


_PLACEHOLDER = uuid.UUID(int=0)
_PLACEHOLDER_BYTES = str(_PLACEHOLDER).encode()
_blank_forms: dict[tuple, list[bytes]] = {}


def _cut(html: str) -> list[bytes]:
    """A page rendered once with _PLACEHOLDER, encoded and cut where it stood: each request then joins the parts
    around its own submission id or address (one join of bytes, not a search of the whole page and its
    encoding: a tenth of the form's cost per request)."""
    return html.encode().split(_PLACEHOLDER_BYTES)


def _blank_form_key(
    code: str,
    loaded: LoadedSurvey,
    audience: str,
    lang: str,
    step: int | None,
    contact_kind: str | None,
    shared: dict | None,
) -> tuple:
    """What makes one empty form differ from another (the step only on a form of one question per screen)."""
    return (code, loaded.version_hash, audience, lang, step, contact_kind, shared and shared["idle"])


def _form_page(
    code: str,
    loaded: LoadedSurvey,
    audience: str,
    lang: str,
    submission_id: uuid.UUID,
    given: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    status: int = 200,
    *,
    step: int | None = None,
    htmx: bool = False,
    contact_kind: str | None = None,
    shared: dict | None = None,
) -> Response | Sent:  # Sent: the kept empty form
    headers = {"Retry-After": "5"} if status == 503 else {}
    headers |= NO_STORE if shared else {}
    stepped = steps.is_stepped(audience)
    blank = not given and not problems and status == 200 and not htmx
    # The same empty form for everyone: rendered once, then only the submission id differs (looked up first:
    # this is the page most people load).
    key = _blank_form_key(code, loaded, audience, lang, step if stepped else None, contact_kind, shared)
    if blank and (step is not None or not stepped) and (parts := _blank_forms.get(key)) is not None:
        return sent_page(str(submission_id).encode().join(parts), kept_from_cache=bool(shared))
    questions = worded_for(loaded.survey.audiences[audience].questions, contact_kind)  # type: ignore[index]
    if stepped and step is None:
        step = steps.screen_for(questions, problems or {})
    context = dict(
        code=code,
        survey=loaded,
        audience=audience,
        questions=questions,
        lang=lang,
        submission_id=submission_id,
        given=given or {},
        problems=problems or {},
        step=step if stepped else None,
        shared=shared,
    )
    if blank:
        key = _blank_form_key(code, loaded, audience, lang, step if stepped else None, contact_kind, shared)
        if len(_blank_forms) > 5_000:
            _blank_forms.clear()
        parts = _blank_forms[key] = _cut(render("responses/form.html", **{**context, "submission_id": _PLACEHOLDER}))
        return sent_page(str(submission_id).encode().join(parts), kept_from_cache=bool(shared))
    if htmx:  # only the form swaps; its <title> comes along so the tab and screen readers follow
        title = render_block(ENV, "responses/form.html", "title", **context).strip()
        html = f"<title>{title} – Heard</title>" + render_block(ENV, "responses/form.html", "form_area", **context)
        return Response(html, status_code=status, media_type=HTML, headers=headers)
    return page("responses/form.html", status=status, headers=headers, **context)


def _first(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name) or []
    return values[0] if values and isinstance(values[0], str) else None


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


# Choosing a language. The choice travels in the address (?lang=) or the form,
# never a cookie; from the middle of a form the answers so far ride along,
# hidden, and come back in the chosen language. Nothing is stored.


def _back(path: str | None) -> str | None:
    """Where the language list sends the person back to: a path (and query) on this site only."""
    return path if path and _LOCAL_PATH.fullmatch(path) else None


@get("/language", name="languages")
async def languages(request: Request, lang: NamedDependency[str]) -> Response[str]:
    return page("responses/language.html", lang=lang, back=_back(request.query_params.get("next")))


def _answers_so_far(state: State, code: str, audience: str, fields: dict[str, list[str]]) -> dict:
    """What the browser sent, as the form's context: the survey version it showed and the answers."""
    loaded = state.surveys.version(
        _first(fields, "survey") or "", _first(fields, "version") or ""
    ) or state.surveys.current(_first(fields, "survey") or "")
    if codes.normalise(code) is None or loaded is None or loaded.survey.variant(audience) is None:
        raise Closed("unknown")
    questions = loaded.survey.audiences[audience].questions
    step = steps.parse_step(_first(fields, "step"), len(questions)) if _first(fields, "step") else None
    return dict(
        code=codes.normalise(code),
        audience=audience,
        survey=loaded,
        step=step,
        given=check_answers(loaded.survey.audiences[audience], fields).given,
        submission_id=_uuid(_first(fields, "submission_id")) or uuid.uuid4(),
    )


@post("/t/{code:str}/form/{audience:str}/language", name="form_languages")
async def form_languages(
    code: FromPath[str], audience: FromPath[str], request: Request, state: State, lang: NamedDependency[str]
) -> Response[str]:
    """The language list in the middle of a form (its "Language" button)."""
    fields = await form_fields.form(request)
    context = _answers_so_far(state, code, audience, fields)
    if _from_htmx(request):  # htmx swaps the form for the list; the list posts plainly
        return fragment("responses/language.html", "form_area", lang=lang, htmx=True, **context)
    return page("responses/language.html", lang=lang, htmx=False, **context)


@post("/t/{code:str}/form/{audience:str}/switch", name="switch_language", opt=STANDALONE)
async def switch_language(
    code: FromPath[str], audience: FromPath[str], request: Request, state: State, db: NamedDependency[RequestDb]
) -> ASGIApp:
    """The same form in the chosen language: same answers, same submission id."""
    fields = await form_fields.form(request)
    lang = speak(request, chosen=_first(fields, "lang"))
    context = _answers_so_far(state, code, audience, fields)
    touchpoint = await _touchpoint(db, state, context["code"])  # for its kind of contact's wording
    return handed_over(
        _form_page(
            context["code"],
            context["survey"],
            audience,
            lang,
            context["submission_id"],
            context["given"],
            step=context["step"],
            contact_kind=touchpoint.contact_kind,
            shared=_shared(touchpoint),
        )
    )


# A shared device's staff exit: a staff member types the touchpoint's PIN and the device is no longer locked
# to it (sw.js forgets the lock when the page that says so loads). Guesses are limited per touchpoint.


async def _exit_touchpoint(conn: Connection, state: State, code: str) -> Touchpoint:
    # paused or expired too: staff must still get the tablet back
    touchpoint = await touchpoint_for_exit(conn, typed_code=code, today=state.settings.today())
    if touchpoint is None or not touchpoint.shared_device:
        raise Closed("unknown")
    return touchpoint


@get("/t/{code:str}/exit", name="exit_shared")
async def exit_form(
    code: FromPath[str], request: Request, state: State, conn: NamedDependency[Connection]
) -> Response[str]:
    touchpoint = await _exit_touchpoint(conn, state, code)
    lang = speak(request, touchpoint)
    return page(
        "touchpoints/shared_exit.html",
        touchpoint=touchpoint,
        lang=lang,
        shared=_shared(touchpoint),
        problem=None,
        headers=NO_STORE,
    )


@post("/t/{code:str}/exit", name="exit_shared_pin", opt=STANDALONE)
async def exit_pin(
    code: FromPath[str], request: Request, state: State, conn: NamedDependency[Connection]
) -> Response[str]:
    touchpoint = await _exit_touchpoint(conn, state, code)
    fields = await form_fields.form(request)
    lang = speak(request, touchpoint, chosen=_first(fields, "lang"))
    if not state.exit_guesses.allow("", touchpoint.id):
        return page(
            "touchpoints/shared_exit.html",
            status=429,
            touchpoint=touchpoint,
            lang=lang,
            shared=_shared(touchpoint),
            problem="too_many",
            headers={**NO_STORE, "Retry-After": "900"},
        )
    matches = await exit_pin_matches(conn, touchpoint_id=touchpoint.id, pin=_first(fields, "pin") or "")
    if not matches:
        return page(
            "touchpoints/shared_exit.html",
            status=422,
            touchpoint=touchpoint,
            lang=lang,
            shared=_shared(touchpoint),
            problem="wrong",
            headers=NO_STORE,
        )
    return page("touchpoints/shared_exit_done.html", touchpoint=touchpoint, lang=lang, headers=NO_STORE)


_LOCAL_PATH = re.compile(r"/(?!/)[A-Za-z0-9/_-]{0,200}(\?[A-Za-z0-9_=&-]{0,200})?")


def closed_page(request: Request, error: Closed) -> Response[str]:
    """A kind page for a code that cannot take answers (404 unknown, 410 otherwise)."""
    speak(request)
    status = 404 if error.reason == "unknown" else 410
    return page("responses/closed.html", status=status, reason=error.reason, here=_back(request.url.path))


ROUTES = [welcome, who, form, submit, thanks, languages, form_languages, switch_language, exit_form, exit_pin]
