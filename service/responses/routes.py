"""The respondent's pages: welcome, who is answering, the form, thank you.

Every page works as plain HTML; the language travels in the `lang` query
parameter (or the form), never in a cookie.
"""

from __future__ import annotations

import uuid

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Redirect

from service import i18n
from service.db.pool import DatabaseUnavailable, transaction
from service.surveys.answers import check_answers
from service.surveys.model import AUDIENCES, LoadedSurvey
from service.surveys.service import find_version
from service.touchpoints.queries import Touchpoint
from service.web.templating import page

from .service import Closed, Submission, audience_allowed, open_touchpoint, submit_response


async def _touchpoint(state: State, code: str) -> Touchpoint:
    async with transaction(state.pool) as conn:
        return await open_touchpoint(conn, typed_code=code, today=state.settings.today())


def _speak(request: Request, touchpoint: Touchpoint, chosen: str | None = None) -> str:
    tag = i18n.negotiate(
        chosen=chosen or request.query_params.get("lang"),
        accept_language=request.headers.get("accept-language"),
        default=touchpoint.language,
        follow_browser=touchpoint.follow_browser_language,
    )
    i18n.use_language(tag)
    return tag


def _survey(state: State, touchpoint: Touchpoint) -> LoadedSurvey:
    loaded = state.surveys.current(touchpoint.survey_id)
    if loaded is None:  # the survey file was removed while touchpoints still use it
        raise Closed("unknown")
    return loaded


@get("/t/{code:str}", name="welcome")
async def welcome(code: FromPath[str], request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    return page("respondent/welcome.html", touchpoint=touchpoint, lang=lang)


@get("/t/{code:str}/who", name="who")
async def who(code: FromPath[str], request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    loaded = _survey(state, touchpoint)
    audiences = [a for a in AUDIENCES if audience_allowed(touchpoint, loaded, a)]
    return page("respondent/who.html", touchpoint=touchpoint, lang=lang, audiences=audiences)


@get("/t/{code:str}/form/{audience:str}", name="form")
async def form(code: FromPath[str], audience: FromPath[str], request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    loaded = _survey(state, touchpoint)
    if not audience_allowed(touchpoint, loaded, audience):
        raise Closed("unknown")
    return _form_page(touchpoint.code, loaded, audience, lang, submission_id=uuid.uuid4())


@post("/t/{code:str}/form/{audience:str}", name="submit")
async def submit(code: FromPath[str], audience: FromPath[str], request: Request, state: State) -> Response[str] | Redirect:
    fields = (await request.form()).dict()
    try:
        return await _submit(code, audience, request, state, fields)
    except DatabaseUnavailable:
        # Whatever failed, the person keeps every answer and can send again.
        return _unavailable_form(code, audience, request, state, fields)


async def _submit(
    code: str, audience: str, request: Request, state: State, fields: dict[str, list[str]]
) -> Response[str] | Redirect:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint, chosen=_first(fields, "lang"))
    current = _survey(state, touchpoint)
    if not audience_allowed(touchpoint, current, audience):
        raise Closed("unknown")
    submission_id = _uuid(_first(fields, "submission_id")) or uuid.uuid4()
    async with transaction(state.pool) as conn:
        rendered_from = await find_version(conn, state.surveys, current.survey.id, _first(fields, "version") or "")
    loaded = rendered_from or current
    checked = check_answers(loaded.survey.audiences[audience], fields)  # type: ignore[index]
    if rendered_from is None:
        checked.problems["form"] = "survey_changed"
    if not checked.ok:
        return _form_page(touchpoint.code, loaded, audience, lang, submission_id, checked.given, checked.problems, 422)
    submission = Submission(submission_id, touchpoint, loaded, audience, lang, checked)
    async with transaction(state.pool) as conn:
        await submit_response(conn, submission, today=state.settings.today())
    return Redirect(f"/t/{touchpoint.code}/thanks?lang={lang}", status_code=303)


def _unavailable_form(
    code: str, audience: str, request: Request, state: State, fields: dict[str, list[str]]
) -> Response[str]:
    """The form again, from what the browser sent alone: no database needed."""
    lang = i18n.negotiate(chosen=_first(fields, "lang"), accept_language=request.headers.get("accept-language"),
                          default=i18n.SOURCE_LANGUAGE, follow_browser=True)
    i18n.use_language(lang)
    survey_id, version = _first(fields, "survey") or "", _first(fields, "version") or ""
    loaded = state.surveys.version(survey_id, version) or state.surveys.current(survey_id)
    if loaded is None or loaded.survey.variant(audience) is None:
        return page("errors/unavailable.html", status=503, headers={"Retry-After": "5"})
    given = check_answers(loaded.survey.audiences[audience], fields).given  # type: ignore[index]
    submission_id = _uuid(_first(fields, "submission_id")) or uuid.uuid4()
    return _form_page(code, loaded, audience, lang, submission_id, given, {"form": "unavailable"}, 503)


@get("/t/{code:str}/thanks", name="thanks")
async def thanks(code: FromPath[str], request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    return page("respondent/thanks.html", touchpoint=touchpoint, lang=lang)


def _form_page(
    code: str,
    loaded: LoadedSurvey,
    audience: str,
    lang: str,
    submission_id: uuid.UUID,
    given: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    status: int = 200,
) -> Response[str]:
    headers = {"Retry-After": "5"} if status == 503 else None
    return page(
        "respondent/form.html",
        status=status,
        headers=headers,
        code=code,
        survey=loaded,
        audience=audience,
        questions=loaded.survey.audiences[audience].questions,  # type: ignore[index]
        lang=lang,
        submission_id=submission_id,
        given=given or {},
        problems=problems or {},
    )


def _first(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name) or []
    return values[0] if values and isinstance(values[0], str) else None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def closed_page(request: Request, error: Closed) -> Response[str]:
    """A kind page for a code that cannot take answers (404 unknown, 410 otherwise)."""
    i18n.use_language(
        i18n.negotiate(
            chosen=request.query_params.get("lang"),
            accept_language=request.headers.get("accept-language"),
            default=i18n.SOURCE_LANGUAGE,
            follow_browser=True,
        )
    )
    status = 404 if error.reason == "unknown" else 410
    return page("respondent/closed.html", status=status, reason=error.reason)


ROUTES = [welcome, who, form, submit, thanks]
