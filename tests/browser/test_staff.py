"""Staff journeys in a real browser: sign in as each role, create a touchpoint,
download its QR code (decoded), open the printable card; axe on every staff page."""

import datetime as dt
import io

import pytest
import zxingcpp
from PIL import Image

from service.figures import grid
from tests import factories, truth
from tests.browser.test_accessibility import violations
from tests.browser.two_step import after_password

ROLES = ["practitioner", "team_manager", "safeguarding_lead", "admin"]


async def sign_in(page, server, staff_id, pool):
    email = await factories.email_of(pool, staff_id)
    await page.goto(f"{server}/staff")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(factories.PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await after_password(page, pool, email)  # administrators set up two-step verification first


@pytest.fixture
async def team_world(pool):
    team = await factories.team(pool, "Browser Team")
    people = {
        "practitioner": await factories.staff(pool, team_id=team, name="Pat Practitioner", shares=True),
        "team_manager": await factories.staff(pool, team_id=team, role="team_manager", name="Mia Manager"),
        "safeguarding_lead": await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Sol Lead"),
        "admin": await factories.staff(pool, role=None, admin=True, name="Ada Admin"),
    }
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=people["practitioner"])
    await factories.responses(pool, touchpoint, [{"listened": 5, "respect": 4}] * 12 + [{"listened": 2}] * 3)
    return team, people, touchpoint


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_signs_in_and_reaches_what_it_needs(page, server, pool, team_world, role):
    team, people, touchpoint = team_world

    await sign_in(page, server, people[role], pool)

    if role == "admin":
        await page.get_by_role("link", name="Staff accounts").click()
        await page.get_by_role("heading", name="Staff accounts").wait_for()
        assert await page.get_by_text("Mia Manager").count() >= 1
    else:
        await page.get_by_role("link", name="Browser Team").click()
        await page.get_by_role("heading", name="Browser Team").wait_for()
    # All 15 answers are about Pat, who shares with managers: Pat and the manager see them (a count of
    # at least k_practitioner, with the engine's adjustment); the safeguarding lead may not.
    async with pool.acquire() as conn:
        shown = await truth.published(conn, team, *grid.window(dt.date.today(), grid.DEFAULT_MONTHS), k=10)
    assert shown is not None
    if role in ("practitioner", "team_manager"):
        assert await page.get_by_text(f"{shown} responses", exact=True).count() == 1
    if role == "safeguarding_lead":
        assert await page.get_by_text("Results are also hidden when they would show one practitioner's").count() == 1
        assert await page.get_by_text(f"{shown} responses", exact=True).count() == 0
    if role == "practitioner":
        await page.goto(f"{server}/staff/me")
        assert await page.get_by_text(f"{shown} responses", exact=True).count() == 1
        await page.goto(f"{server}/staff/touchpoints/{touchpoint.id}/show")
        assert await page.locator("img.qr").is_visible()


async def test_a_manager_creates_a_touchpoint_downloads_its_qr_code_and_prints_a_card(page, server, pool, team_world):
    team, people, _ = team_world
    await sign_in(page, server, people["team_manager"], pool)

    await page.goto(f"{server}/staff/teams/{team}/touchpoints")
    await page.get_by_label("Survey", exact=True).select_option(label="After a meeting with us")  # one of two
    await page.get_by_label("Kind of contact").select_option("family_group_meeting")
    await page.get_by_label("Practitioner (optional)").select_option(label="Pat Practitioner")
    await page.get_by_label("Who answers").select_option("parent")
    await page.get_by_role("button", name="Create touchpoint").click()
    await page.get_by_role("heading", name="Family group meeting – Pat Practitioner").wait_for()
    link = await page.get_by_role("link", name="/t/").first.get_attribute("href")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download QR code (PNG)").click()
    png = await (await download_info.value).path()
    [decoded] = zxingcpp.read_barcodes(Image.open(png))
    assert decoded.text == link
    assert link.startswith(server + "/t/")

    await page.get_by_role("link", name="Printable card (A6)").click()
    await page.get_by_role("heading", name="Tell us how it went").wait_for()
    code = link.rsplit("/", 1)[-1]
    assert await page.get_by_text(f"{code[:4]}-{code[4:8]}").count() == 1
    shot = await page.locator("img.qr").screenshot()
    [on_card] = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert on_card.text == link


async def test_staff_pages_have_no_axe_violations(browser, server, pool, team_world):
    team, people, touchpoint = team_world
    found: list[str] = []
    for viewport in ({"width": 1280, "height": 900}, {"width": 360, "height": 640}):
        context = await browser.new_context(viewport=viewport)
        page = await context.new_page()
        await page.goto(f"{server}/staff/sign-in")
        found += await violations(page, "sign in")
        await sign_in(page, server, people["team_manager"], pool)
        for path in [
            "/staff",
            f"/staff/teams/{team}",
            f"/staff/teams/{team}/touchpoints",
            f"/staff/touchpoints/{touchpoint.id}",
            f"/staff/touchpoints/{touchpoint.id}/print/card",
            f"/staff/touchpoints/{touchpoint.id}/print/cards",
            f"/staff/touchpoints/{touchpoint.id}/print/poster",
            f"/staff/touchpoints/{touchpoint.id}/show",
            "/staff/me",
        ]:
            await page.goto(server + path)
            found += await violations(page, f"{path} {viewport['width']}")
        await context.close()
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, server, people["admin"], pool)
    for path in [
        "/staff/admin/teams",
        "/staff/admin/people",
        "/staff/admin/audit",
        "/staff/account",
        "/staff/two-step",
    ]:
        await page.goto(server + path)
        found += await violations(page, path)
    await context.close()

    assert found == []


@pytest.mark.parametrize(("size", "paper_mm"), [("card", (105, 148)), ("cards", (210, 297)), ("poster", (210, 297))])
async def test_printing_from_the_browser_gives_the_sheets_own_paper_size(
    page, server, pool, team_world, size, paper_mm
):
    """What "Save as PDF" gives when the paper size is left to the page: A6 or A4, never US Letter."""
    import pypdfium2

    team, people, touchpoint = team_world
    await sign_in(page, server, people["team_manager"], pool)
    await page.goto(f"{server}/staff/touchpoints/{touchpoint.id}/print/{size}")

    pdf = await page.pdf(prefer_css_page_size=True, print_background=True)

    pages = pypdfium2.PdfDocument(pdf)
    assert len(pages) == 1
    assert tuple(round(side * 25.4 / 72) for side in pages[0].get_size()) == paper_mm
