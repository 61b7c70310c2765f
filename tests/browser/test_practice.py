"""A practitioner's reflection and the team culture pulse in Chromium: written, shared and printed with JavaScript
off; the CPD record prints on A4; staff answer the pulse on a phone with JavaScript off; the team sees it in a
learning review; axe-core finds no violations on any new page."""

from __future__ import annotations

import datetime as dt
import uuid

import pypdfium2
from playwright.async_api import Browser

from service.figures import grid
from service.figures.pulse import ended_quarter
from tests import factories
from tests.browser.test_accessibility import violations

MM_PER_POINT = 25.4 / 72
STATEMENTS = (
    "information_sought",
    "messengers_safe",
    "responsibility_shared",
    "partners_welcome",
    "failure_inquiry",
    "new_ideas",
)


async def _signed_in(browser: Browser, server: str, pool, staff_id: int, *, javascript: bool):
    token, _ = await factories.session(pool, staff_id)
    context = await browser.new_context(
        viewport={"width": 1024, "height": 768}, locale="en-GB", java_script_enabled=javascript
    )
    await context.add_cookies([{"name": "heard_staff", "value": token, "url": server}])
    return context, await context.new_page()


async def test_a_reflection_is_written_shared_and_printed_without_javascript(browser, server, pool):
    team = await factories.team(pool, f"Reflect {uuid.uuid4().hex[:4]}")
    writer = await factories.staff(pool, team_id=team, role="practitioner", name="Ria Reflects")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Max Supervises")
    context, page = await _signed_in(browser, server, pool, writer, javascript=False)

    await page.goto(f"{server}/staff/me")
    await page.get_by_role("link", name="Your reflections").first.click()
    await page.get_by_role("link", name="Write a new entry").click()
    await page.get_by_label("Title").fill("Home visit after the school called")
    await page.get_by_label("What happened?").fill("Mum was angry that the school called us first.")
    await page.get_by_label("What will I do differently?").fill("Ask the school to tell mum before they call.")
    await page.get_by_role("button", name="Save the entry").click()
    await page.get_by_role("heading", name="Home visit after the school called").wait_for()
    await page.get_by_label("Share it with one of your managers (for supervision)").select_option(
        label="Max Supervises"
    )
    await page.get_by_role("button", name="Save who can see it").click()
    await page.get_by_text("Shared with Max Supervises. Nobody else can see it.").wait_for()
    await page.get_by_role("link", name="Your reflections").first.click()
    await page.get_by_label("Choose, written").first.check()
    await page.get_by_role("button", name="Make a CPD record of the chosen entries").click()
    await page.get_by_role("heading", name="CPD record of reflective practice: Ria Reflects").wait_for()
    await context.close()

    context, page = await _signed_in(browser, server, pool, writer, javascript=True)
    found = []
    await page.goto(f"{server}/staff/me/reflections")
    found += await violations(page, "reflections")
    await page.goto(f"{server}/staff/me/reflections/new")
    found += await violations(page, "new reflection")
    await page.get_by_role("button", name="Save the entry").click()  # empty: problems shown
    await page.locator(".problem-summary").wait_for()
    found += await violations(page, "reflection with problems")
    entry_id = await pool.fetchval("select id from reflections where staff_id = $1", writer)
    await page.goto(f"{server}/staff/reflections/{entry_id}")
    found += await violations(page, "reflection")
    await page.goto(f"{server}/staff/reflections/{entry_id}/edit")
    found += await violations(page, "reflection edit")
    await page.goto(f"{server}/staff/me/reflections/print?entry={entry_id}")
    found += await violations(page, "CPD record")
    pdf = await page.pdf(prefer_css_page_size=True)
    await context.close()

    context, page = await _signed_in(browser, server, pool, manager, javascript=False)
    await page.goto(f"{server}/staff/me/reflections")
    await page.get_by_role("link", name="Home visit after the school called").click()
    shown = await page.locator("main").inner_text()
    await context.close()

    assert found == []
    document = pypdfium2.PdfDocument(pdf)
    assert [tuple(round(side * MM_PER_POINT) for side in p.get_size()) for p in document] == [(210, 297)]
    assert "Mum was angry that the school called us first." in document[0].get_textpage().get_text_range()
    assert "Written by Ria Reflects" in shown and "Delete this entry" not in shown


async def test_staff_answer_the_pulse_on_a_phone_without_javascript_and_the_review_shows_it(browser, server, pool):
    team = await factories.team(pool, f"Pulse {uuid.uuid4().hex[:4]}")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Pat Pulse")
    touchpoint = await factories.pulse_touchpoint(pool, team_id=team)
    first, last = ended_quarter(grid.last_whole_month(dt.date.today()))
    await factories.pulse_answers(pool, touchpoint, [dict.fromkeys(STATEMENTS, 6)] * 12, on=first.replace(day=9))
    await factories.pulse_answers(
        pool, touchpoint, [dict.fromkeys(STATEMENTS, 6)] * 12, on=grid.add_months(first, -3).replace(day=9)
    )
    phone = await browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB", java_script_enabled=False)
    page = await phone.new_page()

    await page.goto(f"{server}/t/{touchpoint.code}")
    await page.get_by_role("link", name="Start").click()
    await (
        page.get_by_role("group", name="New ideas about how we work are welcomed here.")
        .get_by_label("Somewhat agree")
        .check()
    )
    await page.get_by_label("What would make it easier to learn from our work here?").fill("More time to talk.")
    await page.get_by_role("button", name="Send").click()
    await page.get_by_role("heading", name="Thank you").wait_for()
    await phone.close()
    stored = await factories.stored_responses(pool, touchpoint.id)

    context, page = await _signed_in(browser, server, pool, manager, javascript=True)
    found = []
    await page.goto(f"{server}/t/{touchpoint.code}")
    found += await violations(page, "pulse welcome")
    await page.goto(f"{server}/t/{touchpoint.code}/form/staff")
    found += await violations(page, "pulse form")
    await page.goto(f"{server}/staff/teams/{team}/culture")
    found += await violations(page, "culture page")
    culture_text = await page.locator("main").inner_text()
    await page.goto(f"{server}/staff/teams/{team}/reviews")
    await page.get_by_label("First month").select_option(f"{first:%Y-%m}")
    await page.get_by_label("Last month").select_option(f"{last:%Y-%m}")
    await page.get_by_role("button", name="Start review").click()
    await page.get_by_role("heading", name="How the team sees its own culture").wait_for()
    found += await violations(page, "review with the culture pulse")
    review_text = await page.locator("#review-culture").locator("..").inner_text()
    await context.close()

    assert found == []
    assert [(r["audience"], r["answers"]) for r in stored if r["answers"] == {"new_ideas": 5}] == [
        ("staff", {"new_ideas": 5})
    ]
    assert "people answered" in culture_text and "no clear change" in culture_text
    assert "people answered" in review_text and "no clear change" in review_text
