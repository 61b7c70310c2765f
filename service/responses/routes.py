"""The respondent's pages: welcome, who is answering, the form, thank you.

Every page works as plain HTML; the language travels in the `lang` query
parameter (or the form), never in a cookie.
"""

from __future__ import annotations

import uuid

from litestar import Request, Response, get, post
from litestar.datastructures import State
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
async def welcome(code: str, request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    return page("respondent/welcome.html", touchpoint=touchpoint, lang=lang)


@get("/t/{code:str}/who", name="who")
async def who(code: str, request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    loaded = _survey(state, touchpoint)
    audiences = [a for a in AUDIENCES if audience_allowed(touchpoint, loaded, a)]
    return page("respondent/who.html", touchpoint=touchpoint, lang=lang, audiences=audiences)


@get("/t/{code:str}/form/{audience:str}", name="form")
async def form(code: str, audience: str, request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    loaded = _survey(state, touchpoint)
    if not audience_allowed(touchpoint, loaded, audience):
        raise Closed("unknown")
    return _form_page(touchpoint, loaded, audience, lang, submission_id=uuid.uuid4())


@post("/t/{code:str}/form/{audience:str}", name="submit")
async def submit(code: str, audience: str, request: Request, state: State) -> Response[str] | Redirect:
    fields = {key: values for key, values in (await request.form()).dict().items()}
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
        return _form_page(touchpoint, loaded, audience, lang, submission_id, checked.given, checked.problems, 422)
    submission = Submission(submission_id, touchpoint, loaded, audience, lang, checked)
    try:
        async with transaction(state.pool) as conn:
            await submit_response(conn, submission, today=state.settings.today())
    except DatabaseUnavailable:
        problems = {"form": "unavailable"}
        return _form_page(touchpoint, loaded, audience, lang, submission_id, checked.given, problems, 503)
    return Redirect(request.url_for("thanks", code=touchpoint.code) + f"?lang={lang}", status_code=303)


@get("/t/{code:str}/thanks", name="thanks")
async def thanks(code: str, request: Request, state: State) -> Response[str]:
    touchpoint = await _touchpoint(state, code)
    lang = _speak(request, touchpoint)
    return page("respondent/thanks.html", touchpoint=touchpoint, lang=lang)


def _form_page(
    touchpoint: Touchpoint,
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
        touchpoint=touchpoint,
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
