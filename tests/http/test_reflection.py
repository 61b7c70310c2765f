"""A practitioner's private reflection: private to its writer, no hint to a manager that entries exist, shared
with one named manager only, deleted by its writer, gone with the account, exported as a CPD record."""

from __future__ import annotations

import re

import pytest

from tests import factories

ENTRY = {
    "title": "Conference for the family on the estate",
    "happened": "Dad walked out halfway.",
    "noticed": "I had talked over him twice.",
    "think_now": "He needed the plan before the meeting.",
    "do_differently": "Send the plan two days before, in his language.",
    "feedback_from": "",
    "feedback_to": "",
}


@pytest.fixture
async def world(pool):
    team = await factories.team(pool, "Reflecting Team")
    writer = await factories.staff(pool, team_id=team, role="practitioner", name="Wren Writer")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Mara Manager")
    other_manager = await factories.staff(pool, team_id=team, role="team_manager", name="Otto Other")
    people = {}
    for name, staff_id in (("writer", writer), ("manager", manager), ("other_manager", other_manager)):
        token, csrf = await factories.session(pool, staff_id)
        people[name] = {"id": staff_id, "token": token, "csrf": csrf}
    return {"team": team, **people}


async def _get(client, person, path):
    client.cookies.clear()
    return await client.get(path, headers={"Cookie": f"heard_staff={person['token']}"})


async def _post(client, person, path, data):
    client.cookies.clear()
    return await client.post(
        path, data={"csrf_token": person["csrf"], **data}, headers={"Cookie": f"heard_staff={person['token']}"}
    )


async def _write(client, person, **changes) -> int:
    response = await _post(client, person, "/staff/me/reflections", {**ENTRY, **changes})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_an_entry_is_saved_and_shown_to_its_writer_with_every_prompt(client, pool, world):
    entry_id = await _write(client, world["writer"])

    page = await _get(client, world["writer"], f"/staff/reflections/{entry_id}")
    listing = await _get(client, world["writer"], "/staff/me/reflections")

    for text in ENTRY.values():
        assert text in page.text
    assert "What will I do differently?" in page.text
    assert ENTRY["title"] in listing.text
    stored = await pool.fetchrow("select staff_id, shared_with from reflections where id = $1", entry_id)
    assert (stored["staff_id"], stored["shared_with"]) == (world["writer"]["id"], None)


async def test_a_manager_gets_the_same_403_for_an_entry_as_for_one_that_does_not_exist(client, pool, world):
    entry_id = await _write(client, world["writer"])
    missing = entry_id + 1000

    responses = {}
    for path in ("", "/edit"):
        responses[path] = (
            await _get(client, world["manager"], f"/staff/reflections/{entry_id}{path}"),
            await _get(client, world["manager"], f"/staff/reflections/{missing}{path}"),
        )
    posts = {}
    for path, data in (("", ENTRY), ("/share", {"manager": str(world["manager"]["id"])}), ("/delete", {})):
        posts[path] = (
            await _post(client, world["manager"], f"/staff/reflections/{entry_id}{path}", data),
            await _post(client, world["manager"], f"/staff/reflections/{missing}{path}", data),
        )
    listing = await _get(client, world["manager"], "/staff/me/reflections")
    printed = await _get(client, world["manager"], f"/staff/me/reflections/print?entry={entry_id}")

    for existing, absent in [*responses.values(), *posts.values()]:
        assert existing.status_code == absent.status_code == 403
        assert existing.text == absent.text
        assert ENTRY["title"] not in existing.text
    assert ENTRY["title"] not in listing.text and "Wren Writer" not in listing.text
    assert ENTRY["title"] not in printed.text and ENTRY["happened"] not in printed.text
    stored = await pool.fetchrow("select title, shared_with from reflections where id = $1", entry_id)
    assert (stored["title"], stored["shared_with"]) == (ENTRY["title"], None)  # nothing changed, nothing shared


async def test_a_shared_entry_is_visible_to_that_manager_only(client, pool, world):
    entry_id = await _write(client, world["writer"])

    shared = await _post(
        client, world["writer"], f"/staff/reflections/{entry_id}/share", {"manager": str(world["manager"]["id"])}
    )
    for_manager = await _get(client, world["manager"], f"/staff/reflections/{entry_id}")
    managers_list = await _get(client, world["manager"], "/staff/me/reflections")
    for_other = await _get(client, world["other_manager"], f"/staff/reflections/{entry_id}")
    others_list = await _get(client, world["other_manager"], "/staff/me/reflections")
    manager_edits = await _post(client, world["manager"], f"/staff/reflections/{entry_id}", {**ENTRY, "title": "x"})

    assert shared.status_code == 303
    assert ENTRY["noticed"] in for_manager.text and "Wren Writer" in for_manager.text
    assert "Delete this entry" not in for_manager.text  # read, not change
    assert ENTRY["title"] in managers_list.text
    assert for_other.status_code == 403 and ENTRY["title"] not in for_other.text
    assert ENTRY["title"] not in others_list.text
    assert manager_edits.status_code == 403
    assert await pool.fetchval("select title from reflections where id = $1", entry_id) == ENTRY["title"]


async def test_sharing_stops_and_a_stranger_cannot_be_chosen(client, pool, world):
    entry_id = await _write(client, world["writer"])
    stranger = await factories.staff(pool, team_id=await factories.team(pool), role="team_manager")

    refused = await _post(client, world["writer"], f"/staff/reflections/{entry_id}/share", {"manager": str(stranger)})
    await _post(
        client, world["writer"], f"/staff/reflections/{entry_id}/share", {"manager": str(world["manager"]["id"])}
    )
    stopped = await _post(client, world["writer"], f"/staff/reflections/{entry_id}/share", {"manager": ""})
    after = await _get(client, world["manager"], f"/staff/reflections/{entry_id}")

    assert refused.status_code == 403
    assert stopped.status_code == 303
    assert await pool.fetchval("select shared_with from reflections where id = $1", entry_id) is None
    assert after.status_code == 403


async def test_the_writer_deletes_an_entry_for_good(client, pool, world):
    entry_id = await _write(client, world["writer"])
    await _post(
        client, world["writer"], f"/staff/reflections/{entry_id}/share", {"manager": str(world["manager"]["id"])}
    )

    deleted = await _post(client, world["writer"], f"/staff/reflections/{entry_id}/delete", {})
    listing = await _get(client, world["manager"], "/staff/me/reflections")

    assert deleted.headers["location"] == "/staff/me/reflections"
    assert await pool.fetchval("select count(*) from reflections where id = $1", entry_id) == 0
    assert ENTRY["title"] not in listing.text


async def test_entries_go_when_the_account_is_removed(pool):
    writer = await factories.staff(pool, team_id=None, role=None)
    manager = await factories.staff(pool, team_id=None, role=None)
    kept_id = await pool.fetchval(
        "insert into reflections (staff_id, title, happened, shared_with) values ($1, 'Theirs', 'x', $2) returning id",
        manager,
        None,
    )
    await pool.execute(
        "insert into reflections (staff_id, title, happened, shared_with) values ($1, 'Mine', 'x', $2)", writer, manager
    )
    await pool.execute("insert into reflections (staff_id, title, happened) values ($1, 'Mine too', 'y')", writer)

    await pool.execute("delete from staff_sessions where staff_id = $1", writer)
    await pool.execute("delete from audit_log where staff_id = $1", writer)
    await pool.execute("delete from staff where id = $1", writer)

    assert await pool.fetchval("select count(*) from reflections where staff_id = $1", writer) == 0
    assert await pool.fetchval("select count(*) from reflections where id = $1", kept_id) == 1


async def test_a_form_with_problems_keeps_what_was_written_and_says_what_to_fix(client, pool, world):
    response = await _post(
        client,
        world["writer"],
        "/staff/me/reflections",
        {**ENTRY, "title": "", "feedback_from": "2026-09", "feedback_to": ""},
    )

    assert response.status_code == 422
    assert "Give the entry a short title" in response.text
    assert "Choose both months" in response.text
    assert ENTRY["noticed"] in response.text
    assert await pool.fetchval("select count(*) from reflections where staff_id = $1", world["writer"]["id"]) == 0


async def test_an_entry_about_months_of_feedback_says_which(client, world):
    last = factories.last_month_day()
    entry_id = await _write(client, world["writer"], feedback_from=f"{last:%Y-%m}", feedback_to=f"{last:%Y-%m}")

    page = await _get(client, world["writer"], f"/staff/reflections/{entry_id}")

    assert f"About feedback from {last:%B %Y} to {last:%B %Y}" in page.text


async def test_the_cpd_record_prints_only_the_chosen_own_entries_on_a4(client, world):
    first = await _write(client, world["writer"], title="First reflection")
    second = await _write(client, world["writer"], title="Second reflection")
    await _write(client, world["writer"], title="Not chosen")
    theirs = await _write(client, world["manager"], title="The manager's own")

    response = await _get(
        client, world["writer"], f"/staff/me/reflections/print?entry={first}&entry={second}&entry={theirs}"
    )

    assert "CPD record of reflective practice: Wren Writer" in response.text
    assert re.search("First reflection.*Second reflection", response.text, re.S)
    assert "Not chosen" not in response.text and "The manager's own" not in response.text
    assert "paper-a4" in response.text
