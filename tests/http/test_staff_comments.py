"""Written answers on staff pages: redacted, only with at least k responses,
never what went to the safeguarding queue."""

import uuid

from tests import factories


async def _with_text(pool, touchpoint, texts):
    version = await pool.fetchval("select version_hash from survey_versions where survey_id = 'after-meeting' limit 1")

    for text in texts:
        response_id = await pool.fetchval(
            "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
            "language, submitted_on, answers) values ($1, $2, 'after-meeting', $3, 'parent', 'en-GB', $4, "
            "'{\"listened\": 4}') returning id",
            uuid.uuid4(),
            touchpoint.id,
            version,
            factories.last_month_day(),
        )
        await pool.execute(
            "insert into free_text_answers (response_id, submitted_on, question_id, body) "
            "select id, submitted_on, 'anything_else', $2 from responses where id = $1",
            response_id,
            text,
        )


async def test_team_page_shows_comments_redacted_keeping_staff_names(client, pool):
    team = await factories.team(pool)
    worker = await factories.staff(pool, team_id=team, name="Nadia Worker")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await _with_text(
        pool, touchpoint, ["Nadia Worker was great with my son Jayden, call me on 07700 900123"] + ["Fine thanks"] * 6
    )
    token, _ = await factories.session(pool, manager)
    client.cookies.clear()

    page = await client.get(f"/staff/teams/{team}", headers={"Cookie": f"heard_staff={token}"})

    assert "In their own words" in page.text
    # The staff member's name stays (she is on the team: `worker`); the child's name and the phone number are
    # replaced by placeholders a reader understands, not cut out.
    assert await pool.fetchval("select display_name from staff where id = $1", worker) == "Nadia Worker"
    assert "Nadia Worker was great with my son [name], call me on [phone]" in page.text
    assert "Jayden" not in page.text
    assert "07700 900123" not in page.text


async def test_comments_stay_hidden_below_k_responses(client, pool):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    await _with_text(pool, touchpoint, ["A very particular comment"] * 4)
    token, _ = await factories.session(pool, manager)
    client.cookies.clear()

    page = await client.get(f"/staff/teams/{team}", headers={"Cookie": f"heard_staff={token}"})

    assert "A very particular comment" not in page.text
    assert "Fewer than 5 responses" in page.text
