"""HTTP hygiene IT checks: no staff response is kept in the browser's cache,
numbers that are not plain 0-9 are a 400 (never a 500, never read as another
number), exports open right in a spreadsheet, the Markdown export's heading
cannot be turned into markup by a team name."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from service.reviews.export import review_markdown
from tests import factories

# The module-scoped fixtures below make rows every test here reads: emptied once, before the module.
pytestmark = pytest.mark.shared_rows

PARAM = re.compile(r"\{([a-z_]+):([a-z]+)\}")


@pytest.fixture(scope="module")
async def staff_world(client, pool):
    team = await factories.team(pool, "Tîm Caerdydd – فريق")
    admin = await factories.staff(pool, team_id=team, role="team_manager", admin=True, name="Mo Manager")
    practitioner = await factories.staff(pool, team_id=team, name="Pip Practitioner", shares=True)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await factories.responses(pool, touchpoint, [{"listened": 5, "respect": 4}] * 14 + [{"listened": 2}] * 6)
    token, csrf = await factories.session(pool, admin)
    review = await _review(pool, team, admin)
    ids = {
        "team_id": team,
        "touchpoint_id": touchpoint.id,
        "review_id": review,
        "action_id": await pool.fetchval("select coalesce(max(id), 1) from review_actions"),
        "entry_id": await pool.fetchval("select coalesce(max(id), 1) from you_said_we_did"),
        "item_id": await pool.fetchval("select coalesce(max(id), 1) from safeguarding_items"),
    }
    return {
        "ids": ids,
        "token": token,
        "csrf": csrf,
        "team": team,
        "practitioner": practitioner,
        "touchpoint": touchpoint,
    }


async def _review(pool, team: int, by: int) -> int:
    from service.reviews import service as reviews_service
    from service.settings import REPO_ROOT
    from service.surveys.loading import load_surveys

    today = dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)  # the last whole month
    form = reviews_service.ReviewForm(f"{last.replace(day=1) - dt.timedelta(days=1):%Y-%m}", f"{last:%Y-%m}")
    registry = load_surveys(REPO_ROOT / "surveys")
    async with pool.acquire() as conn:
        return await reviews_service.start_review(conn, registry, team_id=team, form=form, by=by, today=today)


def _fill(template: str, ids: dict[str, int]) -> str:
    def one(match: re.Match) -> str:
        name, kind = match.group(1), match.group(2)
        return str(ids[name]) if name in ids else {"int": "1"}.get(kind, "card")

    return PARAM.sub(one, template)


def _staff_routes(app) -> list[tuple[str, str]]:
    return [
        (method, route.path)
        for route in app.routes
        for method in sorted(getattr(route, "methods", set()))
        if route.path.startswith("/staff") and method not in ("HEAD", "OPTIONS")
    ]


async def test_every_staff_route_says_no_store_whoever_asks(app, client, staff_world):
    routes = _staff_routes(app)
    seen = []
    for method, template in routes:
        url = _fill(template, staff_world["ids"])
        for cookie in (f"heard_staff={staff_world['token']}", ""):  # signed in, and not
            client.cookies.clear()
            headers = {"Cookie": cookie} if cookie else {}
            if method == "GET":
                response = await client.get(url, headers=headers)
            elif template == "/staff/sign-out":
                continue  # would end the session the others use; checked below
            else:
                response = await client.post(url, headers=headers, data={"csrf_token": staff_world["csrf"]})
            seen.append((method, template, response.status_code))
            assert response.headers.get("cache-control") == "no-store", (method, url, cookie[:12], response.status_code)
    statuses = {status for _, _, status in seen}

    assert len(routes) >= 40
    assert {200, 303}.issubset(statuses)  # pages and redirects alike


async def test_sign_in_sign_out_and_exports_say_no_store(client, pool, staff_world):
    person = await factories.staff(pool)
    token, csrf = await factories.session(pool, person)
    client.cookies.clear()

    sign_in = await client.get("/staff/sign-in")
    sign_out = await client.post(
        "/staff/sign-out", headers={"Cookie": f"heard_staff={token}"}, data={"csrf_token": csrf}
    )
    client.cookies.clear()
    export = await client.get(
        f"/staff/teams/{staff_world['team']}/export.csv", headers={"Cookie": f"heard_staff={staff_world['token']}"}
    )

    for response in (sign_in, sign_out, export):
        assert response.headers["cache-control"] == "no-store"
    assert "text/csv" in export.headers["content-type"]


# Numbers ----------------------------------------------------------------------------------------------

NOT_PLAIN_DIGITS = ["²", "１２", "٣", "+1", "-1", " 1", "1_0", "9" * 40]


async def _post_as_admin(client, world, path: str, data: dict):
    client.cookies.clear()
    return await client.post(
        path, headers={"Cookie": f"heard_staff={world['token']}"}, data={"csrf_token": world["csrf"], **data}
    )


@pytest.mark.parametrize("odd", NOT_PLAIN_DIGITS)
async def test_ids_and_numbers_that_are_not_plain_digits_are_a_400(client, pool, staff_world, odd):
    ids = staff_world["ids"]
    team, person = ids["team_id"], staff_world["practitioner"]
    cases = [
        ("/staff/admin/people", {"display_name": "Odd Number", "email": "odd@staff.example", "team_id": odd}),
        ("/staff/admin/people/role", {"staff_id": odd, "team_id": str(team), "role": "practitioner"}),
        ("/staff/admin/people/role", {"staff_id": str(person), "team_id": odd, "role": "practitioner"}),
        ("/staff/admin/people/role/remove", {"staff_id": odd, "team_id": str(team), "role": "practitioner"}),
        ("/staff/admin/people/disable", {"staff_id": odd, "disabled": "yes"}),
        ("/staff/admin/people/password", {"staff_id": odd}),
        ("/staff/admin/people/administrator", {"staff_id": odd, "administrator": "yes"}),
        ("/staff/admin/people/two-step", {"staff_id": odd}),
        (
            f"/staff/teams/{team}/touchpoints",
            {"contact_kind": "home_visit", "practitioner_id": odd, "language": "en-GB"},
        ),
        (
            f"/staff/touchpoints/{ids['touchpoint_id']}",
            {"contact_kind": "home_visit", "practitioner_id": odd, "language": "en-GB"},
        ),
        (f"/staff/teams/{team}/held", {"touchpoint": odd, "day": "2026-01-05", "decision": "include"}),
        (f"/staff/teams/{team}/reviews/facilitators", {"staff_id": odd}),
        (f"/staff/reviews/{ids['review_id']}/entries", {"where": "touchpoints", "touchpoint_id": odd}),
    ]
    before = await pool.fetchval("select count(*) from staff")
    for path, data in cases:
        response = await _post_as_admin(client, staff_world, path, data)
        assert response.status_code == 400, (path, data, response.status_code)
    client.cookies.clear()
    audit = await client.get(f"/staff/admin/audit?by={odd}", headers={"Cookie": f"heard_staff={staff_world['token']}"})
    in_path = await client.get(
        f"/staff/teams/{odd}/touchpoints", headers={"Cookie": f"heard_staff={staff_world['token']}"}
    )

    assert audit.status_code == 400
    assert in_path.status_code in (400, 404)  # never read as another team's number
    assert await pool.fetchval("select count(*) from staff") == before


async def test_a_full_width_id_in_the_address_is_not_read_as_a_plain_one(client, staff_world):
    team = staff_world["ids"]["team_id"]
    client.cookies.clear()

    plain = await client.get(f"/staff/teams/{team}", headers={"Cookie": f"heard_staff={staff_world['token']}"})
    full_width = await client.get(
        "/staff/teams/" + str(team).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        headers={"Cookie": f"heard_staff={staff_world['token']}"},
    )

    assert plain.status_code == 200
    assert full_width.status_code == 400


# Exports ------------------------------------------------------------------------------------------------


async def test_the_csv_has_a_bom_one_charset_and_reads_back_right(client, staff_world):
    client.cookies.clear()

    response = await client.get(
        f"/staff/teams/{staff_world['team']}/export.csv", headers={"Cookie": f"heard_staff={staff_world['token']}"}
    )

    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "team"  # the BOM is not part of the first heading
    assert rows[1][0] == "Tîm Caerdydd – فريق"


async def test_the_xlsx_has_the_same_figures_as_the_csv_and_the_page(client, staff_world):
    cookie = {"Cookie": f"heard_staff={staff_world['token']}"}
    client.cookies.clear()
    page = await client.get(f"/staff/teams/{staff_world['team']}", headers=cookie)
    export = await client.get(f"/staff/teams/{staff_world['team']}/export.csv", headers=cookie)
    workbook = await client.get(f"/staff/teams/{staff_world['team']}/export.xlsx", headers=cookie)

    book = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)
    sheets = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert next(iter(sheets)) == "notes"
    assert any("Hidden" in str(row[0]) for row in sheets["notes"])
    figures = {(r[3], r[4]): r[5] for r in rows[1:]}
    from_xlsx = {(r[3], r[4]): r[5] for title, table in sheets.items() if title != "notes" for r in table[1:]}
    assert {k: str(v) for k, v in from_xlsx.items()} == figures  # every figure, every group, the same
    total = from_xlsx[("responses", "all")]
    assert abs(total - 20) <= 2 and isinstance(total, int)  # a number the spreadsheet can add up (adjusted by ≤ 2)
    assert re.search(rf"\b{total}\s+responses\b", page.text)  # and the page's own total


async def test_the_markdown_heading_escapes_the_team_name(pool):
    from service.figures.levels import summary_questions
    from service.reviews import service as reviews_service
    from service.settings import load_settings
    from service.surveys.loading import load_surveys

    team = await factories.team(pool, "# Team [click](https://evil.example) <b>x</b>")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    surveys = load_surveys(load_settings({}).surveys_dir)
    review_id = await _review(pool, team, manager)
    async with pool.acquire() as conn:
        review = await reviews_service.review(conn, review_id=review_id)
        prepared = await reviews_service.review_page(
            conn, surveys, review=review, viewer=await factories.viewer(pool, manager), settings=load_settings({})
        )

    heading = review_markdown(prepared, questions=summary_questions(surveys, "after-meeting")).splitlines()[0]

    assert heading.startswith("# Learning review: ")
    assert "\\[click\\]" in heading and "\\<b\\>" in heading and "\\# Team" in heading
