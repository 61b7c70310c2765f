"""requests_for lists every output a viewer may ask for, cheaply: review
months start at the team's first month with responses, and only contact
kinds and audiences the team's responses have are offered as filters or a
focus. What it leaves out publishes nothing new: the same figures as a
listed request, or zeros over no atoms."""

import pytest

from service.figures import grid
from service.figures.door import published, requests_for
from service.figures.model import FigureRequest
from tests import factories

GOOD = {"listened": 5, "understood": 4, "respect": 5}


@pytest.fixture(autouse=True)
def _started(client):
    """The app has started, so the survey versions responses point at are recorded."""


async def _figures(pool, app, settings, viewer, request: FigureRequest) -> dict:
    async with pool.acquire() as conn:
        result = await published(conn, app.state.surveys, viewer=viewer, request=request, settings=settings)
    return {(f.measure, f.atoms): f.value for f in result.figures}


async def test_review_requests_start_at_the_first_month_with_responses_and_skip_absent_kinds(pool, app, settings):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    home = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=None, audience="parent", contact_kind="home_visit"
    )
    direct = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=None, audience="8to12", contact_kind="direct_work"
    )
    today = settings.today()
    last = grid.last_whole_month(today)
    first_data = grid.add_months(last, -2)
    await factories.responses(pool, home, [GOOD] * 12, on=first_data.replace(day=9))
    await factories.responses(pool, direct, [GOOD] * 8, on=last.replace(day=4), audience="8to12")
    viewer = await factories.viewer(pool, manager)

    async with pool.acquire() as conn:
        listed = await requests_for(conn, viewer, settings, today)

    reviews = [r for r in listed if r.output == "review" and r.review_id is None]
    months = grid.months(first_data, last)
    assert {(r.first_month, r.last_month) for r in reviews} == {(a, b) for a in months for b in months if a <= b}
    assert {r.contact_kind for r in reviews} == {None, "home_visit", "direct_work"}
    assert {r.audience for r in reviews} == {None, "parent", "8to12"}
    assert len(reviews) == 6 * 3 * 3
    team_pages = [r for r in listed if r.output == "team"]
    assert {r.contact_kind for r in team_pages} == {None, "home_visit", "direct_work"}
    assert {(r.first_month, r.last_month) for r in team_pages} == {grid.window(today, m) for m in (3, 6, 12)}
    assert {r.touchpoint_id for r in team_pages} == {None, home.id, direct.id}

    # What was left out adds nothing: a review starting earlier publishes the same non-empty figures as the one
    # starting at the first month with responses; a focus nobody answered publishes only hidden cells over no atoms.
    earlier = await _figures(
        pool, app, settings, viewer, FigureRequest("review", team, grid.add_months(last, -8), last)
    )
    from_first = await _figures(pool, app, settings, viewer, FigureRequest("review", team, first_data, last))
    absent = await _figures(
        pool, app, settings, viewer, FigureRequest("review", team, first_data, last, contact_kind="early_help")
    )
    assert {key: value for key, value in earlier.items() if key[1]} == {
        key: value for key, value in from_first.items() if key[1]
    }
    assert any(key[1] for key in from_first)
    assert absent and all(not atoms and value is None for (_, atoms), value in absent.items())


async def test_a_team_without_responses_offers_no_review_months(pool, settings):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    viewer = await factories.viewer(pool, manager)

    async with pool.acquire() as conn:
        listed = await requests_for(conn, viewer, settings, settings.today())

    assert not [r for r in listed if r.output == "review" and r.review_id is None]
    assert {r.output for r in listed} == {"team", "team_csv", "you_said", "my_feedback"}
