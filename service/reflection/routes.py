"""A practitioner's reflection pages. Every entry page answers the same 403 for an entry that does not exist and
for one the viewer may not read, so a manager learns nothing about whether others write."""

from __future__ import annotations

from collections.abc import Mapping

from asyncpg import Connection
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from service.i18n import N_
from service.staff.access import require
from service.staff.service import Viewer
from service.web.numbers import whole_number
from service.web.templating import page

from . import service
from .service import PROMPTS, EntryForm

# The prompts as the pages ask them (staff-facing; translated where shown).
PROMPT_WORDS = {
    "happened": N_("What happened?"),
    "noticed": N_("What did I notice (in myself, the family, the team)?"),
    "think_now": N_("What do I think about it now?"),
    "do_differently": N_("What will I do differently?"),
}


def _form(fields: Mapping[str, object]) -> EntryForm:
    return EntryForm(**{name: str(fields.get(name) or "") for name in EntryForm.__struct_fields__})


def _entry_page(viewer: Viewer, entry, managers, **extra) -> Response[str]:
    return page(
        "reflection/entry.html",
        viewer=viewer,
        entry=entry,
        managers=managers,
        prompts=PROMPTS,
        prompt_words=PROMPT_WORDS,
        **extra,
    )


def _editor(
    viewer: Viewer, form: EntryForm, problems: dict[str, str], entry_id: int | None, status: int = 200
) -> Response[str]:
    return page(
        "reflection/edit.html",
        status=status,
        viewer=viewer,
        form=form,
        problems=problems,
        entry_id=entry_id,
        prompts=PROMPTS,
        prompt_words=PROMPT_WORDS,
    )


@get("/staff/me/reflections", name="reflections")
async def reflections(
    conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    own, shared = await service.journal(conn, staff_id=viewer.staff.id)
    # (not `shared`: base.html reads that name as a shared device's settings)
    return page("reflection/list.html", viewer=viewer, own=own, shared_with_me=shared)


@get("/staff/me/reflections/new", name="reflection_new")
async def reflection_new(viewer: NamedDependency[Viewer]) -> Response[str]:
    return _editor(viewer, EntryForm(), {}, None)


@post("/staff/me/reflections", name="reflection_create")
async def reflection_create(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str] | Redirect:
    checked = service.check(_form(await request.form()), state.settings.today())
    if checked.problems:
        return _editor(viewer, checked.form, checked.problems, None, status=422)
    entry_id = await service.write_entry(conn, writer_id=viewer.staff.id, checked=checked)
    return Redirect(f"/staff/reflections/{entry_id}", status_code=303)


@get("/staff/reflections/{entry_id:int}", name="reflection")
async def reflection(
    entry_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    entry = await service.entry_for(conn, reader_id=viewer.staff.id, entry_id=entry_id)
    require(entry is not None)
    assert entry is not None  # require() stopped the request otherwise
    mine = entry.staff_id == viewer.staff.id
    managers = await service.managers_for(conn, writer_id=viewer.staff.id) if mine else []
    return _entry_page(viewer, entry, managers, mine=mine)


@get("/staff/reflections/{entry_id:int}/edit", name="reflection_edit")
async def reflection_edit(
    entry_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    entry = await service.own_entry(conn, writer_id=viewer.staff.id, entry_id=entry_id)
    require(entry is not None)
    assert entry is not None  # require() stopped the request otherwise
    form = EntryForm(
        entry.title,
        entry.happened,
        entry.noticed,
        entry.think_now,
        entry.do_differently,
        f"{entry.feedback_from:%Y-%m}" if entry.feedback_from else "",
        f"{entry.feedback_to:%Y-%m}" if entry.feedback_to else "",
    )
    return _editor(viewer, form, {}, entry_id)


@post("/staff/reflections/{entry_id:int}", name="reflection_update")
async def reflection_update(
    entry_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Response[str] | Redirect:
    checked = service.check(_form(await request.form()), state.settings.today())
    require(await service.own_entry(conn, writer_id=viewer.staff.id, entry_id=entry_id) is not None)
    if checked.problems:
        return _editor(viewer, checked.form, checked.problems, entry_id, status=422)
    await service.change_entry(conn, writer_id=viewer.staff.id, entry_id=entry_id, checked=checked)
    return Redirect(f"/staff/reflections/{entry_id}", status_code=303)


@post("/staff/reflections/{entry_id:int}/share", name="reflection_share")
async def reflection_share(
    entry_id: FromPath[int],
    request: Request,
    conn: NamedDependency[Connection],
    state: State,
    viewer: NamedDependency[Viewer],
) -> Redirect:
    """Share with one named manager (for supervision), or stop sharing (an empty choice)."""
    form = await request.form()
    manager = whole_number(form.get("manager") or None, field="manager")
    require(await service.share_entry(conn, writer_id=viewer.staff.id, entry_id=entry_id, manager_id=manager))
    return Redirect(f"/staff/reflections/{entry_id}", status_code=303)


@post("/staff/reflections/{entry_id:int}/delete", name="reflection_delete")
async def reflection_delete(
    entry_id: FromPath[int], conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Redirect:
    require(await service.delete_entry(conn, writer_id=viewer.staff.id, entry_id=entry_id))
    return Redirect("/staff/me/reflections", status_code=303)


@get("/staff/me/reflections/print", name="reflections_print")
async def reflections_print(
    request: Request, conn: NamedDependency[Connection], state: State, viewer: NamedDependency[Viewer]
) -> Response[str]:
    """The chosen entries (?entry=1&entry=2) as a CPD record to print or save as PDF (A4)."""
    wanted = [whole_number(value, field="entry") for value in request.query_params.getall("entry", [])]
    entries = await service.cpd_record(conn, writer_id=viewer.staff.id, entry_ids=[w for w in wanted if w is not None])
    return page(
        "reflection/print.html",
        viewer=viewer,
        entries=entries,
        prompts=PROMPTS,
        prompt_words=PROMPT_WORDS,
        today=state.settings.today(),
    )


ROUTES = [
    reflections,
    reflection_new,
    reflection_create,
    reflection_edit,
    reflection_update,
    reflection_share,
    reflection_delete,
    reflections_print,
    reflection,
]
