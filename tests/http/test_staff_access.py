"""Who sees what: every staff route x every role x own/other team x
own/other practitioner, plus anonymous visitors, against the real database.
Allowed requests must show the page; refused ones must show none of its data."""

import re

import pytest

from tests import factories

# The module-scoped fixtures below make rows every test here reads: emptied once, before the module.
pytestmark = pytest.mark.shared_rows


@pytest.fixture(scope="module")
async def world(client, pool):
    """Two teams; in team 1 two practitioners (A shares with managers, B does not),
    a manager, a safeguarding lead; a manager of team 2; an admin in no team."""
    team1 = await factories.team(pool, "Team One Access")
    team2 = await factories.team(pool, "Team Two Access")
    people = {
        "practitioner_a": await factories.staff(pool, team_id=team1, name="Ada Practitioner", shares=True),
        "practitioner_b": await factories.staff(pool, team_id=team1, name="Ben Practitioner"),
        "manager": await factories.staff(pool, team_id=team1, role="team_manager", name="Mo Manager"),
        "lead": await factories.staff(pool, team_id=team1, role="safeguarding_lead", name="Lee Lead"),
        "other_manager": await factories.staff(pool, team_id=team2, role="team_manager", name="Otto Other"),
        "admin": await factories.staff(pool, role=None, admin=True, name="Ann Admin"),
    }
    touchpoints = {
        "a": await factories.practitioner_touchpoint(pool, team_id=team1, practitioner_id=people["practitioner_a"]),
        "b": await factories.practitioner_touchpoint(pool, team_id=team1, practitioner_id=people["practitioner_b"]),
        "other": await factories.practitioner_touchpoint(pool, team_id=team2, practitioner_id=None),
    }
    sessions = {who: await factories.session(pool, staff_id) for who, staff_id in people.items()}
    return {"team1": team1, "team2": team2, "people": people, "touchpoints": touchpoints, "sessions": sessions}


ACTORS = ["anonymous", "practitioner_a", "practitioner_b", "manager", "lead", "other_manager", "admin"]
TEAM1_MEMBERS = {"practitioner_a", "practitioner_b", "manager", "lead"}
EVERYONE = set(ACTORS) - {"anonymous"}

# (path template, who may open it, text that proves the page is the real one)
PAGES = [
    ("/staff", EVERYONE, "Your feedback"),
    ("/staff/me", EVERYONE, "Your feedback"),
    ("/staff/teams/{team1}", TEAM1_MEMBERS, "Team One Access"),
    ("/staff/teams/{team1}/export.csv", TEAM1_MEMBERS, "Team One Access"),
    ("/staff/teams/{team1}/touchpoints", TEAM1_MEMBERS, "Touchpoints of Team One Access"),
    ("/staff/teams/{team2}", {"other_manager"}, "Team Two Access"),
    ("/staff/touchpoints/{a}", {"practitioner_a", "manager"}, "{a_code}"),
    ("/staff/touchpoints/{a}/qr/svg", {"practitioner_a", "manager"}, "<svg"),
    ("/staff/touchpoints/{a}/qr/png", {"practitioner_a", "manager"}, "PNG"),
    ("/staff/touchpoints/{a}/print/card", {"practitioner_a", "manager"}, "{a_grouped}"),
    ("/staff/touchpoints/{a}/print/poster", {"practitioner_a", "manager"}, "{a_grouped}"),
    ("/staff/touchpoints/{a}/print/cards", {"practitioner_a", "manager"}, "{a_grouped}"),
    ("/staff/touchpoints/{a}/pdf/card", {"practitioner_a", "manager"}, "%PDF"),
    ("/staff/touchpoints/{a}/show", {"practitioner_a", "manager"}, "{a_grouped}"),
    ("/staff/touchpoints/{b}", {"practitioner_b", "manager"}, "{b_code}"),
    ("/staff/touchpoints/{other}", {"other_manager"}, "{other_code}"),
    ("/staff/teams/{team1}?touchpoint={a}", {"practitioner_a", "manager"}, "Team One Access"),
    ("/staff/teams/{team1}?touchpoint={b}", {"practitioner_b"}, "Team One Access"),
    ("/staff/admin/teams", {"admin"}, "Team Two Access"),
    ("/staff/admin/people", {"admin"}, "Otto Other"),
]


def _fill(template: str, world) -> str:
    from service.touchpoints.codes import grouped

    t = world["touchpoints"]
    return template.format(
        team1=world["team1"],
        team2=world["team2"],
        a=t["a"].id,
        b=t["b"].id,
        other=t["other"].id,
        a_code=t["a"].code,
        b_code=t["b"].code,
        other_code=t["other"].code,
        a_grouped=grouped(t["a"].code),
        pa=world["people"]["practitioner_a"],
        pb=world["people"]["practitioner_b"],
    )


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"heard_staff={token}"}


def _as(world, actor: str) -> dict[str, str]:
    return {} if actor == "anonymous" else _cookie(world["sessions"][actor][0])


async def _get(client, world, actor, path):
    client.cookies.clear()
    return await client.get(path, headers=_as(world, actor))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("template", "allowed", "proof"), PAGES, ids=[p[0] for p in PAGES])
async def test_staff_page_is_shown_only_to_who_may_see_it(client, world, actor, template, allowed, proof):
    path, proof = _fill(template, world), _fill(proof, world)

    response = await _get(client, world, actor, path)

    body = response.content.decode("latin-1")
    if actor == "anonymous":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/staff/sign-in?next=")
    elif actor in allowed:
        assert response.status_code == 200, response.text[:300]
        assert proof in body
    else:
        assert response.status_code in (403, 404)
        assert proof not in body


# (path template, form fields, who may do it, SQL that sets the state before, SQL that reads it after, what the
# state must be after an allowed request). Every request starts from the same state, so what it did, or did not do,
# shows in the database: an allowed one must have done it (a 303 that changed nothing fails), a refused one nothing.
ACTIONS = [
    (
        "/staff/teams/{team1}/touchpoints",
        {"contact_kind": "home_visit", "language": "en-GB", "survey_id": "after-meeting"},
        {"manager"},
        "delete from touchpoints where team_id = {team1} and id not in ({a}, {b})",
        "select count(*) from touchpoints where team_id = {team1}",
        3,
    ),
    (
        "/staff/touchpoints/{a}",
        {"contact_kind": "home_visit", "language": "en-GB", "practitioner_id": "{pa}", "audience": "parent"},
        {"manager"},
        "update touchpoints set audience = null where id = {a}",
        "select coalesce(audience, 'none') from touchpoints where id = {a}",
        "parent",
    ),
    (
        "/staff/touchpoints/{b}/status",
        {"status": "active"},
        {"manager"},
        "update touchpoints set status = 'paused' where id = {b}",
        "select status from touchpoints where id = {b}",
        "active",
    ),
    (
        "/staff/admin/teams",
        {"name": "Made In A Test"},
        {"admin"},
        "delete from teams where name = 'Made In A Test'",
        "select count(*) from teams where name = 'Made In A Test'",
        1,
    ),
    (
        "/staff/admin/people/role",
        {"staff_id": "{pb}", "team_id": "{team2}", "role": "practitioner"},
        {"admin"},
        "delete from team_members where staff_id = {pb} and team_id = {team2}",
        "select count(*) from team_members where staff_id = {pb} and team_id = {team2}",
        1,
    ),
    (
        "/staff/me/sharing",
        {"share": "yes"},
        EVERYONE,
        "update staff set shares_with_manager = false where id = {me}",
        "select shares_with_manager from staff where id = {me}",
        True,
    ),
]


def _sql(template: str, world, actor: str) -> str:
    t = world["touchpoints"]
    return template.format(
        team1=world["team1"],
        team2=world["team2"],
        a=t["a"].id,
        b=t["b"].id,
        pb=world["people"]["practitioner_b"],
        me=world["people"].get(actor, 0),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("template", "fields", "allowed", "reset", "probe", "done"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
async def test_staff_action_is_done_only_by_who_may_do_it(
    client, pool, world, actor, template, fields, allowed, reset, probe, done
):
    path = _fill(template, world)
    csrf = {} if actor == "anonymous" else {"csrf_token": world["sessions"][actor][1]}
    client.cookies.clear()
    await pool.execute(_sql(reset, world, actor))
    before = await pool.fetchval(_sql(probe, world, actor))

    fields = {key: _fill(value, world) for key, value in fields.items()}
    response = await client.post(path, data={**fields, **csrf}, headers=_as(world, actor))

    after = await pool.fetchval(_sql(probe, world, actor))
    try:
        if actor == "anonymous":
            assert response.status_code == 303 and "/staff/sign-in" in response.headers["location"]
            assert after == before, "refused, yet the database changed"
        elif actor in allowed:
            assert response.status_code == 303, response.text[:300]
            assert before != done and after == done, f"allowed and answered 303, but the database shows {after!r}"
        else:
            assert response.status_code == 403
            assert after == before, "refused, yet the database changed"
    finally:  # leave the world as the other tests expect it
        await pool.execute(_sql(reset, world, actor))
        if template.endswith("/status"):
            await pool.execute(_sql("update touchpoints set status = 'active' where id = {b}", world, actor))
        if template.endswith("/sharing") and actor == "practitioner_a":
            await pool.execute(_sql("update staff set shares_with_manager = true where id = {me}", world, actor))


@pytest.mark.parametrize("template", [a[0] for a in ACTIONS] + ["/staff/sign-out"])
async def test_a_post_without_the_csrf_token_is_refused(client, world, template):
    path = _fill(template, world)
    client.cookies.clear()

    response = await client.post(
        path, data={"status": "paused", "name": "x", "share": "yes"}, headers=_as(world, "manager")
    )

    assert response.status_code == 403
    assert "out of date" in response.text


async def test_a_practitioner_cannot_read_another_practitioners_feedback_by_changing_the_id(client, pool, world):
    b_touchpoint = world["touchpoints"]["b"]
    await factories.responses(pool, b_touchpoint, [{"listened": 1, "respect": 1}] * 12)
    token = world["sessions"]["practitioner_a"][0]
    client.cookies.clear()

    by_filter = await client.get(f"/staff/teams/{world['team1']}?touchpoint={b_touchpoint.id}", headers=_cookie(token))
    by_page = await client.get(f"/staff/touchpoints/{b_touchpoint.id}", headers=_cookie(token))
    by_qr = await client.get(f"/staff/touchpoints/{b_touchpoint.id}/qr/png", headers=_cookie(token))
    own = await client.get("/staff/me", headers=_cookie(token))

    assert by_filter.status_code == by_page.status_code == by_qr.status_code == 403
    assert b_touchpoint.code not in by_page.text
    assert "12 responses" not in own.text  # B's responses never count as A's


async def test_a_manager_sees_only_practitioners_who_chose_to_share(client, pool):
    team = await factories.team(pool, "Sharing Team")
    ada = await factories.staff(pool, team_id=team, name="Ada Sharer", shares=True)
    ben = await factories.staff(pool, team_id=team, name="Ben Private")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    a = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=ada)
    b = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=ben)
    # Ada's answers fill every level well above k_practitioner (an empty level would hide her shares).
    await factories.responses(
        pool,
        a,
        [{"listened": 5, "respect": 4, "understood": 5, "better": 4}] * 24
        + [{"listened": 3, "respect": 3, "understood": 3, "better": 3}] * 14
        + [{"listened": 1, "respect": 1, "understood": 1, "better": 1}] * 14,
    )
    await factories.responses(pool, b, [{"listened": 2, "respect": 2, "understood": 1, "better": 1}] * 15)
    # A second practitioner who does not share: with only Ben closed, the team's figures minus Ada's would be
    # Ben's, so the manager would see no team figures at all (the practitioner rule).
    cy = await factories.staff(pool, team_id=team, name="Cy Private")
    c = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=cy)
    await factories.responses(pool, c, [{"listened": 3, "respect": 3, "understood": 3, "better": 3}] * 12)
    client.cookies.clear()

    response = await client.get(f"/staff/teams/{team}", headers=_cookie((await factories.session(pool, manager))[0]))

    breakdown = response.text.split("chose to share")[-1].split("</table>")[0]
    assert "Ada Sharer" in breakdown
    assert "Ben Private" not in breakdown and "Cy Private" not in breakdown
    assert "not a ranking" in response.text
    shares = [int(p) for p in re.findall(r"(\d+)%", breakdown)]
    assert shares and all(35 <= p <= 60 for p in shares)  # Ada's own results (about 46%), shown as she shares them


async def test_disabled_accounts_lose_their_sessions(client, pool):
    team = await factories.team(pool)
    person = await factories.staff(pool, team_id=team)
    token, _ = await factories.session(pool, person)
    from service.staff import service as staff_service

    async with pool.acquire() as conn:
        await staff_service.set_disabled(conn, email=await factories.email_of(pool, person))
    client.cookies.clear()
    response = await client.get("/staff", headers=_cookie(token))

    assert response.status_code == 303
