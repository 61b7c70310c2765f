"""The authorization matrix, read from the rules: for every staff page and action the HTTP matrix test
(tests/http/test_staff_access.py) checks against the real app, the capability's rules.py must say yes to
exactly the people the matrix lets in. A rule changed without the matrix (or the reverse) fails here."""

from types import SimpleNamespace

import pytest

from service.insights import rules as insights
from service.staff import rules as staff
from service.staff.queries import Membership, SessionStaff
from service.staff.service import Viewer
from service.touchpoints import rules as touchpoints
from tests.http.test_staff_access import ACTIONS, ACTORS, PAGES

TEAM1, TEAM2 = 1, 2
PEOPLE = {  # id, (team, role) or None, administrator, shares with managers: as the matrix test's world
    "practitioner_a": (11, (TEAM1, "practitioner"), False, True),
    "practitioner_b": (12, (TEAM1, "practitioner"), False, False),
    "manager": (13, (TEAM1, "team_manager"), False, False),
    "lead": (14, (TEAM1, "safeguarding_lead"), False, False),
    "other_manager": (15, (TEAM2, "team_manager"), False, False),
    "admin": (16, None, True, False),
}
TOUCHPOINTS = {"a": (TEAM1, 11), "b": (TEAM1, 12), "other": (TEAM2, None)}


def _viewer(actor: str) -> Viewer:
    staff_id, membership, admin, shares = PEOPLE[actor]
    teams = {membership[0]: Membership(membership[0], f"Team {membership[0]}", [membership[1]])} if membership else {}
    return Viewer(SessionStaff(staff_id, f"{actor}@example.org", actor, admin, shares, "csrf"), teams)


def _touchpoint(name: str):
    team_id, practitioner_id = TOUCHPOINTS[name]
    return SimpleNamespace(team_id=team_id, practitioner_id=practitioner_id)


def _label(name: str):
    practitioner_id = TOUCHPOINTS[name][1]
    shares = any(p[0] == practitioner_id and p[3] for p in PEOPLE.values())
    return SimpleNamespace(practitioner_id=practitioner_id, practitioner_shares=shares)


def _filtered(team_id: int, name: str):
    return lambda v: insights.may_see_figures(v, team_id) and insights.may_filter_by(v, team_id, _label(name))


# Which rule decides each page of the matrix (prefix of the path template -> rule).
PAGE_RULES = {
    "/staff": lambda v: True,  # any signed-in person: their own home and feedback
    "/staff/me": lambda v: True,
    "/staff/teams/{team1}": lambda v: insights.may_see_figures(v, TEAM1),
    "/staff/teams/{team1}/export.csv": lambda v: insights.may_see_figures(v, TEAM1),
    "/staff/teams/{team1}/touchpoints": lambda v: touchpoints.may_list(v, TEAM1),
    "/staff/teams/{team2}": lambda v: insights.may_see_figures(v, TEAM2),
    "/staff/teams/{team1}?touchpoint={a}": _filtered(TEAM1, "a"),
    "/staff/teams/{team1}?touchpoint={b}": _filtered(TEAM1, "b"),
    "/staff/admin/teams": staff.may_administer,
    "/staff/admin/people": staff.may_administer,
}
for name in TOUCHPOINTS:
    for tail in ("", "/qr/svg", "/qr/png", "/print/card", "/print/poster", "/print/cards", "/pdf/card", "/show"):
        PAGE_RULES[f"/staff/touchpoints/{{{name}}}{tail}"] = lambda v, name=name: touchpoints.may_show(
            v, _touchpoint(name)
        )

ACTION_RULES = {
    "/staff/teams/{team1}/touchpoints": lambda v: touchpoints.may_create(v, TEAM1),
    "/staff/touchpoints/{a}": lambda v: touchpoints.may_change(v, _touchpoint("a")),
    "/staff/touchpoints/{b}/status": lambda v: touchpoints.may_change(v, _touchpoint("b")),
    "/staff/admin/teams": staff.may_administer,
    "/staff/admin/people/role": staff.may_administer,
    "/staff/me/sharing": lambda v: True,
}
SIGNED_IN = [a for a in ACTORS if a != "anonymous"]


@pytest.mark.parametrize(("template", "allowed"), [(p[0], p[1]) for p in PAGES], ids=[p[0] for p in PAGES])
def test_the_rules_let_in_exactly_who_the_page_matrix_lets_in(template, allowed):
    rule = PAGE_RULES[template]

    let_in = {actor for actor in SIGNED_IN if rule(_viewer(actor))}

    assert let_in == set(allowed)


@pytest.mark.parametrize(("template", "allowed"), [(a[0], a[2]) for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_the_rules_let_act_exactly_who_the_action_matrix_lets_act(template, allowed):
    rule = ACTION_RULES[template]

    let_act = {actor for actor in SIGNED_IN if rule(_viewer(actor))}

    assert let_act == set(allowed)


def test_every_page_and_action_of_the_matrix_has_its_rule():
    assert {p[0] for p in PAGES} <= set(PAGE_RULES)
    assert {a[0] for a in ACTIONS} <= set(ACTION_RULES)
