"""Administration from the web pages, every change audit-logged and shown on
the audit page (filtered, exported); no disabling yourself, never losing the
last administrator."""

from __future__ import annotations

import csv
import io
import re

import pytest

from service.db.migrate import migrate
from service.db.pool import create_pool, transaction
from service.staff import service as staff_service
from tests import factories


async def _post(client, path: str, token: str, data: dict):
    client.cookies.clear()
    return await client.post(path, headers={"Cookie": f"heard_staff={token}"}, data=data)


async def _get(client, path: str, token: str):
    client.cookies.clear()
    return await client.get(path, headers={"Cookie": f"heard_staff={token}"})


@pytest.fixture
async def admin(pool):
    admin = await factories.staff(pool, admin=True, name="Audrey Admin")
    token, csrf = await factories.session(pool, admin)
    return admin, token, csrf


async def _entries(pool, admin_id: int, action: str) -> list[dict]:
    rows = await pool.fetch(
        "select detail from audit_log where staff_id = $1 and action = $2 order by id", admin_id, action
    )
    return [dict(row["detail"]) for row in rows]


async def test_every_administrative_action_is_audited_and_shown(client, pool, admin):
    admin_id, token, csrf = admin
    team = await factories.team(pool, "Audited Team")
    person = await factories.staff(pool, name="Perry Person")

    await _post(client, "/staff/admin/teams", token, {"csrf_token": csrf, "name": "Another Audited Team"})
    added = await _post(
        client,
        "/staff/admin/people",
        token,
        {
            "csrf_token": csrf,
            "display_name": "Ola Added",
            "email": "ola.added@staff.example",
            "team_id": str(team),
            "role": "team_manager",
        },
    )
    await _post(
        client,
        "/staff/admin/people/role",
        token,
        {"csrf_token": csrf, "staff_id": str(person), "team_id": str(team), "role": "safeguarding_lead"},
    )
    people = await _get(client, "/staff/admin/people", token)
    removed = await _post(
        client,
        "/staff/admin/people/role/remove",
        token,
        {"csrf_token": csrf, "staff_id": str(person), "team_id": str(team), "role": "safeguarding_lead"},
    )
    await _post(
        client, "/staff/admin/people/disable", token, {"csrf_token": csrf, "staff_id": str(person), "disabled": "yes"}
    )
    await _post(
        client, "/staff/admin/people/disable", token, {"csrf_token": csrf, "staff_id": str(person), "disabled": "no"}
    )
    reset = await _post(client, "/staff/admin/people/password", token, {"csrf_token": csrf, "staff_id": str(person)})
    await _post(
        client,
        "/staff/admin/people/administrator",
        token,
        {"csrf_token": csrf, "staff_id": str(person), "administrator": "yes"},
    )
    await _post(
        client,
        "/staff/admin/people/administrator",
        token,
        {"csrf_token": csrf, "staff_id": str(person), "administrator": "no"},
    )
    audit = await _get(client, "/staff/admin/audit", token)

    assert "Remove this role from Perry Person in Audited Team" in people.text  # from the web page
    assert removed.status_code == 303
    assert await pool.fetchval("select count(*) from team_members where staff_id = $1", person) == 0
    assert "ola.added@staff.example" in added.text and "works once, within 72 hours" in added.text
    assert "New password for" in reset.text
    new_id = await pool.fetchval("select id from staff where email = 'ola.added@staff.example'")
    assert await _entries(pool, admin_id, "account_created") == [
        {"staff_id": new_id, "email": "ola.added@staff.example", "administrator": False}
    ]
    assert await _entries(pool, admin_id, "role_granted") == [
        {"staff_id": new_id, "team_id": team, "role": "team_manager"},
        {"staff_id": person, "team_id": team, "role": "safeguarding_lead"},
    ]
    assert await _entries(pool, admin_id, "role_removed") == [
        {"staff_id": person, "team_id": team, "role": "safeguarding_lead"}
    ]
    assert await _entries(pool, admin_id, "account_disabled") == [{"staff_id": person}]
    assert await _entries(pool, admin_id, "account_enabled") == [{"staff_id": person}]
    assert await _entries(pool, admin_id, "password_reset") == [{"staff_id": person}]
    assert await _entries(pool, admin_id, "administrator_granted") == [{"staff_id": person}]
    assert await _entries(pool, admin_id, "administrator_removed") == [{"staff_id": person}]
    assert len(await _entries(pool, admin_id, "team_created")) == 1
    for action in (
        "account_created",
        "role_granted",
        "role_removed",
        "account_disabled",
        "account_enabled",
        "password_reset",
        "administrator_granted",
        "administrator_removed",
        "team_created",
    ):
        assert f'<td data-label="What">{action}</td>' in audit.text, action
    assert "Audrey Admin" in audit.text and "Perry Person" in audit.text


async def test_the_audit_page_filters_and_exports_what_it_shows(client, pool, admin):
    admin_id, token, csrf = admin
    person = await factories.staff(pool, name="Fil Tered")
    other = await factories.staff(pool, name="Not Shown")
    for who in (person, other):
        await _post(
            client, "/staff/admin/people/disable", token, {"csrf_token": csrf, "staff_id": str(who), "disabled": "yes"}
        )
    await _post(
        client, "/staff/admin/people/disable", token, {"csrf_token": csrf, "staff_id": str(person), "disabled": "no"}
    )
    query = f"action=account_disabled&by={admin_id}&about={person}"

    page = await _get(client, f"/staff/admin/audit?{query}&from=2000-01-01&to=2999-12-31", token)
    export = await _get(client, f"/staff/admin/audit.csv?{query}", token)
    nothing = await _get(client, f"/staff/admin/audit?{query}&to=2001-01-01", token)

    cell = r"<td[^>]*>([^<]*)</td>\s*"
    rows = [found[1:4] for found in re.findall(r"<tr>" + cell * 4, page.text)]
    assert rows == [("Audrey Admin", "account_disabled", "Fil Tered")]
    assert export.content.startswith("\ufeff".encode())
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert table[0][:5] == ["when (UTC)", "who", "who (email)", "action", "about"]
    assert [(r[1], r[3], r[4]) for r in table[1:]] == [("Audrey Admin", "account_disabled", "Fil Tered")]
    assert "account_disabled</td>" not in nothing.text


async def test_the_audit_page_is_for_administrators_only(client, pool):
    person = await factories.staff(pool, team_id=await factories.team(pool), role="team_manager")
    token, _ = await factories.session(pool, person)

    page = await _get(client, "/staff/admin/audit", token)
    export = await _get(client, "/staff/admin/audit.csv", token)

    assert page.status_code == export.status_code == 403
    assert "account_created" not in page.text and "account_created" not in export.text


async def test_an_administrator_cannot_disable_themselves_or_drop_their_own_role(client, pool, admin):
    admin_id, token, csrf = admin

    disable = await _post(
        client, "/staff/admin/people/disable", token, {"csrf_token": csrf, "staff_id": str(admin_id), "disabled": "yes"}
    )
    demote = await _post(
        client,
        "/staff/admin/people/administrator",
        token,
        {"csrf_token": csrf, "staff_id": str(admin_id), "administrator": "no"},
    )

    assert disable.status_code == demote.status_code == 422
    assert "You cannot disable your own account" in disable.text
    row = await pool.fetchrow("select disabled, is_admin from staff where id = $1", admin_id)
    assert row["disabled"] is False and row["is_admin"] is True


async def test_the_last_administrator_cannot_be_disabled_or_removed(new_database):
    """In a database of its own, where there is exactly one administrator."""
    url = await new_database()
    await migrate(url)
    pool = await create_pool(url, min_size=1, max_size=2)
    try:
        async with transaction(pool) as conn:
            only = await staff_service.add_staff(
                conn, email="only@admin.example", display_name="Only", password=None, is_admin=True
            )
            helper = await staff_service.add_staff(
                conn, email="helper@admin.example", display_name="Helper", password=None
            )
        problems = []
        for change in (
            lambda c: staff_service.set_disabled(c, staff_id=only, by=None),
            lambda c: staff_service.set_administrator(c, staff_id=only, is_admin=False, by=helper),
        ):
            with pytest.raises(staff_service.StaffError) as refused:
                async with transaction(pool) as conn:
                    await change(conn)
            problems.append(refused.value.code)
        async with transaction(pool) as conn:
            await staff_service.set_administrator(conn, staff_id=helper, is_admin=True, by=only)
            await staff_service.set_disabled(conn, staff_id=only, by=helper)
        enabled_admins = await pool.fetchval("select count(*) from staff where is_admin and not disabled")
    finally:
        await pool.close()

    assert problems == ["last_administrator", "last_administrator"]
    assert enabled_admins == 1  # once there were two, one could go


async def test_resetting_someones_two_step_verification_is_audited(client, pool, admin):
    import pyotp

    admin_id, token, csrf = admin
    person = await factories.staff(pool, name="Lost Phone")
    async with pool.acquire() as conn:
        secret = await staff_service.begin_enrolment(conn, staff_id=person)
        await staff_service.confirm_enrolment(conn, staff_id=person, code=pyotp.TOTP(secret).now())
    people = await _get(client, "/staff/admin/people", token)

    reset = await _post(client, "/staff/admin/people/two-step", token, {"csrf_token": csrf, "staff_id": str(person)})
    audit = await _get(client, f"/staff/admin/audit?action=two_step_reset&about={person}", token)

    assert "Reset two-step verification for Lost Phone" in people.text
    assert reset.status_code == 303
    row = await pool.fetchrow("select totp_secret, totp_enabled_at from staff where id = $1", person)
    assert row["totp_secret"] is None and row["totp_enabled_at"] is None
    assert await pool.fetchval("select count(*) from staff_recovery_codes where staff_id = $1", person) == 0
    assert await _entries(pool, admin_id, "two_step_reset") == [{"staff_id": person}]
    assert '<td data-label="What">two_step_reset</td>' in audit.text and "Lost Phone" in audit.text


async def test_an_administrator_cannot_disable_their_own_account(client, pool):
    admin_id = await factories.staff(pool, admin=True, name="Selma Self")
    token, csrf = await factories.session(pool, admin_id)
    await factories.staff(pool, admin=True, name="Otto Other")  # not the last administrator: only "yourself" applies

    page = await _get(client, "/staff/admin/people", token)
    refused = await _post(
        client, "/staff/admin/people/disable", token, {"csrf_token": csrf, "staff_id": str(admin_id), "disabled": "yes"}
    )

    assert "Disable Selma Self" not in page.text and "Disable Otto Other" in page.text
    assert refused.status_code == 422
    assert "There is a problem" in refused.text and "You cannot disable your own account" in refused.text
    assert await pool.fetchval("select disabled from staff where id = $1", admin_id) is False
    assert not await _entries(pool, admin_id, "account_disabled")


async def test_roles_in_the_audit_log_are_named_in_words(client, pool, admin):
    admin_id, token, csrf = admin
    team = await factories.team(pool, "Worded Team")
    person = await factories.staff(pool, name="Wendy Words")

    await _post(
        client,
        "/staff/admin/people/role",
        token,
        {"csrf_token": csrf, "staff_id": str(person), "team_id": str(team), "role": "team_manager"},
    )
    audit = await _get(client, "/staff/admin/audit", token)

    assert "role=Team manager" in audit.text and "role=team_manager" not in audit.text
