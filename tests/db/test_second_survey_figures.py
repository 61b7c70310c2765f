"""The figures engine per families' survey: every request a viewer may make is listed for each survey their team
asks, and every figure of a request counts only its own survey's answers (a touchpoint asks one survey, so the
two never overlap, and nothing can be worked out by setting one against the other)."""

import pytest

from service.figures.door import published, requests_for
from service.figures.model import FigureRequest
from service.figures.service import NotAllowed
from tests import factories

REVIEW = factories.REVIEW_SURVEY
MEETING = factories.SURVEY


@pytest.fixture(autouse=True)
def _started(client):
    """The app has started, so the survey versions responses point at are recorded."""


async def test_requests_are_listed_per_survey_and_publish_only_their_surveys_answers(pool, app, settings):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    meeting = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    review = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=None, survey_id=REVIEW, contact_kind="child_in_care_review"
    )
    await factories.responses(pool, meeting, [{"listened": 5}] * 12)
    await factories.responses(pool, review, [{"listened": 4, "decided": 2}] * 9)
    viewer = await factories.viewer(pool, manager)

    async with pool.acquire() as conn:
        listed = await requests_for(conn, viewer, settings, settings.today())
        pages = {
            survey: await published(
                conn,
                app.state.surveys,
                viewer=viewer,
                settings=settings,
                request=next(
                    r
                    for r in listed
                    if r.output == "team"
                    and r.survey_id == survey
                    and r.touchpoint_id is None
                    and r.audience is None
                    and r.contact_kind is None
                ),
            )
            for survey in (MEETING, REVIEW)
        }

    team_pages = [r for r in listed if r.output == "team"]
    assert {r.survey_id for r in team_pages} == {MEETING, REVIEW}
    assert {r.touchpoint_id for r in team_pages if r.survey_id == REVIEW} == {None, review.id}
    assert {r.survey_id for r in listed if r.output == "review" and r.review_id is None} == {MEETING, REVIEW}
    for survey, page in pages.items():
        atoms = {atom for figure in page.figures for atom in figure.atoms}
        assert atoms and {atom.survey_id for atom in atoms} == {survey}
    # The review survey's questions asked of parents (who answered), in the survey's order.
    assert [q.question.id for q in pages[REVIEW].result.summary.questions] == [
        "listened",
        "decided",
        "respect",
        "asked_before",
    ]


async def test_a_survey_that_is_not_a_families_survey_is_refused(pool, app, settings):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None)
    viewer = await factories.viewer(pool, manager)
    asked = next(r for r in await _listed(pool, viewer, settings) if r.output == "team")

    for survey in ("culture-pulse", "debrief", "no-such-survey"):
        async with pool.acquire() as conn:
            with pytest.raises(NotAllowed):
                await published(
                    conn,
                    app.state.surveys,
                    viewer=viewer,
                    settings=settings,
                    request=FigureRequest("team", team, asked.first_month, asked.last_month, survey_id=survey),
                )


async def _listed(pool, viewer, settings):
    async with pool.acquire() as conn:
        return await requests_for(conn, viewer, settings, settings.today())
