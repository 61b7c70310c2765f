"""Debriefs in Chromium: a practitioner opens one and invites by link; partners with no account answer on a phone
(360×640) with JavaScript off; the opener closes it; the group reads what everyone said (with where each person
works only when 3 or more answered); a lesson raised with management is answered by the manager in the learning
review and the answer reaches the group. axe-core finds no violations on any debrief page."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from tests import factories
from tests.browser.test_accessibility import violations

PHONE = {"width": 360, "height": 640}


async def _staff_page(browser, server, pool, staff_id, *, javascript=False):
    token, _ = await factories.session(pool, staff_id)
    context = await browser.new_context(viewport={"width": 1024, "height": 768}, java_script_enabled=javascript)
    await context.add_cookies([{"name": "heard_staff", "value": token, "url": server}])
    return await context.new_page()


async def _partner_page(browser, *, javascript=False, locale="en-GB"):
    context = await browser.new_context(viewport=PHONE, java_script_enabled=javascript, locale=locale)
    return await context.new_page()


async def _world(pool):
    team = await factories.team(pool, f"Debrief Browser {uuid.uuid4().hex[:4]}")
    practitioner = await factories.staff(pool, team_id=team, name="Pat Opener")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Max Manager")
    return team, practitioner, manager


async def _open(page, server, name):
    await page.goto(f"{server}/staff/debriefs")
    await page.get_by_label("The piece of work").fill(name)
    await page.get_by_label("Answers close at the end of").fill((dt.date.today() + dt.timedelta(days=5)).isoformat())
    await page.get_by_role("button", name="Open the debrief").click()
    await page.get_by_role("heading", name=f"Debrief: {name}").wait_for()
    return re.search(r"/d/[a-z0-9]{13}", await page.locator(".short-link a").get_attribute("href")).group(0)


async def _answer(browser, server, link, role, words, raise_=""):
    page = await _partner_page(browser)
    await page.goto(f"{server}{link}")
    await page.get_by_label(role).check()
    await page.get_by_role("textbox", name="What went well?").fill(words)
    if raise_:
        await page.get_by_role("textbox", name="Is there anything to raise with management?").fill(raise_)
    await page.get_by_role("button", name="Send my answers").click()
    await page.get_by_role("heading", name="Thank you: your answers are in.").wait_for()
    await page.context.close()


async def test_a_debrief_from_opening_to_the_manager_s_answer_without_javascript(browser, server, pool):
    team, practitioner, manager = await _world(pool)
    opener = await _staff_page(browser, server, pool, practitioner)
    link = await _open(opener, server, "Strategy meeting for the K. family")

    await _answer(browser, server, link, "A school or nursery", "Attendance data came early")
    await _answer(
        browser,
        server,
        link,
        "Health",
        "The health visitor joined by phone",
        raise_="Book a room with a phone line for every strategy meeting",
    )
    await _answer(browser, server, link, "Police", "Police checks were back in time")
    partner = await _partner_page(browser)
    await partner.goto(f"{server}{link}")
    before = await partner.locator("main").inner_text()
    await opener.reload()
    await opener.get_by_role("button", name="Close now and share the answers").click()
    await opener.get_by_role("heading", name="What everyone said").wait_for()
    await partner.reload()
    after = await partner.locator("main").inner_text()

    assert "Attendance data came early" not in before
    assert "Attendance data came early" in after and "Police checks were back in time" in after
    assert "People who answered: 3" in after
    assert await partner.get_by_role("heading", name="Police").count() == 1  # 3 answered: where each works shows
    assert "Waiting for a response from management." in after

    review_id = await pool.fetchval(
        "insert into reviews (team_id, period_start, period_end, survey_id) values ($1, $2, $2, $3) returning id",
        team,
        dt.date.today().replace(day=1),
        factories.SURVEY,
    )
    boss = await _staff_page(browser, server, pool, manager)
    await boss.goto(f"{server}/staff/teams/{team}")
    assert "Book a room with a phone line" in await boss.locator("#raised-lessons").inner_text()
    await boss.goto(f"{server}/staff/reviews/{review_id}")
    await boss.get_by_label("We will do this").check()
    await boss.get_by_role("button", name="Send the response").click()
    await boss.get_by_role("heading", name="Answered in this review").wait_for()
    await partner.reload()

    assert "Management responded: we will do this." in await partner.locator("main").inner_text()
    for page in (opener, boss, partner):
        await page.context.close()


async def test_fewer_than_three_answers_show_nobody_s_service_in_the_browser(browser, server, pool):
    team, practitioner, _ = await _world(pool)
    opener = await _staff_page(browser, server, pool, practitioner)
    link = await _open(opener, server, "Home visit with the L. family")
    await _answer(browser, server, link, "Police", "Came quickly")
    await _answer(browser, server, link, "Health", "The GP letter helped")
    await opener.reload()
    await opener.get_by_role("button", name="Close now and share the answers").click()

    partner = await _partner_page(browser)
    await partner.goto(f"{server}{link}")
    text = await partner.locator("main").inner_text()

    assert "Fewer than 3 people answered" in text
    assert "Came quickly" in text and "The GP letter helped" in text
    assert await partner.get_by_role("heading", name="Police").count() == 0
    assert await partner.get_by_role("heading", name="Health").count() == 0
    assert "Police" not in text and "Health" not in text
    await opener.context.close()
    await partner.context.close()


async def test_every_debrief_page_has_no_axe_violations(browser, server, pool):
    team, practitioner, manager = await _world(pool)
    found: list[str] = []
    staff = await _staff_page(browser, server, pool, practitioner, javascript=True)
    await staff.goto(f"{server}/staff/debriefs")
    found += await violations(staff, "debrief list")
    await staff.get_by_role("button", name="Open the debrief").click()
    await staff.locator(".problem").first.wait_for()
    found += await violations(staff, "open form with problems")
    link = await _open(staff, server, "Review meeting for J., 3 Dec")
    found += await violations(staff, "open debrief (invitation)")

    for lang in ("en-GB", "ar"):
        partner = await _partner_page(browser, javascript=True, locale=lang)
        await partner.goto(f"{server}{link}?lang={lang}")
        found += await violations(partner, f"answer page ({lang})")
        await partner.locator("button.send").click()
        await partner.locator("#problems").wait_for()
        found += await violations(partner, f"answer page with problems ({lang})")
        await partner.locator("input[type=radio]").first.check()
        await partner.locator("textarea").first.fill("Clear roles from the start")
        await partner.locator("textarea").last.fill("More time to prepare reports")
        await partner.locator("button.send").click()
        await partner.locator("h1").wait_for()
        found += await violations(partner, f"thank-you page ({lang})")
        await partner.context.close()

    await staff.reload()
    await staff.get_by_role("button", name="Close now and share the answers").click()
    await staff.get_by_role("heading", name="What everyone said").wait_for()
    found += await violations(staff, "closed debrief, pooled")
    for lang in ("en-GB", "ar"):
        partner = await _partner_page(browser, javascript=True, locale=lang)
        await partner.goto(f"{server}{link}?lang={lang}")
        found += await violations(partner, f"results, pooled ({lang})")
        await partner.context.close()

    review_id = await pool.fetchval(
        "insert into reviews (team_id, period_start, period_end, survey_id) values ($1, $2, $2, $3) returning id",
        team,
        dt.date.today().replace(day=1),
        factories.SURVEY,
    )
    boss = await _staff_page(browser, server, pool, manager, javascript=True)
    await boss.goto(f"{server}/staff/teams/{team}")
    found += await violations(boss, "team page with a lesson waiting")
    await boss.goto(f"{server}/staff/reviews/{review_id}")
    found += await violations(boss, "review with debriefs")
    await boss.get_by_label("Not now, because…").first.check()  # two lessons wait: one from each partner
    await boss.get_by_role("button", name="Send the response").first.click()
    await boss.locator(".problem").first.wait_for()
    found += await violations(boss, "response with a problem")
    await boss.get_by_label('Why (needed for "not now")?').fill("The budget is set until April")
    await boss.get_by_role("button", name="Send the response").click()
    await boss.get_by_role("heading", name="Answered in this review").wait_for()
    found += await violations(boss, "review with an answered lesson")

    await boss.context.close()
    await staff.context.close()
    assert found == []
