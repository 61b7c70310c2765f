"""A learning review in a real browser, with the keyboard only (Tab, typing,
Space and Enter; no mouse): sign in, start a review, and go through its four
steps, each its own page saved on its own with a "saved" message: read what
people told us and answer a lesson a debrief raised "we will do this", write a
reflection, add an action and the one the lesson offers, publish "you said, we
did" in English and Welsh, and see it on the respondent's welcome page; the
printable review holds the three sources (families, debriefs, the culture
pulse) and the actions by source. axe-core finds no violations on any review
page."""

import datetime as dt
import uuid

from playwright.async_api import expect

from service.figures import grid
from service.figures.pulse import ended_quarter
from service.reviews.service import default_period
from service.touchpoints import codes
from tests import factories, truth
from tests.browser.test_accessibility import violations
from tests.browser.two_step import after_password

GOOD = {"listened": 5, "understood": 4, "respect": 5, "better": 4}
LESSON = "Invite the school nurse to every conference"
STATEMENTS = (
    "information_sought",
    "messengers_safe",
    "responsibility_shared",
    "partners_welcome",
    "failure_inquiry",
    "new_ideas",
)
POOR = {"listened": 2, "understood": 1, "respect": 2, "better": 1}


async def tab_to(page, locator, limit: int = 250) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    target = await locator.element_handle()
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("(element) => document.activeElement === element", target):
            return
    raise AssertionError(f"Tab never reached {locator}")


async def keyboard_sign_in(page, server, email: str, pool=None) -> None:
    await page.goto(f"{server}/staff")
    await tab_to(page, page.get_by_label("Email address"))
    await page.keyboard.type(email)
    await tab_to(page, page.get_by_label("Password"))
    await page.keyboard.type(factories.PASSWORD)
    await page.keyboard.press("Enter")
    await after_password(page, pool, email)  # administrators set up two-step verification first


async def _world(pool):
    team = await factories.team(pool, f"Keyboard Team {uuid.uuid4().hex[:4]}")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Kim Keyboard")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await factories.responses(pool, touchpoint, [GOOD] * 24 + [POOR] * 8)  # in the last whole month
    response_ids = await pool.fetch("select id, answers from responses where touchpoint_id = $1", touchpoint.id)
    await pool.executemany(
        "insert into free_text_answers (response_id, submitted_on, question_id, body) "
        "select id, submitted_on, 'anything_else', $2 from responses where id = $1",
        [
            (r["id"], "She explained everything." if r["answers"]["listened"] == 5 else "Nobody explained the plan.")
            for r in response_ids[::3]
        ],
    )
    debrief = await pool.fetchval(
        "insert into debriefs (team_id, code, name, deadline, closed_at) "
        "values ($1, $2, 'Conference for the K. family', current_date, now()) returning id",
        team,
        codes.new_code(),
    )
    await pool.execute(
        "insert into debrief_answers (debrief_id, submission_id, language, answered_on, texts) "
        "values ($1, $2, 'en-GB', current_date, $3)",
        debrief,
        uuid.uuid4(),
        {"raise": LESSON},
    )
    first, _ = ended_quarter(grid.last_whole_month(dt.date.today()))  # the quarter the review shows
    pulse = await factories.pulse_touchpoint(pool, team_id=team)
    await factories.pulse_answers(pool, pulse, [dict.fromkeys(STATEMENTS, 6)] * 12, on=first.replace(day=12))
    return team, manager, touchpoint


async def next_step(page, name: str) -> None:
    await tab_to(page, page.get_by_role("link", name=f"Next: {name}"))
    await page.keyboard.press("Enter")
    await page.get_by_role("link", name=name, exact=True).and_(page.locator("[aria-current=step]")).wait_for()


async def banner(page) -> str:
    return (await page.locator(".success-banner").inner_text()).strip()


async def test_a_whole_review_with_the_keyboard_only(page, server, pool):
    team, manager, touchpoint = await _world(pool)
    found: list[str] = []
    await keyboard_sign_in(page, server, await factories.email_of(pool, manager))

    await tab_to(page, page.get_by_role("link", name="Learning reviews"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Learning reviews of").wait_for()
    found += await violations(page, "team reviews")
    await tab_to(page, page.get_by_role("button", name="Start review"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Learning review:").wait_for()
    review_url = page.url
    assert await banner(page) == "Review started."
    found += await violations(page, "review, step 1")
    async with pool.acquire() as conn:  # 32, with the engine's adjustment
        shown = await truth.published(conn, team, *default_period(dt.date.today()), k=5)
    assert await page.get_by_text(f"{shown} responses", exact=True).count() == 1
    assert await page.get_by_label("What happened?").count() == 0  # each step on its own page
    assert await page.get_by_role("heading", name="How the team sees its own culture").count() == 1
    await tab_to(page, page.get_by_role("radio", name="We will do this"))
    await page.keyboard.press("Space")
    await tab_to(page, page.get_by_role("button", name="Send the response"))
    await page.keyboard.press("Enter")
    await page.get_by_text("Answered in this review").wait_for()
    found += await violations(page, "review, step 1, lesson answered")

    await next_step(page, "What we think")
    assert await page.locator(".success-banner").count() == 0
    await tab_to(page, page.get_by_label("What happened?"))
    await page.keyboard.type("Parents said the plan came too late.")
    await tab_to(page, page.get_by_role("button", name="Save reflections"))
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/think?done=reflections_saved")
    assert await banner(page) == "Reflections saved."
    assert await page.get_by_label("What happened?").input_value() == "Parents said the plan came too late."
    found += await violations(page, "review, step 2, saved")

    await next_step(page, "What we'll do")

    await tab_to(page, page.locator("#what"))  # the form for a new action (a lesson's own form is below)
    await page.keyboard.type("Send the plan two days before the meeting")
    assert await page.locator("#source").input_value() == "families"
    await tab_to(page, page.locator("#owner"))
    await page.keyboard.type("Duty senior")
    await tab_to(page, page.get_by_role("checkbox", name="I understand what happens next and why."))
    await page.keyboard.press("Space")
    await tab_to(page, page.get_by_role("button", name="Add action", exact=True))
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/do?done=action_added#actions")
    assert await banner(page) == "Action added."
    # on a phone the actions table stacks, and each cell says its column first
    added = page.get_by_role("cell", name="What: Send the plan two days before the meeting", exact=True)
    assert await added.count() == 1
    found += await violations(page, "review, step 3, saved, a lesson offered")
    assert await page.locator("textarea[id^=what-lesson-]").input_value() == LESSON  # prefilled with its words
    await tab_to(page, page.get_by_role("button", name="Add as an action"))
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/do?done=action_added#actions")
    # The address is the same as after the first action: expect waits for the new page, not wait_for_url.
    await expect(page.get_by_role("button", name="Add as an action")).to_have_count(0)  # one action per lesson
    assert (await page.locator("table.actions-debrief td").first.inner_text()).startswith(LESSON)

    await next_step(page, "What we tell people")

    await tab_to(page, page.locator("#text_0_you_said"))
    await page.keyboard.type("You told us the plan came too late.")
    await tab_to(page, page.locator("#text_0_we_did"))
    await page.keyboard.type("We now send it two days before every meeting.")
    await tab_to(page, page.locator("#text_1_language"))
    await page.keyboard.type("Cymraeg")  # a closed select chooses by typing, as it does for a keyboard user
    assert await page.locator("#text_1_language").input_value() == "cy"
    await tab_to(page, page.locator("#text_1_you_said"))
    await page.keyboard.type("Dywedoch wrthym fod y cynllun yn rhy hwyr.")
    await tab_to(page, page.locator("#text_1_we_did"))
    await page.keyboard.type("Rydym bellach yn ei anfon ddau ddiwrnod cyn pob cyfarfod.")
    await tab_to(page, page.get_by_role("button", name="Publish", exact=True))
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/tell?done=entry_published#you-said")
    assert await banner(page) == "Published: people see it on the welcome and thank-you pages."
    found += await violations(page, "review, step 4, published")

    await page.goto(review_url.split("?")[0] + "/print")
    found += await violations(page, "printable review")
    assert await page.get_by_text("Parents said the plan came too late.").count() == 1
    for heading in ("What debriefs raised", "How the team sees its own culture"):
        assert await page.get_by_role("heading", name=heading).count() == 1
    assert await page.get_by_text("Management responded: we will do this.").count() == 1
    assert await page.get_by_role("row", name="In this team, people actively seek out").count() == 1
    families = page.locator("table.actions-families")
    assert await families.get_by_text("Send the plan two days before the meeting").count() == 1
    assert (await page.locator("table.actions-debrief td").first.inner_text()).startswith(LESSON)
    assert await page.locator("form[action*=debrief-lessons]").count() == 0  # paper: no answer forms
    entry_id = await pool.fetchval("select id from you_said_we_did where team_id = $1", team)
    for path in [
        f"/staff/entries/{entry_id}",
        f"/staff/entries/{entry_id}/print/under8/postcard?lang=cy",
        f"/staff/entries/{entry_id}/print/parent/poster?lang=en-GB",
    ]:
        await page.goto(server + path)
        found += await violations(page, path)

    await page.goto(f"{server}/t/{touchpoint.code}?lang=en-GB")
    assert await page.get_by_text("We now send it two days before every meeting.").count() == 1
    found += await violations(page, "welcome with you said, we did")
    await page.goto(f"{server}/t/{touchpoint.code}/thanks?lang=cy")
    assert await page.get_by_text("Rydym bellach yn ei anfon ddau ddiwrnod cyn pob cyfarfod.").count() == 1
    found += await violations(page, "thanks in Welsh")
    assert found == []


async def test_the_admin_overview_has_no_axe_violations(browser, server, pool):
    admin = await factories.staff(pool, role=None, admin=True)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()

    await keyboard_sign_in(page, server, await factories.email_of(pool, admin), pool)
    await tab_to(page, page.get_by_role("link", name="What helped, across teams"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="What helped, across teams").wait_for()
    found = await violations(page, "admin actions")
    await context.close()

    assert found == []
