"""Debrief pages: staff open, invite (link and QR code), close and read; people with the link (partner agencies
with no account) answer on their phone and, once it closes, read what everyone said; managers answer raised
lessons in the learning review. Every page works as plain HTML."""

from __future__ import annotations

import uuid

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from service.staff.access import require
from service.staff.service import Viewer
from service.surveys.answers import check_answers
from service.surveys.model import LoadedSurvey
from service.touchpoints import codes
from service.touchpoints.qr import qr_png, qr_svg
from service.web.language import speak
from service.web.templating import page

from . import rules, service
from .queries import Debrief
from .service import Invalid, OpenForm

NO_STORE = {"Cache-Control": "no-store"}  # a shared phone or PC keeps no copy of the group's answers


async def _fields(request: Request) -> dict[str, str]:
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


def _survey(state: State) -> LoadedSurvey:
    loaded = state.surveys.current(service.SURVEY_ID)
    if loaded is None or loaded.survey.variant(service.AUDIENCE) is None:
        raise NotFoundException()  # surveys/debrief.toml was removed
    return loaded


def _questions(state: State):
    return _survey(state).survey.audiences[service.AUDIENCE].questions


def _link(state: State, debrief: Debrief) -> str:
    return f"{state.settings.base_url.rstrip('/')}/d/{debrief.code}"


# ---------------------------------------------------------------- staff: open, invite, close, read


async def _list_page(
    conn: Connection, state: State, viewer: Viewer, *, problems: dict | None = None, fields: dict | None = None
) -> Response[str]:
    today = state.settings.today()
    debriefs = await service.team_debriefs(conn, viewer=viewer, today=today)
    return page(
        "debriefs/list.html",
        status=422 if problems else 200,
        viewer=viewer,
        debriefs=debriefs,
        teams=[viewer.teams[t] for t in rules.opening_teams(viewer)],
        problems=problems or {},
        fields=fields or {},
        today=today,
    )


@get("/staff/debriefs", name="debriefs")
async def debrief_list(
    conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    return await _list_page(conn, state, viewer)


@post("/staff/debriefs", name="debrief_open")
async def debrief_open(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    fields = await _fields(request)
    form = OpenForm(fields.get("team_id", ""), fields.get("name", ""), fields.get("deadline", ""))
    try:
        async with conn.transaction():  # undone alone if it fails
            debrief_id = await service.open_debrief(conn, viewer=viewer, form=form, today=state.settings.today())
    except Invalid as error:
        return await _list_page(conn, state, viewer, problems=error.problems, fields=fields)
    return Redirect(f"/staff/debriefs/{debrief_id}", status_code=303)


async def _debrief(conn: Connection, state: State, viewer: Viewer, debrief_id: int) -> Debrief:
    found = await service.debrief(conn, debrief_id=debrief_id, today=state.settings.today())
    if found is None:
        raise NotFoundException()
    require(rules.may_see(viewer, found))
    return found


@get("/staff/debriefs/{debrief_id:int}", name="debrief")
async def debrief_page(
    debrief_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    found = await _debrief(conn, state, viewer, debrief_id)
    questions = _questions(state)
    results = await service.results(conn, debrief=found, question_ids=[q.id for q in questions])
    return page(
        "debriefs/debrief.html",
        viewer=viewer,
        debrief=found,
        link=_link(state, found),
        grouped=codes.grouped(found.code),
        results=results,
        questions=questions,
        may_close=rules.may_close(viewer, found),
    )


@get("/staff/debriefs/{debrief_id:int}/qr/{fmt:str}", name="debrief_qr")
async def debrief_qr(
    debrief_id: FromPath[int],
    fmt: FromPath[str],
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[bytes]:
    found = await _debrief(conn, state, viewer, debrief_id)
    makers = {"png": (qr_png, "image/png"), "svg": (qr_svg, "image/svg+xml")}
    if fmt not in makers:
        raise NotFoundException()
    make, media_type = makers[fmt]
    return Response(
        make(_link(state, found)),
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="heard-debrief-{found.code}.{fmt}"', **NO_STORE},
    )


@post("/staff/debriefs/{debrief_id:int}/close", name="debrief_close")
async def debrief_close(
    debrief_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Redirect:
    found = await _debrief(conn, state, viewer, debrief_id)
    require(found.closed or rules.may_close(viewer, found))
    await service.close(conn, viewer=viewer, debrief=found)
    return Redirect(f"/staff/debriefs/{debrief_id}", status_code=303)


# ---------------------------------------------------------------- the invitation link: answer, then read


async def _by_code(conn: Connection, state: State, code: str) -> Debrief:
    found = await service.by_code(conn, typed_code=code, today=state.settings.today())
    if found is None:
        raise NotFoundException()
    return found


def _form_page(
    state: State, found: Debrief, lang: str, *, given: dict, problems: dict, submission_id: uuid.UUID, status: int = 200
) -> Response[str]:
    return page(
        "debriefs/answer.html",
        status=status,
        headers=NO_STORE,
        debrief=found,
        lang=lang,
        survey=_survey(state),
        questions=_questions(state),
        given=given,
        problems=problems,
        submission_id=submission_id,
        here=f"/d/{found.code}",
        authorship_from=service.AUTHORSHIP_FROM,
    )


@get("/d/{code:str}", name="debrief_invitation")
async def invitation(
    code: FromPath[str], request: Request, conn: NamedDependency[Connection], state: State
) -> Response[str]:
    found = await _by_code(conn, state, code)
    lang = speak(request)
    if not found.closed:
        return _form_page(state, found, lang, given={}, problems={}, submission_id=uuid.uuid4())
    questions = _questions(state)
    results = await service.results(conn, debrief=found, question_ids=[q.id for q in questions])
    return page(
        "debriefs/results.html",
        headers=NO_STORE,
        debrief=found,
        lang=lang,
        results=results,
        questions=questions,
        here=f"/d/{found.code}",
    )


@post("/d/{code:str}", name="debrief_answer")
async def answer(
    code: FromPath[str], request: Request, conn: NamedDependency[Connection], state: State
) -> Response[str] | Redirect:
    found = await _by_code(conn, state, code)
    form = await request.form()
    fields = {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form}
    lang = speak(request, chosen=(fields.get("lang") or [""])[0])
    if found.closed:  # closed while the person was writing: show what everyone said
        return Redirect(f"/d/{found.code}?lang={lang}", status_code=303)
    checked = check_answers(_survey(state).survey.audiences[service.AUDIENCE], fields)
    submission_id = _uuid((fields.get("submission_id") or [""])[0]) or uuid.uuid4()
    if not checked.ok:
        return _form_page(
            state, found, lang, given=checked.given, problems=checked.problems, submission_id=submission_id, status=422
        )
    await service.answer(
        conn, debrief=found, checked=checked, submission_id=submission_id, language=lang, today=state.settings.today()
    )
    return Redirect(f"/d/{found.code}/thanks?lang={lang}", status_code=303)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@get("/d/{code:str}/thanks", name="debrief_thanks")
async def thanks(
    code: FromPath[str], request: Request, conn: NamedDependency[Connection], state: State
) -> Response[str]:
    found = await _by_code(conn, state, code)
    lang = speak(request)
    return page("debriefs/thanks.html", headers=NO_STORE, debrief=found, lang=lang, here=f"/d/{found.code}/thanks")


# ---------------------------------------------------------------- raised lessons: the review and the team page


async def team_waiting(conn: Connection, state: State, viewer: Viewer, team_id: int) -> list[service.Waiting]:
    """For the team page: raised lessons waiting for a manager's response, and how long they have waited."""
    return await service.waiting(conn, team_id=team_id, today=state.settings.today())


@post("/staff/reviews/{review_id:int}/debrief-lessons/{answer_id:int}", name="debrief_lesson_respond")
async def lesson_respond(
    review_id: FromPath[int],
    answer_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    fields = await _fields(request)
    team_id = await _review_team(conn, review_id)
    require(rules.may_respond(viewer, team_id))
    try:
        problems, lesson = await service.respond_in_review(
            conn,
            viewer=viewer,
            review_id=review_id,
            review_team_id=team_id,
            answer_id=answer_id,
            response=fields.get("response", ""),
            because=fields.get("because", ""),
            today=state.settings.today(),
        )
    except Invalid:  # not a lesson raised in this team's debriefs
        raise NotFoundException() from None
    if problems:
        return page(
            "debriefs/respond.html",
            status=422,
            viewer=viewer,
            review_id=review_id,
            lesson=lesson,
            problems=problems,
            fields=fields,
        )
    return Redirect(f"/staff/reviews/{review_id}#debriefs", status_code=303)


async def _review_team(conn: Connection, review_id: int) -> int:
    team_id = await service.review_team(conn, review_id=review_id)
    if team_id is None:
        raise NotFoundException()
    return team_id


ROUTES = [
    debrief_list,
    debrief_open,
    debrief_page,
    debrief_qr,
    debrief_close,
    invitation,
    answer,
    thanks,
    lesson_respond,
]
