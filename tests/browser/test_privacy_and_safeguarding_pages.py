"""The privacy page exists in every language and version, and axe finds no
violations on it, nor on the contact step and the safeguarding queue."""

from service import i18n
from tests import factories
from tests.browser.test_accessibility import violations
from tests.browser.test_staff import sign_in

VERSIONS = ["child", "young", "adult"]


async def test_privacy_pages_render_in_every_language_and_version_without_axe_violations(browser, server):
    context = await browser.new_context(viewport={"width": 360, "height": 640})
    page = await context.new_page()
    found, checked = [], 0
    for tag in i18n.available_tags():
        for version in VERSIONS:
            response = await page.goto(f"{server}/privacy?lang={tag}&for={version}")
            assert response.status == 200
            assert await page.locator("html").get_attribute("lang") == tag
            assert await page.locator("h1").count() == 1
            if tag != "en-GB":
                assert await page.locator("h1").inner_text() != "What happens to what you tell us", tag
            if tag in ("en-GB", "ar", "cy", "ur") or version == "adult":
                found += await violations(page, f"privacy {tag} {version}")
                checked += 1
    await context.close()

    assert checked >= 3 * 4
    assert found == []


async def test_contact_step_and_queue_have_no_axe_violations(browser, server, pool):
    team = await factories.team(pool)
    lead = await factories.staff(pool, team_id=team, role="safeguarding_lead")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="13to17")
    context = await browser.new_context(viewport={"width": 360, "height": 640})
    page = await context.new_page()
    found = []

    await page.goto(f"{server}/t/{touchpoint.code}/contact?a=13to17")
    found += await violations(page, "contact")
    await page.get_by_role("button", name="Send").click()
    found += await violations(page, "contact with problem")
    await page.get_by_label("How can we reach you?").fill("07700 900123 after school")
    await page.get_by_role("button", name="Send").click()
    await page.get_by_role("heading", name="We will contact you").wait_for()
    found += await violations(page, "contact sent")
    await sign_in(page, server, lead, pool)
    await page.goto(f"{server}/staff/safeguarding")
    found += await violations(page, "queue")
    await page.get_by_role("link", name="Asked to be contacted").first.click()
    await page.get_by_role("heading", name="Asked to be contacted").wait_for()
    found += await violations(page, "queue item")
    await context.close()

    assert found == []
