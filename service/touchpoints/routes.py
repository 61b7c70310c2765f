"""Staff pages for touchpoints: list, create, change, pause/expire/revoke (after
a confirmation), QR codes (PNG, SVG), printable card, sheet of four cards and
poster (HTML and PDF), full-screen QR. A revoked touchpoint offers none of its
codes: they would lead families to a closed page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import anyio
from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from service import i18n
from service.staff.access import require
from service.staff.service import Viewer, team_practitioners
from service.surveys.model import AUDIENCES
from service.web.flash import done
from service.web.language import speak_as
from service.web.numbers import whole_number
from service.web.templating import page

from . import codes, printing, queries, rules, service
from .kinds import CONTACT_KINDS, STAFF_KINDS
from .qr import qr_png, qr_svg
from .service import Invalid, TouchpointForm


def _printable(touchpoint: queries.ManagedTouchpoint) -> None:
    """Codes, cards and posters of a revoked touchpoint are gone for good (410)."""
    if touchpoint.status == "revoked":
        raise HTTPException(status_code=410, detail="revoked")


async def _touchpoint(conn: Connection, state: State, touchpoint_id: int) -> queries.ManagedTouchpoint:
    touchpoint = await queries.touchpoint_by_id(conn, touchpoint_id=touchpoint_id)
    if touchpoint is None:
        raise NotFoundException()
    return touchpoint


def _form_from(fields: dict[str, str], survey_id: str) -> TouchpointForm:
    def number(value: str) -> int | None:
        return whole_number(value, field="practitioner_id")

    def date(value: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            return dt.date.min  # refused by the service as "not in the future"

    return TouchpointForm(
        contact_kind=fields.get("contact_kind", ""),
        practitioner_id=number(fields.get("practitioner_id", "")),
        survey_id=fields.get("survey_id") or survey_id,
        audience=fields.get("audience") or None,
        language=fields.get("language", ""),
        expires_on=date(fields.get("expires_on", "")),
        follow_browser_language=fields.get("follow_browser_language") == "yes",
        shared_device=fields.get("shared_device") == "yes",
        exit_pin=fields.get("exit_pin", "").strip(),
        idle_minutes=whole_number(fields["idle_minutes"], field="idle_minutes") if fields.get("idle_minutes") else None,
    )


def _only_survey(state: State) -> str:
    """With one families' survey there is nothing to choose: the form asks it. With more, the form says which."""
    families = state.surveys.family_survey_ids()
    return families[0] if len(families) == 1 else ""


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def _choices(conn: Connection, state: State, team_id: int) -> dict:
    practitioners = await team_practitioners(conn, team_id=team_id)
    return {
        "kinds": CONTACT_KINDS,
        "kind_labels": {**CONTACT_KINDS, **STAFF_KINDS},  # what a touchpoint is called, staff kinds too
        "audiences": AUDIENCES,
        "languages": [(tag, i18n.language(tag).own_name) for tag in i18n.available_tags()],
        "practitioners": practitioners,
        "surveys": [s.survey for s in state.surveys.family_surveys()],  # a choice where there are two or more
    }


async def _list_page(
    conn: Connection,
    state: State,
    viewer: Viewer,
    team_id: int,
    *,
    problems: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Response[str]:
    """Managers see every touchpoint of the team; a practitioner sees their own."""
    mine_only = None if viewer.manages(team_id) else viewer.staff.id
    touchpoints = await queries.team_touchpoint_list(conn, team_id=team_id, practitioner_id=mine_only)
    return page(
        "touchpoints/list.html",
        status=422 if problems else 200,
        viewer=viewer,
        team=viewer.teams[team_id],
        touchpoints=touchpoints,
        manages=mine_only is None,
        today=state.settings.today(),
        grouped=codes.grouped,
        **await _choices(conn, state, team_id),
        problems=problems or {},
        fields=fields or {},
    )


async def _detail_page(
    conn: Connection,
    state: State,
    viewer: Viewer,
    touchpoint: queries.ManagedTouchpoint,
    *,
    problems: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Response[str]:
    devices = []
    if touchpoint.shared_device:  # when each tablet last sent answers: one with answers stuck on it shows
        devices = await service.devices_last_sent(conn, touchpoint_id=touchpoint.id)
    return page(
        "touchpoints/touchpoint.html",
        status=422 if problems else 200,
        viewer=viewer,
        touchpoint=touchpoint,
        manages=viewer.manages(touchpoint.team_id),
        link=codes.public_url(state.settings.base_url, touchpoint.code),
        grouped=codes.grouped(touchpoint.code),
        **await _choices(conn, state, touchpoint.team_id),
        problems=problems or {},
        fields=fields or {},
        devices=devices,
    )


@get("/staff/teams/{team_id:int}/touchpoints", name="touchpoints")
async def touchpoint_list(
    team_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(rules.may_list(viewer, team_id))
    return await _list_page(conn, state, viewer, team_id)


@post("/staff/teams/{team_id:int}/touchpoints", name="touchpoint_create")
async def touchpoint_create(
    team_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    require(rules.may_create(viewer, team_id))
    fields = await _fields(request)
    try:
        async with conn.transaction():  # undone alone if it fails
            touchpoint_id = await service.create_touchpoint(
                conn,
                state.surveys,
                team_id=team_id,
                form=_form_from(fields, _only_survey(state)),
                today=state.settings.today(),
            )
    except Invalid as error:
        return await _list_page(conn, state, viewer, team_id, problems=error.problems, fields=fields)
    return Redirect(done(f"/staff/touchpoints/{touchpoint_id}", "touchpoint_created"), status_code=303)


@get("/staff/touchpoints/{touchpoint_id:int}", name="touchpoint")
async def touchpoint_page(
    touchpoint_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    touchpoint = await _touchpoint(conn, state, touchpoint_id)
    require(rules.may_show(viewer, touchpoint))
    return await _detail_page(conn, state, viewer, touchpoint)


@post("/staff/touchpoints/{touchpoint_id:int}", name="touchpoint_change")
async def touchpoint_change(
    touchpoint_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    touchpoint = await _touchpoint(conn, state, touchpoint_id)
    require(rules.may_change(viewer, touchpoint))
    fields = await _fields(request)
    try:
        async with conn.transaction():  # undone alone if it fails
            await service.change_touchpoint(
                conn,
                state.surveys,
                touchpoint=touchpoint,
                form=_form_from(fields, touchpoint.survey_id),
                today=state.settings.today(),
                by=viewer.staff.id,
            )
    except Invalid as error:
        return await _detail_page(conn, state, viewer, touchpoint, problems=error.problems, fields=fields)
    return Redirect(done(f"/staff/touchpoints/{touchpoint_id}", "touchpoint_saved"), status_code=303)


@post("/staff/touchpoints/{touchpoint_id:int}/status", name="touchpoint_status")
async def touchpoint_status(
    touchpoint_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    touchpoint = await _touchpoint(conn, state, touchpoint_id)
    require(rules.may_change(viewer, touchpoint))
    fields = await _fields(request)
    if fields.get("status") == "revoked" and fields.get("confirm") != "yes" and touchpoint.status != "revoked":
        # Revoking cannot be undone: say what it does and ask once more (a plain form, no script needed).
        return page(
            "touchpoints/touchpoint_revoke.html",
            viewer=viewer,
            touchpoint=touchpoint,
            grouped=codes.grouped(touchpoint.code),
        )
    try:
        async with conn.transaction():  # undone alone if it fails
            await service.set_status(conn, touchpoint=touchpoint, status=fields.get("status", ""))
    except Invalid:
        # a revoked touchpoint stays revoked; the page shows its state
        return Redirect(f"/staff/touchpoints/{touchpoint_id}", status_code=303)
    return Redirect(done(f"/staff/touchpoints/{touchpoint_id}", "touchpoint_status_saved"), status_code=303)


@get("/staff/touchpoints/{touchpoint_id:int}/qr/{fmt:str}", name="touchpoint_qr")
async def touchpoint_qr(
    touchpoint_id: FromPath[int],
    fmt: FromPath[str],
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[bytes]:
    touchpoint = await _touchpoint(conn, state, touchpoint_id)
    require(rules.may_show(viewer, touchpoint))
    _printable(touchpoint)
    url = codes.public_url(state.settings.base_url, touchpoint.code)
    if fmt == "png":
        body, media_type = qr_png(url), "image/png"
    elif fmt == "svg":
        body, media_type = qr_svg(url), "image/svg+xml"
    else:
        raise NotFoundException()
    filename = f"heard-{touchpoint.code}.{fmt}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"},
    )


async def _sheet(conn: Connection, state: State, viewer: Viewer, touchpoint_id: int, size: str, *, pdf: bool) -> str:
    touchpoint = await _touchpoint(conn, state, touchpoint_id)
    require(rules.may_show(viewer, touchpoint))
    _printable(touchpoint)
    if size not in printing.SIZES:
        raise NotFoundException()
    speak_as(touchpoint.language)
    link = codes.public_url(state.settings.base_url, touchpoint.code)
    return printing.sheet_html(
        touchpoint=touchpoint,
        size=size,
        pdf=pdf,
        qr=printing.qr_data_uri(link),
        logo=printing.logo_data_uri(Path(state.settings.logo_file) if state.settings.logo_file else None),
        short_link=f"{state.settings.base_url.split('://')[-1].rstrip('/')}/t/{codes.grouped(touchpoint.code)}",
    )


@get("/staff/touchpoints/{touchpoint_id:int}/print/{size:str}", name="touchpoint_print")
async def touchpoint_print(
    touchpoint_id: FromPath[int],
    size: FromPath[str],
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str]:
    """An A6 card, four cards on an A4 sheet, or an A4 poster, in the touchpoint's own language."""
    html = await _sheet(conn, state, viewer, touchpoint_id, size, pdf=False)
    return Response(html, media_type="text/html")


@get("/staff/touchpoints/{touchpoint_id:int}/pdf/{size:str}", name="touchpoint_pdf")
async def touchpoint_pdf(
    touchpoint_id: FromPath[int],
    size: FromPath[str],
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[bytes]:
    """The same sheet as a PDF made on the server, for printers and print shops."""
    html = await _sheet(conn, state, viewer, touchpoint_id, size, pdf=True)
    body = await anyio.to_thread.run_sync(printing.sheet_pdf, html, size)  # a few hundred ms of CPU: off the event loop
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="heard-{size}-{touchpoint_id}.pdf"'},
    )


@get("/staff/touchpoints/{touchpoint_id:int}/show", name="touchpoint_show")
async def touchpoint_show(
    touchpoint_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    """The QR code full-screen on a practitioner's phone, for a family to scan."""
    touchpoint = await _touchpoint(conn, state, touchpoint_id)
    require(rules.may_show(viewer, touchpoint))
    _printable(touchpoint)
    speak_as(touchpoint.language)
    return page("touchpoints/show.html", touchpoint=touchpoint, grouped=codes.grouped(touchpoint.code))


@get("/staff/me/qr", name="my_qr")
async def my_qr(
    conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    """ "Show my QR code": straight to the full-screen code when the practitioner has one
    touchpoint that can be shown, else a short list to choose from."""
    live = await service.codes_to_show(
        conn, staff_id=viewer.staff.id, team_ids=list(viewer.teams), today=state.settings.today()
    )
    if len(live) == 1:
        return Redirect(f"/staff/touchpoints/{live[0].id}/show", status_code=303)
    return page("touchpoints/my_codes.html", viewer=viewer, touchpoints=live, kinds=CONTACT_KINDS)


ROUTES = [
    my_qr,
    touchpoint_list,
    touchpoint_create,
    touchpoint_page,
    touchpoint_change,
    touchpoint_status,
    touchpoint_qr,
    touchpoint_print,
    touchpoint_pdf,
    touchpoint_show,
]
