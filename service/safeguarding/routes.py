"""The safeguarding queue for leads, and the respondent's "please contact me" step."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from service.db.request import WRITES
from service.reading import service as reading
from service.responses.service import open_touchpoint
from service.staff.access import require
from service.staff.service import Viewer
from service.surveys.model import AUDIENCES
from service.touchpoints.kinds import CONTACT_KINDS
from service.web.flash import done
from service.web.language import speak
from service.web.templating import page

from . import rules, service
from .service import ContactProblem


def _waiting(arrived: dt.datetime) -> float:
    return (dt.datetime.now(dt.UTC) - arrived).total_seconds() / 3600


@get("/staff/safeguarding", name="safeguarding_queue")
async def safeguarding_queue(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    require(rules.may_use_queue(viewer))
    shown = service.queue_filter(request.query_params.get("show"), request.query_params.get("closed"))
    items = await service.lead_queue(conn, viewer=viewer, shown=shown)
    return page(
        "safeguarding/queue.html",
        viewer=viewer,
        items=items,
        shown=shown,
        filters=list(service.QUEUE_FILTERS),
        waiting=_waiting,
        kinds=CONTACT_KINDS,
    )


@get("/staff/safeguarding/{item_id:int}", name="safeguarding_item", opt=WRITES)
async def safeguarding_item(
    item_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    item = await service.view_item(conn, viewer=viewer, item_id=item_id)
    trail = await service.audit_trail(conn, item_id=item_id) if item else []
    require(item is not None)
    return page(
        "safeguarding/item.html",
        viewer=viewer,
        item=item,
        trail=trail,
        waiting=_waiting,
        kinds=CONTACT_KINDS,
        problem=None,
        zone=ZoneInfo(state.settings.timezone),
    )


@post("/staff/safeguarding/{item_id:int}/close", name="safeguarding_close")
async def safeguarding_close(
    item_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    outcome = str((await request.form()).get("outcome") or "")
    item = await service.view_item(conn, viewer=viewer, item_id=item_id)
    require(item is not None)
    assert item is not None  # require() stopped the request otherwise
    try:
        await service.close_item(conn, viewer=viewer, item=item, outcome=outcome, zone=state.settings.timezone)
    except ContactProblem:
        return page(
            "safeguarding/item.html",
            status=422,
            viewer=viewer,
            item=item,
            trail=[],
            waiting=_waiting,
            kinds=CONTACT_KINDS,
            problem="outcome",
            zone=ZoneInfo(state.settings.timezone),
        )
    return Redirect(done("/staff/safeguarding", "safeguarding_closed"), status_code=303)


def _audience(value: str | None) -> str:
    return value if value in AUDIENCES else "parent"


def _submission(value: str | None) -> uuid.UUID | None:
    """The answer a contact request came with: the form's submission id, carried by the thank-you page
    (its address part is `<id>.<tag>`, responses/thanks.py; the tag is not needed here)."""
    try:
        return uuid.UUID(value.partition(".")[0]) if value else None
    except ValueError:
        return None


@get("/t/{code:str}/contact", name="contact")
async def contact_form(
    code: FromPath[str], request: Request, conn: NamedDependency[Connection], state: State
) -> Response[str]:
    touchpoint = await open_touchpoint(conn, typed_code=code, today=state.settings.today())
    lang = speak(request, touchpoint)
    audience = _audience(request.query_params.get("a") or touchpoint.audience)
    return page(
        "safeguarding/contact.html",
        touchpoint=touchpoint,
        lang=lang,
        audience=audience,
        fields={},
        problems={},
        submission=_submission(request.query_params.get("s")),
    )


@post("/t/{code:str}/contact", name="contact_post")
async def contact_post(
    code: FromPath[str], request: Request, conn: NamedDependency[Connection], state: State
) -> Response[str]:
    """Never refused: over the flood limit a request is kept and listed for reading (service/reading)."""
    fields = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    touchpoint = await open_touchpoint(conn, typed_code=code, today=state.settings.today())
    lang, audience = speak(request, touchpoint, chosen=fields.get("lang")), _audience(fields.get("audience"))
    over_limit = not state.limiter.allow(f"contact|{request.client.host if request.client else ''}", touchpoint.id)
    try:
        await reading.request_contact(
            conn,
            touchpoint_id=touchpoint.id,
            team_id=touchpoint.team_id,
            audience=audience,
            language=lang,
            over_limit=over_limit,
            today=state.settings.today(),
            **_asked(fields),
        )
    except ContactProblem as error:
        return page(
            "safeguarding/contact.html",
            status=422,
            fields=fields,
            problems=error.problems,
            submission=_submission(fields.get("s")),
            touchpoint=touchpoint,
            lang=lang,
            audience=audience,
        )
    return page("safeguarding/contact_sent.html", touchpoint=touchpoint, lang=lang, audience=audience)


def _asked(fields: dict[str, str]) -> dict:
    """What the person wrote, and the answer it came with."""
    return dict(
        name=fields.get("name", ""),
        how=fields.get("how", ""),
        message=fields.get("message", ""),
        submission_id=_submission(fields.get("s")),
    )


ROUTES = [safeguarding_queue, safeguarding_item, safeguarding_close, contact_form, contact_post]
