"""Summaries a social worker reads in a minute ("Your feedback", the team page),
in a real browser: one headline figure per question that agrees with its table,
no rows for questions nobody in the slice was asked, each audience's own
wording under a filter, hidden months folded into one line with the threshold
that applied, and "Show my QR code" one tap from the staff home."""

from __future__ import annotations

import datetime as dt
import re

from service.figures import grid
from tests import factories

PERCENT = re.compile(r"\d+(?:\.\d+)?%")


async def _signed_in(browser, server, pool, staff_id, *, width=1280, height=800):
    token, _ = await factories.session(pool, staff_id)
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    await context.add_cookies([{"name": "heard_staff", "value": token, "url": server + "/staff"}])
    return await context.new_page()


def _section(page, heading: str):
    return page.locator("section.question-summary", has=page.get_by_role("heading", name=heading, exact=True))


async def test_each_question_has_one_positive_figure_that_its_table_agrees_with(browser, server, pool):
    team = await factories.team(pool, "Two Figures Team")
    pat = await factories.staff(pool, team_id=team, name="Pat Figures")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=pat)
    # 50 responses; "respect" answered by 42 of them. Every level well over k_practitioner, so all are shown.
    await factories.responses(
        pool,
        touchpoint,
        [{"listened": 5, "respect": 5}] * 14
        + [{"listened": 3, "respect": 3}] * 14
        + [{"listened": 1, "respect": 1}] * 14
        + [{"listened": 5}] * 8,
    )
    page = await _signed_in(browser, server, pool, pat)

    await page.goto(f"{server}/staff/me")
    respect = _section(page, "I was treated with respect.")
    headline = PERCENT.search(await respect.locator(".headline").inner_text()).group()
    words = await respect.locator(".in-words").inner_text()
    await respect.locator("summary").click()
    rows = {
        await r.locator("th").inner_text(): await r.locator("td").inner_text()
        for r in await respect.locator("table").first.locator("tr").all()
    }

    # About 14 of 42 (each count carries its own adjustment of up to 2, so "a third" or a neighbouring phrase).
    assert re.match(
        r"About (a quarter|a third|two in five) of the \d+ people who answered gave a "
        r"positive answer",
        words,
    ), words
    assert "Likely between" in words and "95%" not in words
    assert list(rows) == ["Positive", "In between", "Negative"], "no 'not asked or not answered' row"
    assert rows["Positive"].endswith(f"({headline})"), "the table's positive figure is the headline's"
    shares = [float(PERCENT.search(v).group()[:-1]) for v in rows.values()]
    answered = int(re.search(r"of the (\d+) people", words).group(1))
    # Every share is of those who answered; the three counts are adjusted on their own (up to 2 each).
    assert abs(sum(shares) - 100) <= 100 * 3 * 2 / answered + 1.5, "every share is of those who answered"
    assert "95% Wilson score interval" in await page.locator("#how-we-work-this-out").text_content()
    await page.context.close()


async def test_questions_are_worded_for_the_chosen_audience_and_never_asked_ones_are_left_out(browser, server, pool):
    team = await factories.team(pool, "Wording Team")
    pat = await factories.staff(pool, team_id=team, name="Pat Wording")
    asks_who = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=pat, audience=None)
    await factories.responses(pool, asks_who, [{"listened": 5, "better": 4}] * 12, audience="8to12")
    await factories.responses(pool, asks_who, [{"listened": 4, "better": 2, "contact": "yes"}] * 12, audience="parent")
    page = await _signed_in(browser, server, pool, pat)

    await page.goto(f"{server}/staff/me")
    everyone = await page.locator("h3").all_inner_texts()
    await page.goto(f"{server}/staff/me?audience=8to12")
    children = await page.locator("h3").all_inner_texts()

    assert "Things are getting better for my family." in everyone
    assert "How did you take part in the meeting?" not in everyone, "asked only of 13 to 17s, none of whom answered"
    assert "Did the grown-up listen to you?" not in everyone
    assert "Are things getting better for you?" in children
    assert "Did your worker listen to you?" in children
    assert "Things are getting better for my family." not in children, "the parents' wording under an 8-12 filter"
    assert not any("contact your worker" in h for h in children), "a parents-only question under an 8-12 filter"
    assert await page.get_by_role("rowheader", name=re.compile("Not asked")).count() == 0
    await page.context.close()


async def test_runs_of_hidden_months_fold_into_one_line_saying_why_with_both_thresholds(browser, server, pool):
    team = await factories.team(pool, "Threshold Team")
    pat = await factories.staff(pool, team_id=team, name="Pat Threshold", shares=True)
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Mo Threshold")
    team_wide = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    pats = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=pat)
    first, last = grid.window(dt.date.today(), 6)
    months = grid.months(first, last)  # six whole months, oldest first
    # The last month: every level well over k_team, so its share is shown (an empty level would be hidden).
    await factories.responses(
        pool, team_wide, [{"listened": 5}, {"listened": 3}, {"listened": 1}] * 9, on=months[5].replace(day=10)
    )
    for month in (months[3], months[4]):  # all about Pat: k_practitioner (10) applies
        await factories.responses(pool, pats, [{"listened": 4}] * 3, on=month.replace(day=10))
    await factories.responses(pool, team_wide, [{"listened": 4}] * 2, on=months[2].replace(day=10))  # k_team (5)
    page = await _signed_in(browser, server, pool, manager)

    await page.goto(f"{server}/staff/teams/{team}?months=6")
    listened = _section(page, "The worker listened to me.")
    await listened.locator("summary").click()
    rows = [" ".join(r.split()) for r in await listened.locator("table.trend tr").all_inner_texts()]

    name = lambda m: m.strftime("%B %Y")  # noqa: E731
    reason = "Hidden: in each, fewer than 5 answers (10 when all are about one practitioner)"
    assert rows[-1].startswith(name(months[5])) and rows[-1].endswith("%"), rows
    assert rows[-2].endswith(
        f" to {name(months[4])} {reason}, or answers about a practitioner who has not shared their results."
    ), rows  # the three hidden months (and any empty ones), one line
    assert rows[-2].startswith(name(months[0])) or rows[-2].startswith(name(months[2])), rows
    assert len(rows) in (2, 3), rows
    await page.context.close()


async def test_show_my_qr_code_is_one_tap_from_the_staff_home_on_a_phone(browser, server, pool):
    team = await factories.team(pool, "One Tap Team")
    pat = await factories.staff(pool, team_id=team, name="Pat One Tap")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=pat)
    page = await _signed_in(browser, server, pool, pat, width=360, height=640)

    await page.goto(f"{server}/staff")
    button = page.get_by_role("link", name="Show my QR code")
    assert (await button.bounding_box())["y"] < 640, "above the fold"
    await button.click()

    await page.wait_for_url(f"**/staff/touchpoints/{touchpoint.id}/show")
    assert await page.locator("img.qr").is_visible()
    await page.context.close()
