"""What team managers do with touchpoints: create, change, pause, expire, revoke."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from service.i18n import available_tags
from service.staff.passwords import hash_password, verify_password
from service.staff.service import record
from service.surveys.loading import SurveyRegistry
from service.surveys.model import AUDIENCES, STAFF

from . import codes, queries
from .kinds import CONTACT_KINDS, STAFF_KINDS

ManagedTouchpoint = queries.ManagedTouchpoint  # a touchpoint as staff see it, for other capabilities' types

STATUSES = ("active", "paused", "expired", "revoked")


class TouchpointForm(msgspec.Struct, frozen=True):
    contact_kind: str
    practitioner_id: int | None
    survey_id: str
    audience: str | None  # None: ask who is answering
    language: str
    expires_on: dt.date | None = None
    follow_browser_language: bool = True
    shared_device: bool = False  # handed from person to person (a family centre's tablet)
    exit_pin: str = ""  # a new staff exit PIN for a shared device (empty: keep the one set)
    idle_minutes: int | None = None  # a shared device starts over after this long without a touch (None: keep)


PIN_DIGITS = (4, 8)
IDLE_MINUTES = (1, 60)


class Invalid(Exception):
    """Problems per field, as codes the template words."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


async def _check(
    conn: asyncpg.Connection, registry: SurveyRegistry, team_id: int, form: TouchpointForm, today: dt.date
) -> None:
    problems = {}
    for_staff = form.audience == STAFF  # a staff survey's touchpoint (the culture pulse): a staff kind, no practitioner
    if form.contact_kind not in (STAFF_KINDS if for_staff else CONTACT_KINDS):
        problems["contact_kind"] = "choose"
    loaded = registry.current(form.survey_id)
    if loaded is None:
        problems["survey_id"] = "choose"
    if form.audience is not None and form.audience not in (*AUDIENCES, STAFF):
        problems["audience"] = "choose"
    elif loaded is not None and (loaded.survey.variant(STAFF) is not None) != for_staff:
        problems["audience"] = "choose"  # staff answer staff surveys only, and families never do
    elif loaded is not None and not for_staff and not loaded.survey.for_families:
        problems["survey_id"] = "choose"  # families answer families' surveys (a debrief's survey has its own page)
    elif loaded is not None and form.audience is not None and loaded.survey.variant(form.audience) is None:
        problems["audience"] = "choose"  # the survey asks no variant of its questions of them
    if for_staff and form.practitioner_id is not None:
        problems["practitioner_id"] = "choose"
    if form.language not in available_tags():
        problems["language"] = "choose"
    if form.expires_on is not None and form.expires_on <= today:
        problems["expires_on"] = "future"
    if form.practitioner_id is not None and not await queries.is_team_practitioner(
        conn, team_id=team_id, staff_id=form.practitioner_id
    ):
        problems["practitioner_id"] = "choose"
    if form.exit_pin and not (
        form.exit_pin.isascii() and form.exit_pin.isdigit() and PIN_DIGITS[0] <= len(form.exit_pin) <= PIN_DIGITS[1]
    ):
        problems["exit_pin"] = "pin"
    if form.idle_minutes is not None and not IDLE_MINUTES[0] <= form.idle_minutes <= IDLE_MINUTES[1]:
        problems["idle_minutes"] = "minutes"
    if problems:
        raise Invalid(problems)


async def _shared_settings(conn: asyncpg.Connection, touchpoint_id: int, form: TouchpointForm) -> None:
    """The exit PIN (stored as an Argon2id hash, never as typed) and the idle time, when given."""
    if form.exit_pin:
        await queries.set_exit_pin(conn, touchpoint_id=touchpoint_id, pin_hash=hash_password(form.exit_pin))
    if form.idle_minutes is not None:
        await queries.set_idle_seconds(conn, touchpoint_id=touchpoint_id, seconds=form.idle_minutes * 60)


async def _update_from_form(conn: asyncpg.Connection, touchpoint_id: int, form: TouchpointForm) -> None:
    """The touchpoint form's settings, written to the touchpoint (its code, team and survey stay as they are)."""
    await queries.update_touchpoint(
        conn,
        touchpoint_id=touchpoint_id,
        contact_kind=form.contact_kind,
        practitioner_id=form.practitioner_id,
        audience=form.audience,
        language=form.language,
        expires_on=form.expires_on,
        follow_browser_language=form.follow_browser_language,
        shared_device=form.shared_device,
    )


async def create_touchpoint(
    conn: asyncpg.Connection, registry: SurveyRegistry, *, team_id: int, form: TouchpointForm, today: dt.date
) -> int:
    await _check(conn, registry, team_id, form, today)
    touchpoint_id = await queries.insert_touchpoint(
        conn,
        code=codes.new_code(),
        team_id=team_id,
        contact_kind=form.contact_kind,
        practitioner_id=form.practitioner_id,
        survey_id=form.survey_id,
        audience=form.audience,
        language=form.language,
        expires_on=form.expires_on,
    )
    if not form.follow_browser_language or form.shared_device:
        await _update_from_form(conn, touchpoint_id, form)
    await _shared_settings(conn, touchpoint_id, form)
    return touchpoint_id


async def change_touchpoint(
    conn: asyncpg.Connection,
    registry: SurveyRegistry,
    *,
    touchpoint: queries.ManagedTouchpoint,
    form: TouchpointForm,
    today: dt.date,
    by: int | None = None,
) -> None:
    """Change a touchpoint. Who and what an answer is about was fixed when it
    was given, so a new practitioner or contact kind applies to later answers
    only; the change is audit-logged (who, when, from, to)."""
    await _check(
        conn, registry, touchpoint.team_id, msgspec.structs.replace(form, survey_id=touchpoint.survey_id), today
    )
    if form.practitioner_id != touchpoint.practitioner_id:
        await record(
            conn,
            staff_id=by,
            action="touchpoint_reassigned",
            detail={"touchpoint": touchpoint.id, "from": touchpoint.practitioner_id, "to": form.practitioner_id},
        )
    if form.contact_kind != touchpoint.contact_kind:
        await record(
            conn,
            staff_id=by,
            action="touchpoint_contact_kind_changed",
            detail={"touchpoint": touchpoint.id, "from": touchpoint.contact_kind, "to": form.contact_kind},
        )
    await _update_from_form(conn, touchpoint.id, form)
    await _shared_settings(conn, touchpoint.id, form)


async def set_status(conn: asyncpg.Connection, *, touchpoint: queries.ManagedTouchpoint, status: str) -> None:
    if status not in STATUSES:
        raise Invalid({"status": "choose"})
    if touchpoint.status == "revoked":
        raise Invalid({"status": "revoked"})
    await queries.set_status_by_id(conn, touchpoint_id=touchpoint.id, status=status)


async def find_by_code(conn: asyncpg.Connection, *, code: str, today: dt.date) -> queries.Touchpoint | None:
    """The touchpoint behind a family's link (its status as of today)."""
    return await queries.touchpoint_by_code(conn, code=code, today=today)


async def codes_to_show(
    conn: asyncpg.Connection, *, staff_id: int, team_ids: list[int], today: dt.date
) -> list[queries.ManagedTouchpoint]:
    """A practitioner's own touchpoints whose code can be shown now (active, not expired), in their teams."""
    return await queries.codes_to_show(conn, staff_id=staff_id, team_ids=team_ids, today=today)


async def team_touchpoints(conn: asyncpg.Connection, *, team_id: int) -> list[ManagedTouchpoint]:
    """A team's touchpoints (not debriefs' reading-list one), oldest first, with their practitioner now: the one
    list the figures, reviews and culture read."""
    return list(reversed(await queries.team_touchpoint_list(conn, team_id=team_id)))


async def debrief_touchpoint(conn: asyncpg.Connection, *, team_id: int) -> int:
    """The team's touchpoint debriefs' written answers are filed under in the reading list: made (revoked, so its
    code opens nothing) the first time it is needed."""
    return await queries.debrief_touchpoint(conn, team_id=team_id, new_code=codes.new_code())


async def add_touchpoint(
    conn: asyncpg.Connection,
    *,
    team_id: int,
    contact_kind: str,
    practitioner_id: int | None,
    survey_id: str,
    audience: str | None,
    language: str,
) -> queries.Touchpoint:
    """A touchpoint made by a script (the demo), without the form's checks."""
    code = codes.new_code()
    await queries.insert_touchpoint(
        conn,
        code=code,
        team_id=team_id,
        contact_kind=contact_kind,
        practitioner_id=practitioner_id,
        survey_id=survey_id,
        audience=audience,
        language=language,
    )
    touchpoint = await queries.touchpoint_by_code(conn, code=code, today=dt.date.today())
    if touchpoint is None:
        raise LookupError(f"the touchpoint just made ({code}) cannot be read back")
    return touchpoint


Touchpoint = queries.Touchpoint


async def exit_pin_matches(conn: asyncpg.Connection, *, touchpoint_id: int, pin: str) -> bool:
    """Whether `pin` is the staff exit PIN of a shared device's touchpoint (never true when none was set)."""
    stored = await queries.exit_pin_hash(conn, touchpoint_id=touchpoint_id)
    return verify_password(stored, pin[: PIN_DIGITS[1] * 4])


async def device_sent(conn: asyncpg.Connection, *, touchpoint_id: int, device_id: uuid.UUID, today: dt.date) -> None:
    """A shared device sent answers today (its random id and the day, nothing else)."""
    await queries.device_sent(conn, touchpoint_id=touchpoint_id, device_id=device_id, today=today)


async def devices_last_sent(conn: asyncpg.Connection, *, touchpoint_id: int) -> list[queries.DeviceLastSent]:
    return await queries.devices_last_sent(conn, touchpoint_id=touchpoint_id)
