"""What a member of staff is told after acting, in a real browser: the GOV.UK
error summary at the top of a form that came back ("There is a problem", the
focus on it, a link that puts the focus on the field), the success banner
after a create, save or publish, role names in words, no "Disable" on one's
own account, and the safeguarding queue's states. axe-core finds no
violations on any of these pages."""

import datetime as dt

from tests import factories
from tests.browser.test_accessibility import violations
from tests.browser.test_staff import sign_in


async def focused_id(page) -> str:
    return await page.evaluate("document.activeElement && document.activeElement.id")


async def banner(page) -> str:
    return (await page.locator(".success-banner").inner_text()).strip()


async def test_an_empty_action_gets_an_error_summary_whose_link_moves_focus_to_the_field(page, server, pool):
    team = await factories.team(pool, "Summary Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Sam Summary")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await factories.responses(pool, touchpoint, [{"listened": 5, "understood": 4}] * 12)
    await sign_in(page, server, manager, pool)
    await page.goto(f"{server}/staff/teams/{team}/reviews")
    await page.get_by_role("button", name="Start review").click()
    await page.get_by_role("heading", name="Learning review:").wait_for()
    await page.get_by_role("link", name="What we'll do", exact=True).click()

    await page.get_by_label("Owner (a role or a name)").fill("Duty senior")
    await page.get_by_role("button", name="Add action").click()
    await page.get_by_role("heading", name="There is a problem").wait_for()
    on_load = await focused_id(page)
    found = await violations(page, "review step 3 with a problem")
    await page.locator("#problems").get_by_role("link", name="Say what the team will try.").click()
    on_link = await focused_id(page)
    stored = await pool.fetchval(
        "select count(*) from review_actions a join reviews r on r.id = a.review_id where r.team_id = $1", team
    )

    assert on_load == "problems"  # the summary has the focus when the page comes back
    assert on_link == "what"  # the link puts the focus on the field itself
    assert (
        " ".join((await page.locator("#what-problem").text_content()).split()) == "Error: Say what the team will try."
    )
    assert await page.get_by_label("Owner (a role or a name)").input_value() == "Duty senior"  # kept
    assert await page.get_by_text("Please check the fields marked below").count() == 0
    assert stored == 0
    assert found == []


async def test_a_touchpoint_form_with_a_past_date_links_to_the_date(page, server, pool):
    team = await factories.team(pool, "Date Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    await sign_in(page, server, manager, pool)
    await page.goto(f"{server}/staff/teams/{team}/touchpoints")

    await page.get_by_label("Survey", exact=True).select_option(label="After a meeting with us")  # one of two
    await page.get_by_label("Kind of contact").select_option("home_visit")
    await page.get_by_label("Stop taking answers after (optional)").fill(f"{dt.date.today() - dt.timedelta(days=3)}")
    await page.get_by_role("button", name="Create touchpoint").click()
    await page.get_by_role("heading", name="There is a problem").wait_for()
    found = await violations(page, "touchpoints with a problem")
    await page.locator("#problems").get_by_role("link", name="Choose a date after today, or leave it empty.").click()

    assert await focused_id(page) == "expires_on"
    assert await page.locator("#expires_on").get_attribute("aria-invalid") == "true"
    assert await pool.fetchval("select count(*) from touchpoints where team_id = $1", team) == 0
    assert found == []


async def test_creating_saving_and_pausing_a_touchpoint_each_say_so(page, server, pool):
    team = await factories.team(pool, "Banner Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    await sign_in(page, server, manager, pool)
    await page.goto(f"{server}/staff/teams/{team}/touchpoints")
    assert await page.locator(".success-banner").count() == 0

    await page.get_by_label("Survey", exact=True).select_option(label="After a meeting with us")  # one of two
    await page.get_by_label("Kind of contact").select_option("home_visit")
    await page.get_by_role("button", name="Create touchpoint").click()
    await page.locator(".success-banner").wait_for()
    created = await banner(page)
    found = await violations(page, "touchpoint created")
    await page.get_by_label("Who answers").select_option("parent")
    await page.get_by_role("button", name="Save changes").click()
    await page.wait_for_url("**done=touchpoint_saved")
    saved = await banner(page)
    await page.get_by_role("button", name="Pause").click()
    await page.wait_for_url("**done=touchpoint_status_saved")
    paused = await banner(page)
    await page.goto(f"{server}/staff")
    stored = await pool.fetchrow("select audience, status from touchpoints where team_id = $1", team)

    assert (created, saved, paused) == ("Touchpoint created.", "Touchpoint saved.", "Touchpoint status changed.")
    assert (stored["audience"], stored["status"]) == ("parent", "paused")
    assert await page.locator(".success-banner").count() == 0  # the next page says nothing
    assert found == []


async def test_a_made_up_banner_in_the_address_shows_nothing(page, server, pool):
    team = await factories.team(pool, "Made Up Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    await sign_in(page, server, manager, pool)

    await page.goto(f"{server}/staff?done=%3Cb%3EYou%20won%3C/b%3E")

    assert await page.locator(".success-banner").count() == 0
    assert await page.get_by_text("You won").count() == 0


async def test_the_administrator_sees_role_names_in_words_and_no_disable_for_themselves(page, server, pool):
    team = await factories.team(pool, "Roles Team")
    await factories.staff(pool, team_id=team, role="team_manager", name="Rita Roles")
    await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Lee Lead")
    admin = await factories.staff(pool, role=None, admin=True, name="Ada Self")
    await sign_in(page, server, admin, pool)

    await page.goto(f"{server}/staff/admin/people")
    main = await page.locator("main").inner_text()
    found = await violations(page, "staff accounts")
    own_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Ada Self"))
    other_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Rita Roles"))

    assert "Roles Team: Team manager" in main and "Roles Team: Safeguarding lead" in main
    for raw in ("team_manager", "safeguarding_lead", "practitioner"):
        assert raw not in main
    assert await page.locator("#role option").all_inner_texts() == [
        "Practitioner",
        "Team manager",
        "Safeguarding lead",
        "Reader (reads every written answer)",
    ]
    assert await own_row.get_by_role("button", name="Disable").count() == 0
    assert await other_row.get_by_role("button", name="Disable Rita Roles").count() == 1
    assert found == []


async def test_the_safeguarding_queue_shows_and_filters_states(page, server, pool):
    team = await factories.team(pool, "Queue Team")
    lead = await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Quinn Queue")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="8to12")
    new = await factories.safeguarding_item(pool, touchpoint, "I am scared at home")
    opened = await factories.safeguarding_item(pool, touchpoint, "Someone hurts me")
    await sign_in(page, server, lead, pool)
    await page.goto(f"{server}/staff/safeguarding/{opened}")

    await page.goto(f"{server}/staff/safeguarding")
    rows = await page.locator("tbody tr").all_inner_texts()
    found = await violations(page, "safeguarding queue")
    await page.get_by_label("Show").select_option("new")
    await page.get_by_role("button", name="Show these").click()
    await page.wait_for_url("**show=new")
    only_new = await page.locator("tbody tr a").evaluate_all("links => links.map(a => a.getAttribute('href'))")

    assert len(rows) == 2
    assert "New" in rows[0] and "Being looked at" in rows[1] and "opened first by Quinn Queue" in rows[1]
    assert only_new == [f"/staff/safeguarding/{new}"]
    assert await page.get_by_role("table").get_by_text("New: nobody has opened them yet").count() == 1  # caption
    assert found == []
