"""The reading list and the page after a disclosure, in Chromium: an answer the
flagger misses reaches the readers (not the practitioner it is about); a reader
works through 20 items by keyboard alone; the thank-you address carries no
flag; a phone number reads left to right on the Arabic page."""

import datetime as dt

from playwright.async_api import expect

from tests import factories
from tests.browser.respondent import answer
from tests.browser.test_accessibility import violations
from tests.browser.test_staff import sign_in

MISSED = "I stay at Kayden Okafor's flat some nights and nobody minds"


async def _reading_team(pool, name):
    team = await factories.team(pool, name)
    practitioner = await factories.staff(pool, team_id=team, role="reader", name="Pat Practitioner")
    reader = await factories.staff(pool, team_id=team, role="reader", name="Rhian Reader")
    touchpoint = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=practitioner, audience="13to17"
    )
    return team, practitioner, reader, touchpoint


async def test_an_answer_the_flagger_misses_reaches_the_reader_and_not_the_practitioner(browser, server, pool):
    _, practitioner, reader, touchpoint = await _reading_team(pool, "Reading Browser Team")
    respondent = await (await browser.new_context(viewport={"width": 360, "height": 640})).new_page()
    await respondent.goto(f"{server}/t/{touchpoint.code}/form/13to17")
    await answer(respondent, [("My worker listened to what I had to say.", "Agree")], MISSED)
    await respondent.get_by_role("button", name="Send").click()
    await respondent.get_by_role("heading", name="Thank you").wait_for()
    staff_page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()

    await sign_in(staff_page, server, reader, pool)
    await staff_page.get_by_role("link", name="The reading list").click()

    await expect(staff_page.get_by_text(MISSED)).to_be_visible()
    found = await violations(staff_page, "reading list")
    await staff_page.get_by_role("link", name="Open on its own page").first.click()
    await staff_page.get_by_role("heading", name="A written answer").wait_for()
    found += await violations(staff_page, "reading item")
    await staff_page.context.clear_cookies()
    await sign_in(staff_page, server, practitioner, pool)
    await staff_page.goto(f"{server}/staff/reading")
    await expect(staff_page.get_by_role("heading", name="Reading list")).to_be_visible()
    assert await staff_page.get_by_text("Kayden").count() == 0, "never the practitioner the touchpoint is about"
    assert found == []
    await respondent.context.close()
    await staff_page.context.close()


async def test_a_reader_works_through_twenty_items_with_the_keyboard(browser, server, pool):
    team, _, reader, touchpoint = await _reading_team(pool, "Keyboard Team")
    async with pool.acquire() as conn:
        await conn.executemany(
            "insert into reading_items (team_id, touchpoint_id, kind, body, audience, language, arrived_on, arrived_at) "
            "values ($1, $2, 'answer', $3, '13to17', 'en-GB', current_date, now() - make_interval(mins => $4))",
            [(team, touchpoint.id, f"Keyboard answer {n}", 60 - n) for n in range(20)],
        )
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await sign_in(page, server, reader, pool)
    await page.goto(f"{server}/staff/reading")

    await page.keyboard.press("j")
    for n in range(20):
        focused = await page.evaluate("document.activeElement.closest('.reading-item').textContent")
        assert f"Keyboard answer {n}" in focused, f"item {n} has the focus"
        await page.keyboard.press("1")
        await page.keyboard.press("Enter")
        await page.wait_for_load_state()
        if n < 19:
            await page.wait_for_function(
                "n => ((document.activeElement && document.activeElement.closest('.reading-item')) || {})"
                ".textContent?.includes('Keyboard answer ' + n)",
                arg=n + 1,
            )

    await expect(page.get_by_text("Nothing is waiting to be read.")).to_be_visible()
    outcomes = await pool.fetch("select outcome, closed_by from reading_items where touchpoint_id = $1", touchpoint.id)
    assert len(outcomes) == 20 and {(r["outcome"], r["closed_by"]) for r in outcomes} == {("read", reader)}
    await page.context.close()


async def test_after_a_disclosure_the_address_and_history_show_no_flag(browser, server, pool):
    _, _, _, touchpoint = await _reading_team(pool, "History Team")
    page = await (await browser.new_context(viewport={"width": 360, "height": 640})).new_page()
    await page.goto(f"{server}/t/{touchpoint.code}/form/13to17")
    await answer(page, [("My worker listened to what I had to say.", "Agree")], "my dad hits me when hes angry")

    await page.get_by_role("button", name="Send").click()
    await page.get_by_role("heading", name="Need help now?").wait_for()

    assert "support" not in page.url and "flag" not in page.url
    assert await page.title() == "Thank you – Heard"
    await expect(page.get_by_role("link", name="I'd like someone to contact me")).to_have_class("button contact-button")
    await expect(page.get_by_role("link", name="Chat to Childline online")).to_be_visible()
    assert await page.get_by_text("You can close this page now").count() == 0
    assert await violations(page, "thank-you after a disclosure") == []
    await page.context.close()


async def test_the_arabic_page_reads_the_childline_number_left_to_right(browser, server, pool):
    _, _, _, touchpoint = await _reading_team(pool, "Arabic Team")
    page = await (await browser.new_context(viewport={"width": 360, "height": 640}, locale="ar")).new_page()
    await page.goto(f"{server}/t/{touchpoint.code}/form/13to17?lang=ar")
    await page.locator("input[name=q_listened][value='4']").check()
    await page.locator("textarea").fill("زوج أمي يضربني")
    await page.locator("form button[type=submit]").last.click()
    number = page.locator(".support a[href='tel:08001111'] .phone")
    await number.wait_for()

    direction = await number.evaluate("el => getComputedStyle(el).direction")
    page_direction = await page.evaluate("getComputedStyle(document.body).direction")
    # Where Chromium drew each half: "0800" must be left of "1111", as on a phone's keypad.
    positions = await number.evaluate("""el => {
        const text = el.firstChild, at = s => { const r = document.createRange(); const i = text.data.indexOf(s);
            r.setStart(text, i); r.setEnd(text, i + s.length); return r.getBoundingClientRect().left; };
        return [at("0800"), at("1111")]; }""")

    assert page_direction == "rtl" and direction == "ltr"
    assert await number.inner_text() == "0800 1111"
    assert positions[0] < positions[1], f"0800 is drawn at x={positions[0]}, 1111 at x={positions[1]}"
    assert (await page.locator("html").get_attribute("dir")) == "rtl"
    await page.context.close()


async def test_a_manager_sees_the_backlog_and_chooses_readers(browser, server, pool):
    team = await factories.team(pool, "Backlog Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Mo Manager")
    newcomer = await factories.staff(pool, team_id=team, role="practitioner", name="Nia Newcomer")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="parent")
    await pool.execute(
        "insert into reading_items (team_id, touchpoint_id, kind, body, audience, language, arrived_on, arrived_at) "
        "values ($1, $2, 'answer', 'waiting words', 'parent', 'en-GB', $3, now() - interval '2 hours 10 minutes')",
        team,
        touchpoint.id,
        dt.date.today(),
    )
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await sign_in(page, server, manager, pool)

    await page.get_by_role("link", name="Backlog Team").click()
    await expect(page.locator("#reading-backlog")).to_contain_text("1 unread · oldest unread: 2 h")
    await page.get_by_role("link", name="Who reads").click()
    found = await violations(page, "readers")
    await page.get_by_role("button", name="Make Nia Newcomer a reader").click()
    await expect(page.get_by_role("button", name="Stop Nia Newcomer reading")).to_be_visible()

    assert found == []
    assert "reader" in await pool.fetchval("select array_agg(role) from team_members where staff_id = $1", newcomer)
    await page.context.close()
