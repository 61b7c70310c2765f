"""The six ways issue 12 showed a determined colleague could pick out a family
or a non-sharing practitioner, each tried again over HTTP with demo-shaped
data (a team with a sharing and two non-sharing practitioners, an unassigned
touchpoint, a quiet touchpoint, an audience only one practitioner serves).
Each test is the attack; it must fail to learn anything exact."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import pytest

from tests import factories
from tests.http.helpers import hidden_fields

# The module-scoped fixtures below make rows every test here reads: emptied once, before the module.
pytestmark = pytest.mark.shared_rows


def _last_month() -> dt.date:
    """The first day of the last whole calendar month (every staff view shows it)."""
    first = dt.date.today().replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _in_last_month(day: int) -> dt.date:
    return _last_month().replace(day=day)


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"heard_staff={token}"}


async def _get(client, token: str, path: str):
    client.cookies.clear()
    return await client.get(path, headers=_cookie(token))


async def _post(client, token: str, csrf: str, path: str, data: dict):
    client.cookies.clear()
    return await client.post(path, headers=_cookie(token), data={"csrf_token": csrf, **data})


async def _answers(
    pool, touchpoint, answers: list[dict], *, day: dt.date, audience: str = "parent", comments: list[str] | None = None
) -> None:
    """Store responses on one day; `comments` (one per response, from the first) as their free text."""
    version = await pool.fetchval(
        "select version_hash from survey_versions where survey_id = 'after-meeting' order by first_seen_at desc limit 1"
    )
    for index, answer in enumerate(answers):
        submission = uuid.uuid4()
        await pool.execute(
            "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
            "language, submitted_on, answers) values ($1, $2, 'after-meeting', $3, $4, 'en-GB', $5, $6)",
            submission,
            touchpoint.id,
            version,
            audience,
            day,
            answer,
        )
        if comments and index < len(comments):
            await pool.execute(
                "insert into free_text_answers (response_id, submitted_on, question_id, body) "
                "select id, submitted_on, 'anything_else', $2 from responses where submission_id = $1",
                submission,
                comments[index],
            )


POSITIVE = {"listened": 5, "understood": 4, "respect": 5}
MIXED = {"listened": 3, "understood": 2, "respect": 4}
POSITIVE_UNDER8 = {"listened": 3, "understood": 3, "respect": 3}  # three faces
MIXED_UNDER8 = {"listened": 2, "understood": 1, "respect": 3}


@pytest.fixture(scope="module")
async def riverside(pool):
    """A demo-shaped team: Amira shares with managers, Tom and Joy do not; Sam manages."""
    team = await factories.team(pool, f"Riverside cases {uuid.uuid4().hex[:4]}")
    people = {
        "amira": await factories.staff(pool, team_id=team, name="Amira Casework", shares=True),
        "tom": await factories.staff(pool, team_id=team, name="Tom Casework"),
        "joy": await factories.staff(pool, team_id=team, name="Joy Casework"),
        "sam": await factories.staff(pool, team_id=team, role="team_manager", name="Sam Casework"),
    }
    touchpoints = {
        "amira": await factories.practitioner_touchpoint(
            pool, team_id=team, practitioner_id=people["amira"], audience="parent", contact_kind="home_visit"
        ),
        "amira_kids": await factories.practitioner_touchpoint(
            pool, team_id=team, practitioner_id=people["amira"], audience="8to12", contact_kind="direct_work"
        ),
        # Tom's touchpoint is the only one children under 8 answer, and the only family group meetings.
        "tom": await factories.practitioner_touchpoint(
            pool, team_id=team, practitioner_id=people["tom"], audience="under8", contact_kind="family_group_meeting"
        ),
        "joy": await factories.practitioner_touchpoint(
            pool, team_id=team, practitioner_id=people["joy"], audience="13to17", contact_kind="child_in_care_review"
        ),
        "duty": await factories.practitioner_touchpoint(
            pool, team_id=team, practitioner_id=None, audience="parent", contact_kind="home_visit"
        ),
    }
    await _answers(pool, touchpoints["amira"], [POSITIVE] * 14, day=_in_last_month(5))
    await _answers(pool, touchpoints["amira_kids"], [POSITIVE] * 12, day=_in_last_month(6), audience="8to12")
    await _answers(
        pool,
        touchpoints["tom"],
        [MIXED_UNDER8] * 7 + [POSITIVE_UNDER8] * 6,
        day=_in_last_month(7),
        audience="under8",
        comments=["Tom's families say this only here"],
    )
    await _answers(pool, touchpoints["joy"], [MIXED] * 8, day=_in_last_month(8), audience="13to17")
    await _answers(pool, touchpoints["duty"], [POSITIVE] * 9, day=_in_last_month(9))
    sessions = {who: await factories.session(pool, staff_id) for who, staff_id in people.items()}
    return {"team": team, "people": people, "touchpoints": touchpoints, "sessions": sessions}


def _numbers(html: str) -> set[int]:
    """Whole numbers a reader sees (not in tags, links or ids), percentages left out."""
    text = re.sub(r"<[^>]+>", " ", html)
    return {int(n.replace(",", "")) for n in re.findall(r"(?<![\w.-])\d[\d,]*(?![\w.%-])", text)}


# 1. Reviews one day apart ----------------------------------------------------------------------


async def test_reviews_one_day_apart_show_the_same_figures(client, pool):
    """Two reviews whose periods differ by one day (the day one parent answered) must not differ
    in any figure or comment: periods are whole months, so both are the same month."""
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    home = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="parent")
    for day in range(20, 26):
        await _answers(pool, home, [POSITIVE, MIXED], day=_in_last_month(day), comments=[f"Visit on day {day}"])
    await _answers(
        pool,
        home,
        [{"listened": 1, "understood": 1, "respect": 1, "contact": "no"}],
        day=_in_last_month(26),
        comments=["The one parent who answered on the last day"],
    )
    token, csrf = await factories.session(pool, manager)
    exports = []
    for last_day in (25, 26):
        started = await _post(
            client,
            token,
            csrf,
            f"/staff/teams/{team}/reviews",
            {
                "period_start": _in_last_month(20).isoformat(),
                "period_end": _in_last_month(last_day).isoformat(),
                "first_month": _last_month().strftime("%Y-%m"),
                "last_month": _last_month().strftime("%Y-%m"),
                "focus_kind": "home_visit",
            },
        )
        if started.status_code != 303:
            exports.append(None)  # refused: a period to the day cannot be asked for
            continue
        markdown = await _get(client, token, started.headers["location"].split("?")[0] + "/export.md")
        assert "Learning review" in markdown.text
        exports.append(markdown.text.split("## Summary", 1)[1].split("## Reflections", 1)[0])

    assert None in exports or exports[0] == exports[1]


# 2. Audience (and contact kind) filters ----------------------------------------------------------


@pytest.mark.parametrize("viewer", ["amira", "joy", "sam"])
async def test_an_audience_only_a_non_sharing_practitioner_serves_shows_none_of_their_results(
    client, riverside, viewer
):
    token, _ = riverside["sessions"][viewer]

    page = await _get(client, token, f"/staff/teams/{riverside['team']}?audience=under8&months=3&weeks=12")

    assert riverside["team"] and "Riverside cases" in page.text
    assert "Tom&#39;s families say this only here" not in page.text and "only here" not in page.text
    results = page.text.split('id="results"', 1)[1]
    assert not any(11 <= n <= 15 for n in _numbers(results.split("Download", 1)[0])), (
        "Tom's 13 under-8 responses (give or take) were shown to a colleague"
    )


async def test_a_review_focused_on_a_kind_only_one_practitioner_does_hides_it_from_the_manager(client, riverside):
    token, csrf = riverside["sessions"]["sam"]

    started = await _post(
        client,
        token,
        csrf,
        f"/staff/teams/{riverside['team']}/reviews",
        {
            "period_start": _last_month().isoformat(),
            "period_end": _in_last_month(28).isoformat(),
            "first_month": _last_month().strftime("%Y-%m"),
            "last_month": _last_month().strftime("%Y-%m"),
            "focus_kind": "family_group_meeting",
        },
    )
    markdown = await _get(client, token, started.headers["location"].split("?")[0] + "/export.md")

    summary = markdown.text.split("## Summary", 1)[1].split("## Reflections", 1)[0]
    assert "only here" not in summary
    assert not any(11 <= n <= 15 for n in _numbers(summary)), "Tom's figures reached his manager without his say"


# 3. Subtraction across pages ------------------------------------------------------------------


def _csv_count(body: str, figure: str, group: str) -> int | None:
    for row in csv.DictReader(io.StringIO(body)):
        if row["figure"] == figure and row["group"] == group:
            return int(row["count"]) if row["count"].isdigit() else None
    return None


async def test_team_total_minus_the_other_audiences_does_not_give_a_hidden_count(client, pool):
    """In each of eight teams, 3 children under 8 answered (hidden). The team's total minus the
    totals of the other audiences' filtered pages gives that 3 exactly unless every published
    count is protected on its own record set. (With perturbation an attempt can land on the true
    value by luck; it must not do so in every team.)"""
    exact = 0
    for _ in range(8):
        team = await factories.team(pool)
        manager = await factories.staff(pool, team_id=team, role="team_manager")
        token, _ = await factories.session(pool, manager)
        ask = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience=None)
        await _answers(pool, ask, [POSITIVE] * 11, day=_in_last_month(10), audience="parent")
        await _answers(pool, ask, [MIXED] * 10, day=_in_last_month(11), audience="8to12")
        await _answers(pool, ask, [POSITIVE_UNDER8] * 3, day=_in_last_month(12), audience="under8")
        base = f"/staff/teams/{team}/export.csv?months=3&weeks=12"
        total = _csv_count((await _get(client, token, base)).text, "responses", "all")
        parts = [
            _csv_count((await _get(client, token, f"{base}&audience={a}")).text, "responses", "all")
            for a in ("parent", "8to12", "13to17")
        ]
        if total is not None and all(p is not None for p in parts[:2]):
            exact += total - sum(p or 0 for p in parts) == 3

    assert exact < 8, "every team's hidden count of 3 was recovered exactly by subtraction"


# 4. Counts below the practitioner threshold --------------------------------------------------------


@pytest.mark.parametrize("viewer", ["amira", "sam"])
async def test_responses_by_touchpoint_never_shows_a_practitioners_count_below_their_threshold(client, pool, viewer):
    team = await factories.team(pool)
    people = {
        "amira": await factories.staff(pool, team_id=team, name="Amira Quiet", shares=True),
        "tom": await factories.staff(pool, team_id=team, name="Tom Quiet"),
        "joy": await factories.staff(pool, team_id=team, name="Joy Quiet"),
        "sam": await factories.staff(pool, team_id=team, role="team_manager"),
    }
    for name, count in (("amira", 7), ("tom", 6), ("joy", 9)):
        touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=people[name])
        await _answers(pool, touchpoint, [POSITIVE] * count, day=_in_last_month(14))
    token, _ = await factories.session(pool, people[viewer])

    page = await _get(client, token, f"/staff/teams/{team}")

    for name in ("Amira Quiet", "Tom Quiet", "Joy Quiet"):
        row = re.search(rf"– {name}</th><td>(.*?)</td>", page.text)
        assert row is None or not re.search(r"\d", row.group(1)), f"{name}'s count below 10 was shown"


# 5. History moves with a touchpoint --------------------------------------------------------------------


async def test_reassigning_a_touchpoint_moves_no_history_and_is_audit_logged(client, pool):
    team = await factories.team(pool)
    tom = await factories.staff(pool, team_id=team, name="Tom Before")
    amira = await factories.staff(pool, team_id=team, name="Amira After", shares=True)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=tom, audience="parent")
    await _answers(
        pool, touchpoint, [MIXED] * 14, day=_in_last_month(3), comments=["Said about Tom's visits, long ago"] * 3
    )
    token, csrf = await factories.session(pool, manager)

    changed = await _post(
        client,
        token,
        csrf,
        f"/staff/touchpoints/{touchpoint.id}",
        {
            "contact_kind": "home_visit",
            "practitioner_id": str(amira),
            "audience": "parent",
            "language": "en-GB",
            "follow_browser_language": "yes",
        },
    )
    amira_token, _ = await factories.session(pool, amira)
    hers = await _get(client, amira_token, "/staff/me?months=3&weeks=12")
    team_page = await _get(client, token, f"/staff/teams/{team}")

    assert changed.status_code == 303
    assert await pool.fetchval("select practitioner_id from touchpoints where id = $1", touchpoint.id) == amira
    assert "long ago" not in hers.text
    results = hers.text.split('id="results"', 1)[1]
    assert "Fewer than 10 responses" in results
    assert not any(12 <= n <= 16 for n in _numbers(results.split("</form>", 1)[-1])), "Tom's answers credited to Amira"
    assert "Amira After" not in team_page.text.split("Practitioners who chose to share", 1)[-1].split("</table>")[
        0
    ] or not re.search(r"Amira After</th>\s*<td>\d", team_page.text)
    logged = await pool.fetchrow(
        "select staff_id, detail from audit_log where action = 'touchpoint_reassigned' "
        "and (detail->>'touchpoint')::bigint = $1",
        touchpoint.id,
    )
    assert logged is not None, "the reassignment was not audit-logged"
    assert logged["staff_id"] == manager
    assert "Tom Before" not in str(logged["detail"])  # ids, not names, in the log
    assert (logged["detail"]["from"], logged["detail"]["to"]) == (tom, amira)


# 6. Arrival order ----------------------------------------------------------------------------------------


async def test_response_ids_say_nothing_about_arrival_order(client, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent")
    sent = []
    for _ in range(8):
        form = await client.get(f"/t/{touchpoint.code}/form/parent")
        hidden = hidden_fields(form.text)
        response = await client.post(
            f"/t/{touchpoint.code}/form/parent", data={**hidden, "q_listened": "4", "q_understood": "3"}
        )
        assert response.status_code == 303
        sent.append(uuid.UUID(hidden["submission_id"]))

    rows = await pool.fetch("select submission_id, id from responses where touchpoint_id = $1", touchpoint.id)
    ids = [{r["submission_id"]: r["id"] for r in rows}[s] for s in sent]
    assert len(set(ids)) == 8
    assert ids != sorted(ids), "ids rise in the order the answers arrived"
    assert max(ids) - min(ids) > 1_000_000, "ids are a running sequence"
