"""A flood of answers to one touchpoint is kept but held out of the results until
a team manager decides; one source past its limit is never refused: its answers
are kept, held out of the figures, and listed for reading."""

import re
import uuid

from service.figures.protection import D
from service.responses.limits import SubmissionLimiter
from tests import factories
from tests.http.helpers import answers, hidden_fields


async def test_a_burst_is_held_out_of_results_and_the_manager_decides(client, pool, app):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="parent")
    form = hidden_fields((await client.get(f"/t/{touchpoint.code}/form/parent")).text)
    for _ in range(35):
        body = {**form, "submission_id": str(uuid.uuid4()), **answers(listened="1")}
        response = await client.post(f"/t/{touchpoint.code}/form/parent", data=body)
        assert response.status_code == 303, "the person always gets their thank-you"

    stored = await factories.stored_responses(pool, touchpoint.id)
    assert len(stored) == 35, "nothing is thrown away"
    assert all(row["held"] for row in stored), "the whole day's flood is held, the first answers too"
    token, csrf = await factories.session(pool, manager)
    client.cookies.clear()
    cookie = {"Cookie": f"heard_staff={token}"}
    dashboard = await client.get(f"/staff/teams/{team}", headers=cookie)
    assert "Answers held out of the results" in dashboard.text
    assert "35 answers" in dashboard.text

    decided = await client.post(
        f"/staff/teams/{team}/held",
        headers=cookie,
        data={
            "csrf_token": csrf,
            "touchpoint": str(touchpoint.id),
            "day": str(stored[0]["submitted_on"]),
            "decision": "include",
        },
    )

    assert decided.status_code == 303
    assert not any(row["held"] for row in await factories.stored_responses(pool, touchpoint.id))
    after = await client.get(f"/staff/teams/{team}", headers=cookie)
    assert "Answers held out of the results" not in after.text


async def test_held_answers_are_left_out_of_summaries(client, pool, app):
    team = await factories.team(pool)
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await factories.responses(pool, touchpoint, [{"listened": 5}] * 8)
    await factories.responses(pool, touchpoint, [{"listened": 1}] * 40)
    await pool.execute(
        "update responses set held = true where touchpoint_id = $1 and answers->>'listened' = '1'", touchpoint.id
    )

    manager = await factories.staff(pool, team_id=team, role="team_manager")
    token, _ = await factories.session(pool, manager)
    client.cookies.clear()

    page = await client.get(f"/staff/teams/{team}", headers={"Cookie": f"heard_staff={token}"})

    shown = int(re.search(r'<p class="total">(\d+) responses</p>', page.text).group(1))
    assert abs(shown - 8) <= D  # the 40 held answers are out; the 8 are shown adjusted by at most D


async def test_one_source_past_the_limit_is_never_refused_but_held_and_listed(client, pool, app):
    touchpoint = await factories.touchpoint(pool, audience="parent")
    form = hidden_fields((await client.get(f"/t/{touchpoint.code}/form/parent")).text)
    original = app.state.limiter
    app.state.limiter = SubmissionLimiter(limit=2)
    try:
        statuses = []
        for n in range(3):
            body = {
                **form,
                "submission_id": str(uuid.uuid4()),
                **answers(listened="4", anything_else=f"keep these words {n}"),
            }
            response = await client.post(f"/t/{touchpoint.code}/form/parent", data=body)
            statuses.append(response.status_code)
    finally:
        app.state.limiter = original

    assert statuses == [303, 303, 303]
    stored = await factories.stored_responses(pool, touchpoint.id)
    # Response ids are random (no arrival order is kept), so each answer is found by its words.
    held = sorted((row["free_text"]["anything_else"], row["held"]) for row in stored)
    assert held == [("keep these words 0", False), ("keep these words 1", False), ("keep these words 2", True)], (
        "over the limit: kept, out of the figures"
    )
    listed = await pool.fetch(
        "select body, held from reading_items where touchpoint_id = $1 order by id", touchpoint.id
    )
    assert [(r["body"], r["held"]) for r in listed] == [
        ("keep these words 0", False),
        ("keep these words 1", False),
        ("keep these words 2", True),
    ]
