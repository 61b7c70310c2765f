"""A learning review's three sources and the actions that came from each, over HTTP against the real database:
an action says where it came from (what families said, a debrief, the culture pulse) and the review's tables are
grouped by it; a lesson a manager answered "we will do this" is offered as an action, prefilled, linked to the
lesson and never added twice; the printable review and the Markdown export carry what debriefs raised (with the
answers), the culture pulse with the same suppression as the screen, and the actions by source."""

from __future__ import annotations

import re
from html import unescape

import asyncpg
import pytest

from service.figures import grid
from service.figures.pulse import ended_quarter
from service.reviews.service import default_period
from service.settings import load_settings
from service.touchpoints import codes
from tests import factories

LESSON = "We need a shared calendar with health visitors"
STATEMENTS = (
    "information_sought",
    "messengers_safe",
    "responsibility_shared",
    "partners_welcome",
    "failure_inquiry",
    "new_ideas",
)


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"heard_staff={token}"}


@pytest.fixture
async def world(pool):
    team = await factories.team(pool, "Sources Team")
    other = await factories.team(pool, "Sources Other Team")
    people = {
        "manager": await factories.staff(pool, team_id=team, role="team_manager", name="Sam Sources"),
        "member": await factories.staff(pool, team_id=team, name="Mia Member"),
    }
    sessions = {who: await factories.session(pool, staff_id) for who, staff_id in people.items()}
    first, last = default_period(load_settings({}).today())
    review_id = await pool.fetchval(
        "insert into reviews (team_id, period_start, period_end, created_by, survey_id) "
        "values ($1, $2, $3, $4, $5) returning id",
        team,
        first,
        grid.last_day(last),
        people["manager"],
        factories.SURVEY,
    )
    return {
        "team": team,
        "other": other,
        "people": people,
        "sessions": sessions,
        "review": review_id,
        "lesson": await _raised_lesson(pool, team, LESSON, "CP conference for the M. family"),
        "other_lesson": await _raised_lesson(pool, other, "Another team's lesson", "Other team's debrief"),
    }


async def _raised_lesson(pool, team_id: int, words: str, name: str) -> int:
    """A closed debrief of the team with one answer raising `words` with management: the answer's id."""
    debrief_id = await pool.fetchval(
        "insert into debriefs (team_id, code, name, deadline, closed_at) "
        "values ($1, $2, $3, current_date, now()) returning id",
        team_id,
        codes.new_code(),
        name,
    )
    return await pool.fetchval(
        "insert into debrief_answers (debrief_id, submission_id, language, answered_on, texts) "
        "values ($1, gen_random_uuid(), 'en-GB', current_date, $2) returning id",
        debrief_id,
        {"went_well": "Good teamwork", "raise": words},
    )


async def _get(client, world, who, path):
    client.cookies.clear()
    return await client.get(path, headers=_cookie(world["sessions"][who][0]))


async def _post(client, world, who, path, data):
    client.cookies.clear()
    token, csrf = world["sessions"][who]
    return await client.post(path, data={**data, "csrf_token": csrf}, headers=_cookie(token))


async def _answer(client, world, response="will_do", because=""):
    answered = await _post(
        client,
        world,
        "manager",
        f"/staff/reviews/{world['review']}/debrief-lessons/{world['lesson']}",
        {"response": response, "because": because},
    )
    assert answered.status_code == 303, answered.text[:300]


async def _actions(pool, review_id: int) -> list[dict]:
    rows = await pool.fetch(
        "select what, source, lesson_answer_id from review_actions where review_id = $1 order by id", review_id
    )
    return [dict(r) for r in rows]


async def test_a_will_do_lesson_is_offered_as_an_action_linked_to_it_and_never_added_twice(client, world, pool):
    review, lesson = world["review"], world["lesson"]
    await _answer(client, world)

    told = await _get(client, world, "manager", f"/staff/reviews/{review}")
    offered = await _get(client, world, "manager", f"/staff/reviews/{review}/do")
    member_sees = await _get(client, world, "member", f"/staff/reviews/{review}/do")
    form = {
        "source": f"lesson-{lesson}",
        "what": "Book a shared calendar with the health visitors",
        "owner": "Deputy manager",
    }
    added = await _post(client, world, "manager", f"/staff/reviews/{review}/actions", form)
    again = await _post(client, world, "manager", f"/staff/reviews/{review}/actions", form | {"what": "Twice"})
    await _answer(client, world)  # answered "will do" a second time
    after = await _get(client, world, "manager", f"/staff/reviews/{review}/do")

    assert f'href="/staff/reviews/{review}/do#lesson-{lesson}"' in told.text  # step 1 points to the offer
    assert "Lessons from debriefs the team will act on" in offered.text
    assert re.search(rf'<textarea id="what-lesson-{lesson}" name="what"[^>]*>{LESSON}</textarea>', offered.text)
    assert f'value="lesson-{lesson}"' in offered.text
    assert f"what-lesson-{lesson}" not in member_sees.text  # members who don't run the review get no form
    assert added.status_code == again.status_code == 303
    assert await _actions(pool, review) == [
        {"what": "Book a shared calendar with the health visitors", "source": "debrief", "lesson_answer_id": lesson}
    ]
    assert f"what-lesson-{lesson}" not in after.text  # the offer is gone once the lesson has its action
    table = re.search(r'<table class="data stack actions-debrief">.*?</table>', after.text, re.S).group(0)
    assert "Book a shared calendar with the health visitors" in table
    assert "CP conference for the M. family" in table and "/staff/debriefs/" in table
    assert "actions-families" not in after.text and "actions-culture" not in after.text


async def test_lessons_answered_otherwise_are_not_offered_but_may_be_chosen(client, world, pool):
    await _answer(client, world, "not_now", "Budget is set until April")

    page = await _get(client, world, "manager", f"/staff/reviews/{world['review']}/do")

    assert "Lessons from debriefs the team will act on" not in page.text
    assert f'<option value="lesson-{world["lesson"]}">CP conference for the M. family: {LESSON}</option>' in page.text


async def test_the_source_is_chosen_on_the_action_form_and_the_tables_are_grouped_by_it(client, world, pool):
    review = world["review"]
    path = f"/staff/reviews/{review}/actions"

    culture = await _post(client, world, "manager", path, {"what": "Talk about bad news first", "source": "culture"})
    families = await _post(client, world, "manager", path, {"what": "Send the plan earlier"})  # the default
    unknown = await _post(client, world, "manager", path, {"what": "From nowhere", "source": "gossip"})
    elsewhere = await _post(
        client, world, "manager", path, {"what": "Not ours", "source": f"lesson-{world['other_lesson']}"}
    )
    member = await _post(client, world, "member", path, {"what": "Members may not", "source": "culture"})
    page = await _get(client, world, "member", f"/staff/reviews/{review}/do")

    assert culture.status_code == families.status_code == 303
    assert unknown.status_code == elsewhere.status_code == 422
    assert "Please choose one of the options." in unescape(unknown.text)
    assert 'value="From nowhere"' not in unknown.text and "From nowhere" in unknown.text  # kept in the textarea
    assert member.status_code == 403
    assert await _actions(pool, review) == [
        {"what": "Talk about bad news first", "source": "culture", "lesson_answer_id": None},
        {"what": "Send the plan earlier", "source": "families", "lesson_answer_id": None},
    ]
    families_at = page.text.index("From what families said</caption>")
    culture_at = page.text.index("From the culture pulse</caption>")
    assert families_at < culture_at  # in the order the review reads its sources
    assert "Send the plan earlier" in page.text[families_at:culture_at]
    assert "Talk about bad news first" in page.text[culture_at:]


async def test_the_database_keeps_an_action_s_source_honest(pool, world):
    plain = await pool.fetchval(
        "insert into review_actions (review_id, team_id, what) values ($1, $2, 'x') returning source",
        world["review"],
        world["team"],
    )
    with pytest.raises(asyncpg.CheckViolationError):  # a lesson's action comes from a debrief
        await pool.execute(
            "insert into review_actions (review_id, team_id, what, source, lesson_answer_id) "
            "values ($1, $2, 'y', 'families', $3)",
            world["review"],
            world["team"],
            world["lesson"],
        )

    assert plain == "families"  # as every action agreed before sources existed


def _pulse_quarter():
    return ended_quarter(grid.last_whole_month(load_settings({}).today()))


async def _pulse(pool, team: int, people: int) -> None:
    first, _ = _pulse_quarter()
    touchpoint = await factories.pulse_touchpoint(pool, team_id=team)
    await factories.pulse_answers(pool, touchpoint, [dict.fromkeys(STATEMENTS, 6)] * people, on=first.replace(day=12))


async def _exports(client, world) -> tuple[str, str, str]:
    review = world["review"]
    screen = await _get(client, world, "member", f"/staff/reviews/{review}")
    printed = await _get(client, world, "member", f"/staff/reviews/{review}/print")
    markdown = await _get(client, world, "member", f"/staff/reviews/{review}/export.md")
    assert screen.status_code == printed.status_code == markdown.status_code == 200
    return unescape(screen.text), unescape(printed.text), markdown.text


async def test_the_print_and_markdown_carry_debriefs_the_pulse_and_actions_by_source(client, world, pool):
    await _pulse(pool, world["team"], 20)
    await _answer(client, world)
    path = f"/staff/reviews/{world['review']}/actions"
    await _post(client, world, "manager", path, {"what": "Shared calendar", "source": f"lesson-{world['lesson']}"})
    await _post(client, world, "manager", path, {"what": "Talk about bad news first", "source": "culture"})

    screen, printed, markdown = await _exports(client, world)

    people = re.search(r"(\d+) people answered", screen).group(1)  # as the engine published it
    for text in (printed, markdown):
        assert "How the team sees its own culture" in text
        assert f"{people} people answered" in text
        assert "In this team, people actively seek out" in text
        assert "What debriefs raised" in text and LESSON in text
        assert "Management responded: we will do this." in text
        assert "From debriefs" in text and "From the culture pulse" in text
    assert "debrief-lessons" not in printed  # no answer forms on paper
    row = next(line for line in markdown.splitlines() if line.startswith("| In this team, people actively seek"))
    assert "%" in row and row.count("|") == 5
    assert "### From debriefs" in markdown and "### From the culture pulse" in markdown
    assert "| Shared calendar (CP conference for the M. family) |" in markdown
    debriefs_at, actions_at = markdown.index("### From debriefs"), markdown.index("### From the culture pulse")
    assert "Shared calendar" in markdown[debriefs_at:actions_at]
    assert "Talk about bad news first" in markdown[actions_at:]


async def test_a_pulse_below_five_people_is_hidden_in_the_exports_as_on_screen(client, world, pool):
    await _pulse(pool, world["team"], 4)

    screen, printed, markdown = await _exports(client, world)

    for text in (screen, printed, markdown):
        assert "Fewer than 5 people answered the culture pulse in this quarter" in text
        assert "people answered" not in text.replace("Fewer than 5 people answered", "")
        assert "In this team, people actively seek out" not in text
    assert "No lessons are waiting for an answer." not in markdown  # the raised lesson waits
    assert LESSON in markdown and "Waiting for an answer" in markdown


async def test_an_open_action_carried_from_an_earlier_review_keeps_its_source(client, world, pool):
    first, _ = default_period(load_settings({}).today())
    earlier = await pool.fetchval(
        "insert into reviews (team_id, period_start, period_end, survey_id) values ($1, $2, $3, $4) returning id",
        world["team"],
        grid.add_months(first, -3),
        grid.add_months(first, -1),
        factories.SURVEY,
    )
    await pool.execute(
        "insert into review_actions (review_id, team_id, what, source) "
        "values ($1, $2, 'Ask about bad news in supervision', 'culture')",
        earlier,
        world["team"],
    )

    page = await _get(client, world, "member", f"/staff/reviews/{world['review']}/do")
    markdown = (await _get(client, world, "member", f"/staff/reviews/{world['review']}/export.md")).text

    carried = page.text.split('id="carried"')[1].split('id="actions"')[0]
    assert "Ask about bad news in supervision" in carried and "From the culture pulse" in carried
    assert "- Ask about bad news in supervision (–; From the culture pulse)" in markdown
