"""Learning reviews over HTTP against the real database: who may start and
write reviews, the whole flow from summary to a published "you said, we did"
on the respondent's pages, exports, and that hidden figures stay hidden."""

import datetime as dt
import re

import pytest
from babel.numbers import format_percent

from service.figures import grid
from service.reviews.service import default_period
from tests import factories, truth

# The module-scoped fixtures below make rows every test here reads: emptied once, before the module.
pytestmark = pytest.mark.shared_rows

GOOD = {"listened": 5, "understood": 4, "respect": 5, "better": 4, "contact": "yes"}
POOR = {"listened": 2, "understood": 1, "respect": 3, "better": 2, "contact": "no"}
# In between on most questions, so every level of every question holds well over k answers (an empty level is
# hidden like any count below k, and a share is shown only when every level it is made of is shown).
MIDDLE = {"listened": 3, "understood": 3, "respect": 1, "better": 3, "contact": "not_sure"}


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"heard_staff={token}"}


@pytest.fixture(scope="module")
async def world(pool, client):
    team = await factories.team(pool, "Review Team Alpha")
    other_team = await factories.team(pool, "Review Team Beta")
    people = {
        "manager": await factories.staff(pool, team_id=team, role="team_manager", name="Maya Manager"),
        "allowed": await factories.staff(pool, team_id=team, name="Alf Allowed"),
        "member": await factories.staff(pool, team_id=team, name="Mel Member"),
        "lead": await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Lou Lead"),
        "other_manager": await factories.staff(pool, team_id=other_team, role="team_manager", name="Oz Other"),
        "admin": await factories.staff(pool, role=None, admin=True, name="Ada Admin"),
    }
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await factories.responses(pool, touchpoint, [GOOD] * 30 + [POOR] * 10 + [MIDDLE] * 8)  # in the last whole month
    sessions = {who: await factories.session(pool, staff_id) for who, staff_id in people.items()}
    first, last = default_period(dt.date.today())
    async with pool.acquire() as conn:
        total = await truth.truth(conn, team, first, last)
        levels = [
            await truth.truth(conn, team, first, last, f" and (r.answers->>'listened')::int {where}")
            for where in (">= 4", "= 3", "<= 2")
        ]
    k = 5
    shown = [truth.shown(*level, k) for level in levels]
    assert total[0] == 48 and None not in shown
    # What the engine publishes: counts with their adjustment, the share computed from two of them: who answered
    # positively, and who answered at all (everyone here, so the same responses and the same value as the total).
    listened = shown[0], truth.shown(*total, k)
    return {
        "team": team,
        "people": people,
        "sessions": sessions,
        "touchpoint": touchpoint,
        "responses": truth.shown(*total, k),
        "listened": listened,
    }


async def _get(client, world, who, path):
    client.cookies.clear()
    return await client.get(path, headers=_cookie(world["sessions"][who][0]))


async def _post(client, world, who, path, data):
    client.cookies.clear()
    token, csrf = world["sessions"][who]
    return await client.post(path, data={**data, "csrf_token": csrf}, headers=_cookie(token))


def _period() -> dict[str, str]:
    """The months the form suggests: the last three whole months."""
    first, last = default_period(dt.date.today())
    return {"first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}"}


def _responses(n: int) -> str:
    return f"{n} responses"


def _percent(part: int, whole: int) -> str:
    return format_percent(part / whole, locale="en_GB")


async def _start(client, world, who="manager", **extra) -> int:
    response = await _post(client, world, who, f"/staff/teams/{world['team']}/reviews", {**_period(), **extra})
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].split("?")[0].rsplit("/", 1)[-1])


async def test_a_team_manager_starts_a_review_and_reads_its_summary(client, world):
    review_id = await _start(client, world)

    page = await _get(client, world, "manager", f"/staff/reviews/{review_id}")

    positive, answered = world["listened"]
    assert page.status_code == 200
    assert _responses(world["responses"]) in page.text  # 40, with the engine's adjustment
    assert "not about who is to blame" in page.text
    assert _percent(positive, answered) in page.text  # about 30 of 48 positive on "listened"
    assert "95% interval" in page.text


@pytest.mark.parametrize("who", ["member", "lead", "other_manager", "admin"])
async def test_only_managers_and_members_they_allow_start_reviews(client, world, pool, who):
    before = await _post(client, world, who, f"/staff/teams/{world['team']}/reviews", _period())

    assert before.status_code == 403
    assert "/staff/reviews/" not in before.headers.get("location", "")


async def test_a_member_the_manager_allows_may_start_and_write_reviews(client, world):
    refused = await _post(client, world, "allowed", f"/staff/teams/{world['team']}/reviews", _period())
    granted = await _post(
        client,
        world,
        "manager",
        f"/staff/teams/{world['team']}/reviews/facilitators",
        {"staff_id": str(world["people"]["allowed"])},
    )

    review_id = await _start(client, world, "allowed")
    wrote = await _post(
        client,
        world,
        "allowed",
        f"/staff/reviews/{review_id}/reflections",
        {"reflection_expected": "We thought parents felt heard."},
    )
    member_wrote = await _post(
        client,
        world,
        "member",
        f"/staff/reviews/{review_id}/reflections",
        {"reflection_expected": "Overwritten by someone not allowed"},
    )
    page = await _get(client, world, "member", f"/staff/reviews/{review_id}/think")

    assert refused.status_code == 403 and granted.status_code == 303
    assert wrote.status_code == 303 and member_wrote.status_code == 403
    assert "We thought parents felt heard." in page.text  # members read the review
    assert "Overwritten" not in page.text
    assert f'action="/staff/reviews/{review_id}/reflections"' not in page.text  # but get no form


@pytest.mark.parametrize("who", ["other_manager", "admin"])
async def test_people_outside_the_team_cannot_read_its_reviews(client, world, who):
    review_id = await _start(client, world)

    page = await _get(client, world, who, f"/staff/reviews/{review_id}")
    export = await _get(client, world, who, f"/staff/reviews/{review_id}/export.md")
    listing = await _get(client, world, who, f"/staff/teams/{world['team']}/reviews")

    assert page.status_code == export.status_code == listing.status_code == 403
    assert _responses(world["responses"]) not in page.text + export.text
    assert "Review Team Alpha" not in listing.text


async def test_only_managers_choose_who_may_run_reviews(client, world):
    response = await _post(
        client,
        world,
        "allowed",
        f"/staff/teams/{world['team']}/reviews/facilitators",
        {"staff_id": str(world["people"]["member"])},
    )

    assert response.status_code == 403


async def test_a_review_period_that_has_not_ended_is_refused_with_a_message(client, world, pool):
    today = dt.date.today()
    before = await pool.fetchval("select count(*) from reviews where team_id = $1", world["team"])

    response = await _post(
        client,
        world,
        "manager",
        f"/staff/teams/{world['team']}/reviews",
        {"first_month": f"{grid.last_whole_month(today):%Y-%m}", "last_month": f"{today:%Y-%m}"},
    )
    after = await pool.fetchval("select count(*) from reviews where team_id = $1", world["team"])

    assert response.status_code == 422
    assert "Choose a month that has ended: figures cover whole months." in response.text
    assert after == before


async def test_the_form_offers_whole_months_and_a_day_means_its_month(client, world, pool):
    first, last = default_period(dt.date.today())

    form = await _get(client, world, "manager", f"/staff/teams/{world['team']}/reviews")
    # An old bookmarked form posting days: the review covers the whole months they fall in.
    started = await _post(
        client,
        world,
        "manager",
        f"/staff/teams/{world['team']}/reviews",
        {"period_start": first.replace(day=14).isoformat(), "period_end": last.replace(day=3).isoformat()},
    )
    review_id = int(started.headers["location"].split("?")[0].rsplit("/", 1)[-1])
    stored = await pool.fetchrow("select period_start, period_end from reviews where id = $1", review_id)

    offered = re.findall(r'<select id="first_month" name="first_month"[^>]*>(.*?)</select>', form.text, re.S)[0]
    months = re.findall(r'<option value="(\d{4}-\d{2})"', offered)
    assert months[0] == f"{last:%Y-%m}" and f"{dt.date.today():%Y-%m}" not in months  # ended months only
    assert re.search(rf'<option value="{first:%Y-%m}" selected>', offered)
    assert (stored["period_start"], stored["period_end"]) == (first, grid.last_day(last))  # whole months


async def test_the_full_flow_ends_on_the_respondents_pages_in_two_languages(client, world, pool):
    review_id = await _start(client, world)
    touchpoint = world["touchpoint"]

    reflections = await _post(
        client,
        world,
        "manager",
        f"/staff/reviews/{review_id}/reflections",
        {
            "reflection_happened": "Parents said meetings were hard to follow.",
            "reflection_in_the_way": "Reports arrive on the day; no interpreter booked.",
        },
    )
    action = await _post(
        client,
        world,
        "manager",
        f"/staff/reviews/{review_id}/actions",
        {
            "what": "Send a one-page plan before every meeting",
            "owner": "Duty senior",
            "review_on": "2027-03-01",
            "target_questions": "understood",
        },
    )
    published = await _post(
        client,
        world,
        "manager",
        f"/staff/reviews/{review_id}/entries",
        {
            "text_0_language": "en-GB",
            "text_0_you_said": "You told us meetings were hard to understand.",
            "text_0_we_did": "We now send a one-page plan before every meeting.",
            "text_1_language": "cy",
            "text_1_you_said": "Dywedoch wrthym fod cyfarfodydd yn anodd eu deall.",
            "text_1_we_did": "Rydym bellach yn anfon cynllun un dudalen cyn pob cyfarfod.",
            "where": "team",
        },
    )
    welcome = await client.get(f"/t/{touchpoint.code}?lang=en-GB")
    welcome_cy = await client.get(f"/t/{touchpoint.code}?lang=cy")
    thanks = await client.get(f"/t/{touchpoint.code}/thanks?lang=cy")
    thanks_pl = await client.get(f"/t/{touchpoint.code}/thanks?lang=pl")
    page = await _get(client, world, "manager", f"/staff/reviews/{review_id}/do")
    markdown = await _get(client, world, "manager", f"/staff/reviews/{review_id}/export.md")
    printable = await _get(client, world, "manager", f"/staff/reviews/{review_id}/print")

    assert reflections.status_code == action.status_code == published.status_code == 303
    assert "We now send a one-page plan before every meeting." in welcome.text
    assert "Rydym bellach yn anfon cynllun un dudalen" in welcome_cy.text
    assert "We now send a one-page plan" not in welcome_cy.text
    assert "Rydym bellach yn anfon cynllun un dudalen" in thanks.text
    # No Polish translation: the first language it was written in, marked as such.
    assert re.search(r'<div class="entry-words" lang="en-GB" dir="ltr">\s*<p>You told us meetings', thanks_pl.text)
    assert "Send a one-page plan before every meeting" in page.text
    assert "Duty senior" in page.text
    assert "Reports arrive on the day" in markdown.text and "Send a one\\-page plan" not in markdown.text
    assert "| Send a one-page plan before every meeting | Duty senior |" in markdown.text
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert _responses(world["responses"]) in printable.text
    assert "Parents said meetings were hard to follow." in printable.text


async def test_an_entry_for_chosen_touchpoints_shows_only_there_and_withdrawn_entries_nowhere(client, world, pool):
    review_id = await _start(client, world)
    elsewhere = await factories.practitioner_touchpoint(pool, team_id=world["team"], practitioner_id=None)
    here = world["touchpoint"]
    await _post(
        client,
        world,
        "manager",
        f"/staff/reviews/{review_id}/entries",
        {
            "text_0_language": "en-GB",
            "text_0_you_said": "You said the waiting room was cold.",
            "text_0_we_did": "We fixed the heating in the family room.",
            "where": "touchpoints",
            "touchpoint_id": str(here.id),
        },
    )

    shown_here = await client.get(f"/t/{here.code}")
    shown_elsewhere = await client.get(f"/t/{elsewhere.code}")
    entry_id = await pool.fetchval("select id from you_said_we_did where review_id = $1", review_id)
    withdrawn = await _post(client, world, "manager", f"/staff/entries/{entry_id}/status", {"status": "withdrawn"})
    after = await client.get(f"/t/{here.code}")

    assert "We fixed the heating in the family room." in shown_here.text
    assert "We fixed the heating" not in shown_elsewhere.text
    assert withdrawn.status_code == 303
    assert "We fixed the heating" not in after.text


async def test_an_entry_can_be_edited_and_translated_later(client, world, pool):
    review_id = await _start(client, world)
    await _post(
        client,
        world,
        "manager",
        f"/staff/reviews/{review_id}/entries",
        {
            "text_0_language": "en-GB",
            "text_0_you_said": "You said letters were confusing.",
            "text_0_we_did": "We rewrote our letters.",
            "where": "team",
        },
    )
    entry_id = await pool.fetchval("select id from you_said_we_did where review_id = $1", review_id)

    edited = await _post(
        client,
        world,
        "manager",
        f"/staff/entries/{entry_id}",
        {
            "text_0_language": "en-GB",
            "text_0_you_said": "You said letters were confusing.",
            "text_0_we_did": "We rewrote our letters in plain words.",
            "text_1_language": "pl",
            "text_1_you_said": "Powiedzieliście, że listy były niejasne.",
            "text_1_we_did": "Napisaliśmy listy prostym językiem.",
            "where": "team",
        },
    )
    polish = await client.get(f"/t/{world['touchpoint'].code}/thanks?lang=pl")
    english = await client.get(f"/t/{world['touchpoint'].code}/thanks?lang=en-GB")
    postcard = await _get(client, world, "manager", f"/staff/entries/{entry_id}/print/under8/postcard?lang=pl")

    assert edited.status_code == 303
    assert "Napisaliśmy listy prostym językiem." in polish.text
    assert "We rewrote our letters in plain words." in english.text
    assert 'lang="pl"' in postcard.text and "Napisaliśmy listy prostym językiem." in postcard.text


async def test_an_entry_cannot_type_a_percentage_or_use_a_hidden_figure(client, world, pool):
    team = world["team"]
    small = await factories.team(pool, "Review Team Small")
    manager = await factories.staff(pool, team_id=small, role="team_manager")
    token, csrf = await factories.session(pool, manager)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=small, practitioner_id=None)
    await factories.responses(pool, touchpoint, [GOOD] * 3)  # fewer than k
    client.cookies.clear()
    started = await client.post(
        f"/staff/teams/{small}/reviews", data={**_period(), "csrf_token": csrf}, headers=_cookie(token)
    )
    review_id = int(started.headers["location"].split("?")[0].rsplit("/", 1)[-1])

    typed = await client.post(
        f"/staff/reviews/{review_id}/entries",
        headers=_cookie(token),
        data={
            "csrf_token": csrf,
            "text_0_language": "en-GB",
            "text_0_you_said": "100% of you said it was great.",
            "text_0_we_did": "We kept doing it.",
            "where": "team",
        },
    )
    hidden = await client.post(
        f"/staff/reviews/{review_id}/entries",
        headers=_cookie(token),
        data={
            "csrf_token": csrf,
            "text_0_language": "en-GB",
            "text_0_you_said": "You said we listened.",
            "text_0_we_did": "We kept doing it.",
            "where": "team",
            "figure_question": "listened",
        },
    )
    stored = await pool.fetchval("select count(*) from you_said_we_did where team_id = $1", small)

    assert typed.status_code == hidden.status_code == 422
    assert "don&#39;t type percentages" in typed.text or "don't type percentages" in typed.text
    assert "This figure is hidden in the review" in hidden.text
    assert stored == 0
    assert team != small


async def test_a_figure_in_an_entry_comes_from_the_review_and_rests_on_at_least_k(client, world, pool):
    positive, answered = world["listened"]
    review_id = await _start(client, world)

    published = await _post(
        client,
        world,
        "manager",
        f"/staff/reviews/{review_id}/entries",
        {
            "text_0_language": "en-GB",
            "text_0_you_said": "You said we listened.",
            "text_0_we_did": "We keep it up.",
            "where": "team",
            "figure_question": "listened",
        },
    )
    row = await pool.fetchrow("select figure_percent, figure_base from you_said_we_did where review_id = $1", review_id)

    assert published.status_code == 303
    # The review's published share (about 30 of 48), never the exact one.
    assert (row["figure_percent"], row["figure_base"]) == (round(100 * positive / answered), answered)
    assert row["figure_base"] >= 5


async def test_open_actions_carry_over_to_the_next_review_with_their_feedback(client, pool):
    team = await factories.team(pool, "Carry Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    token, csrf = await factories.session(pool, manager)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    start, end = default_period(dt.date.today())
    earlier_start, earlier_end = grid.previous(start, end)
    await factories.responses(pool, touchpoint, [POOR] * 30 + [MIDDLE] * 8 + [GOOD] * 8, on=earlier_end.replace(day=10))
    await factories.responses(pool, touchpoint, [GOOD] * 30 + [MIDDLE] * 8 + [POOR] * 8)
    client.cookies.clear()

    async def post(path, data):
        return await client.post(path, data={**data, "csrf_token": csrf}, headers=_cookie(token))

    first = await post(
        f"/staff/teams/{team}/reviews", {"first_month": f"{earlier_start:%Y-%m}", "last_month": f"{earlier_end:%Y-%m}"}
    )
    first_id = int(first.headers["location"].split("?")[0].rsplit("/", 1)[-1])
    await post(
        f"/staff/reviews/{first_id}/actions",
        {"what": "Book interpreters before meetings", "target_questions": "understood"},
    )
    await post(f"/staff/reviews/{first_id}/actions", {"what": "An action already finished"})
    finished = await pool.fetchval("select id from review_actions where what = 'An action already finished'")
    await post(f"/staff/actions/{finished}/status", {"status": "done"})
    second = await post(f"/staff/teams/{team}/reviews", {"first_month": f"{start:%Y-%m}", "last_month": f"{end:%Y-%m}"})
    page = await client.get(second.headers["location"].split("?")[0] + "/do", headers=_cookie(token))

    carried = page.text.split('id="carried"')[1].split('id="actions"')[0]
    assert "Book interpreters before meetings" in carried
    assert "An action already finished" not in carried
    shares = sorted(int(p) for p in re.findall(r"(\d+)%", carried))
    assert shares[0] < 35 and shares[-1] > 55  # understood: about 17% positive then, about 65% now
    assert "clearly higher" in carried


async def test_the_admin_page_lists_actions_followed_by_a_clear_improvement_and_ranks_no_team(client, pool):
    team = await factories.team(pool, "Improving Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    admin = await factories.staff(pool, role=None, admin=True)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    start, end = default_period(dt.date.today())
    earlier_start, earlier_end = grid.previous(start, end)
    await factories.responses(pool, touchpoint, [POOR] * 25 + [MIDDLE] * 8 + [GOOD] * 8, on=earlier_end.replace(day=10))
    await factories.responses(pool, touchpoint, [GOOD] * 25 + [MIDDLE] * 8 + [POOR] * 8)
    token, csrf = await factories.session(pool, manager)
    client.cookies.clear()
    first = await client.post(
        f"/staff/teams/{team}/reviews",
        headers=_cookie(token),
        data={"csrf_token": csrf, "first_month": f"{earlier_start:%Y-%m}", "last_month": f"{earlier_end:%Y-%m}"},
    )
    first_id = int(first.headers["location"].split("?")[0].rsplit("/", 1)[-1])
    await client.post(
        f"/staff/reviews/{first_id}/actions",
        headers=_cookie(token),
        data={"csrf_token": csrf, "what": "Aaa: ask the child first", "target_questions": "listened"},
    )
    await client.post(
        f"/staff/teams/{team}/reviews",
        headers=_cookie(token),
        data={"csrf_token": csrf, "first_month": f"{start:%Y-%m}", "last_month": f"{end:%Y-%m}"},
    )

    page = await client.get("/staff/admin/actions", headers=_cookie((await factories.session(pool, admin))[0]))
    refused = await client.get("/staff/admin/actions", headers=_cookie(token))

    improved = page.text.split("Actions followed by a clear improvement")[1]
    assert "Aaa: ask the child first" in improved and "Improving Team" in improved
    assert "not a ranking of teams" in page.text
    assert refused.status_code == 403


async def test_what_went_well_lists_only_questions_clearly_better_than_the_period_before(client, pool):
    team = await factories.team(pool, "Went Well Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    token, csrf = await factories.session(pool, manager)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    start, end = default_period(dt.date.today())
    earlier_start, earlier_end = grid.previous(start, end)
    # "listened" is high in both periods (no clear change); "understood" moves from low (8 of 30) to high.
    await factories.responses(
        pool,
        touchpoint,
        [{"listened": 5, "understood": 1, "respect": 3, "better": 3}] * 22
        + [{"listened": 5, "understood": 5, "respect": 3, "better": 3}] * 8,
        on=earlier_end.replace(day=10),
    )
    await factories.responses(pool, touchpoint, [{"listened": 5, "understood": 5, "respect": 3, "better": 3}] * 30)
    client.cookies.clear()

    started = await client.post(
        f"/staff/teams/{team}/reviews",
        headers=_cookie(token),
        data={"csrf_token": csrf, "first_month": f"{start:%Y-%m}", "last_month": f"{end:%Y-%m}"},
    )
    page = await client.get(started.headers["location"], headers=_cookie(token))
    review_id = int(started.headers["location"].split("?")[0].rsplit("/", 1)[-1])
    markdown = await client.get(f"/staff/reviews/{review_id}/export.md", headers=_cookie(token))

    went_well = page.text.split("What went well")[1].split("Where people felt least heard")[0]
    assert went_well.count("<li>") == 1
    assert "understand what happens next and why" in went_well and "clearly better" in went_well
    assert "listened to me" not in went_well  # 100% positive, but no clearer than before
    exported = markdown.text.split("What went well")[1].split("###")[0]
    assert "understand what happens next" in exported and "listened" not in exported
