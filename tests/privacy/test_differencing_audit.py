"""The differencing audit over the figures engine (issue 12): for each role,
every figure it can obtain today cannot be combined to read a small group of
answers or a practitioner's results the role may not see.

Hypothesis draws a team with this shape (counts, months, sharing choices,
answers, the day of a reassignment and the saved reviews vary):

    touchpoint             practitioner at answer time      contact kind        audience
    0 home visits          P1 (never shares)                home_visit (only P1) asked (8to12/13to17/parent)
    1 direct work          P1                               direct_work         under8 (only P1 serves under-8s)
    2 direct work          P0 (shares or not)               direct_work         8to12
    3 conferences          P2 (shares)                      child_protection..  parent
    4 family meetings      nobody (unattributed)            family_group_meeting parent
    5 care reviews         P2, reassigned to P3 mid-period  child_in_care_review 13to17
    6 a quiet touchpoint   P0                               family_group_meeting parent (0-3 a month)

The rows go into a real PostgreSQL (one transaction per example, rolled back),
then for each role (P1 themself, P0 as a non-sharing practitioner's colleague,
the team manager, the safeguarding lead, an administrator) every request
`requests_for` lists is asked of `published`, and the audit
(tests/privacy/differencing.py) gets every figure. The truth it checks against
is computed here from the rows as inserted, with the practitioner each answer
was about when it was given.

Requests are thinned only where the answer is known to add nothing: a page's
CSV, print view and Markdown publish the same figures as the page; a slice
with no responses at all publishes only hidden cells; months before the team's first
response hold no atoms (a window or review starting earlier publishes the same
figures as one starting at that month).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from service.db.migrate import migrate
from service.db.pool import create_pool
from service.figures import grid
from service.figures.door import published, requests_for
from service.figures.levels import level, question_for, summary_questions
from service.figures.model import RESPONSES, AtomKey, Figure, FigureRequest
from service.figures.protection import D
from service.figures.service import NotAllowed
from service.reviews import actions as review_actions
from service.reviews import service as reviews
from service.staff import service as staff_service
from service.surveys.loading import load_surveys
from service.surveys.service import record_versions
from service.touchpoints import codes
from service.touchpoints.queries import insert_touchpoint
from tests.privacy.differencing import CLOSED_MONTH, ISOLATED, SMALL_CELL, SMALL_GROUP, audit

SURVEY = "after-meeting"
# (practitioner slot, contact kind, audience or None for "asked", most answers a month)
TOUCHPOINTS = [
    ("P1", "home_visit", None, 12),
    ("P1", "direct_work", "under8", 12),
    ("P0", "direct_work", "8to12", 12),
    ("P2", "child_protection_conference", "parent", 12),
    (None, "family_group_meeting", "parent", 12),
    ("P2", "child_in_care_review", "13to17", 12),
    ("P0", "family_group_meeting", "parent", 3),
]
REASSIGNED = 5  # from P2 to P3
ROLES = ("practitioner", "colleague", "team manager", "safeguarding lead", "administrator")
# A team like the demo's: P1 (not sharing) alone does home visits and alone serves under-8s; quiet months.
FIXED = {
    "months": 3,
    "counts": {
        (t, m): n
        for t, row in enumerate([(6, 7, 3), (4, 9, 12), (10, 10, 10), (8, 8, 8), (5, 2, 6), (6, 6, 6), (1, 0, 2)])
        for m, n in enumerate(row)
    },
    "shares": {"P0": True, "P1": False, "P2": True, "P3": False},
    "reassigned_on": (1, 15),
    "review_focus": ("home_visit", None),
    "seed": 7,
}
# Found by this audit when the engine showed empty cells as 0, so hidden meant "not empty": for the safeguarding lead, "understood: in between" in the first month
# of the 3-month window, over a few touchpoints (1 answer), is pinned down by the 3-month team page (7 +-2), its
# direct-work slice (9 +-2) and two hidden slices (parent; child in care reviews) each known to hold at least one
# answer: 9 <= total <= 9. (Record keys come from the seed, so it replays exactly.)
PINNED_BY_HIDDEN = {
    "months": 4,
    "counts": {
        (t, m): n
        for t, row in enumerate(
            [(6, 8, 4, 1), (7, 10, 6, 4), (4, 8, 12, 12), (5, 4, 8, 5), (11, 10, 6, 8), (0, 6, 8, 6), (0, 0, 1, 2)]
        )
        for m, n in enumerate(row)
    },
    "shares": {"P0": True, "P1": False, "P2": True, "P3": True},
    "reassigned_on": (3, 3),
    "review_focus": ("home_visit", None),
    "seed": 12,
}


@st.composite
def teams(draw):
    months = draw(st.integers(min_value=2, max_value=4))
    counts = {
        (t, m): draw(st.integers(min_value=0, max_value=most))
        for t, (_, _, _, most) in enumerate(TOUCHPOINTS)
        for m in range(months)
    }
    return {
        "months": months,
        "counts": counts,
        "shares": {"P0": draw(st.booleans()), "P1": False, "P2": True, "P3": draw(st.booleans())},
        "reassigned_on": (
            draw(st.integers(min_value=0, max_value=months - 1)),
            draw(st.integers(min_value=1, max_value=28)),
        ),
        "review_focus": draw(
            st.sampled_from(
                [(None, None), ("home_visit", None), (None, "under8"), ("direct_work", None), (None, "parent")]
            )
        ),
        "seed": draw(st.integers(min_value=0, max_value=2**31)),
    }


def _answers(rng: random.Random, audience: str) -> dict:
    """Answers of the right shape for each audience, some questions skipped."""
    top = 3 if audience == "under8" else 5
    answers = {q: rng.randint(1, top) for q in ("listened", "understood", "respect") if rng.random() < 0.9}
    if audience != "under8" and rng.random() < 0.8:
        answers["better"] = rng.randint(1, 5)
    if audience == "parent" and rng.random() < 0.7:
        answers["contact"] = rng.choice(["yes", "no", "not_sure"])
    if audience == "13to17" and rng.random() < 0.7:
        answers["took_part"] = rng.choice(["was_there", "views_shared", "wrote_or_recorded", "did_not"])
    return answers


@pytest.fixture(scope="module")
async def audit_pool(new_database, settings):
    """A database of its own: the administrator's overview reads every team."""
    dsn = await new_database()
    await migrate(dsn)
    pool = await create_pool(dsn, min_size=1, max_size=2)
    async with pool.acquire() as conn:
        await record_versions(conn, load_surveys(settings.surveys_dir))
    yield pool
    await pool.close()


class World:
    def __init__(self, team_id, people, viewers, truth, first_month, kinds, audiences):
        self.team_id, self.people, self.viewers, self.truth = team_id, people, viewers, truth
        self.first_month, self.kinds, self.audiences = first_month, kinds, audiences


async def _build(conn, registry, plan: dict, today: dt.date) -> World:
    rng = random.Random(plan["seed"])
    last = grid.last_whole_month(today)
    months = [grid.add_months(last, m - plan["months"] + 1) for m in range(plan["months"])]
    team_id = await conn.fetchval("insert into teams (name) values ($1) returning id", f"Audit {uuid.uuid4().hex[:8]}")
    people: dict[str, int] = {}

    async def person(slot: str, role: str | None, *, admin: bool = False) -> int:
        staff_id = await staff_service.add_staff(
            conn,
            email=f"{uuid.uuid4().hex[:10]}@audit.example",
            display_name=f"{slot} {uuid.uuid4().hex[:4]}",
            password=None,
            is_admin=admin,
        )
        if role:
            await staff_service.give_role(conn, team_id=team_id, staff_id=staff_id, role=role)
        if plan["shares"].get(slot):
            await staff_service.set_sharing(conn, staff_id=staff_id, shares=True)
        people[slot] = staff_id
        return staff_id

    for slot in ("P0", "P1", "P2", "P3"):
        await person(slot, "practitioner")
    await person("manager", "team_manager")
    await person("lead", "safeguarding_lead")
    await person("admin", None, admin=True)
    touchpoint_ids = []
    for slot, kind, audience, _ in TOUCHPOINTS:
        code = codes.new_code()
        await insert_touchpoint(
            conn,
            code=code,
            team_id=team_id,
            contact_kind=kind,
            practitioner_id=people[slot] if slot else None,
            survey_id=SURVEY,
            audience=audience,
            language="en-GB",
        )
        touchpoint_ids.append(await conn.fetchval("select id from touchpoints where code = $1", code))

    version = await conn.fetchval(
        "select version_hash from survey_versions where survey_id = $1 order by first_seen_at desc limit 1", SURVEY
    )
    rows = []  # (day, touchpoint index, audience, answers)
    for (t, m), n in sorted(plan["counts"].items()):
        _, _, fixed, _ = TOUCHPOINTS[t]
        for _ in range(n):
            audience = fixed or rng.choice(["8to12", "13to17", "parent"])
            rows.append((months[m].replace(day=rng.randint(1, 28)), t, audience, _answers(rng, audience)))
    cut_month, cut_day = plan["reassigned_on"]
    cut = months[cut_month].replace(day=cut_day)
    # Answers are given in date order; the reassignment happens on the cut day, between them.
    rows.sort(key=lambda row: (row[0], row[1]))
    before = [r for r in rows if r[0] < cut]
    after = [r for r in rows if r[0] >= cut]
    # Record keys (secret, random in real use) are drawn from the example's seed, so an example replays exactly.
    insert = (
        "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
        "language, submitted_on, answers, record_key) values ($1, $2, $3, $4, $5, 'en-GB', $6, $7, $8)"
    )
    keys = [rng.randrange(256) for _ in rows]
    await conn.executemany(
        insert,
        [
            (uuid.uuid4(), touchpoint_ids[t], SURVEY, version, a, day, answers, key)
            for (day, t, a, answers), key in zip(before, keys)
        ],
    )
    await conn.execute(
        "update touchpoints set practitioner_id = $1 where id = $2", people["P3"], touchpoint_ids[REASSIGNED]
    )
    await conn.executemany(
        insert,
        [
            (uuid.uuid4(), touchpoint_ids[t], SURVEY, version, a, day, answers, key)
            for (day, t, a, answers), key in zip(after, keys[len(before) :])
        ],
    )

    questions = summary_questions(registry, SURVEY)
    truth: dict[tuple[AtomKey, str], int] = defaultdict(int)
    for day, t, audience, answers in rows:
        slot, kind, _, _ = TOUCHPOINTS[t]
        if t == REASSIGNED:
            slot = "P2" if day < cut else "P3"
        atom = AtomKey(
            team_id, grid.month_of(day), touchpoint_ids[t], people[slot] if slot else None, kind, audience, SURVEY
        )
        truth[(atom, RESPONSES)] += 1
        for question in questions:
            definition = question_for(registry, SURVEY, audience, question.id)
            value = answers.get(question.id)
            key = level(definition, str(value)) if definition is not None and value is not None else None
            truth[(atom, f"{question.id}:{key if key in question.columns[:-1] else question.columns[-1]}")] += 1

    # Saved reviews with the drawn focus, so colleagues (who may read saved reviews, not start them) have
    # review figures too: one over the earlier months with an action aimed at "listened", then one over the last
    # month (which carries the action, and gives the administrator's overview an action to follow up).
    focus_kind, focus_audience = plan["review_focus"]
    saved = []
    for first, last_month in ((months[0], months[-2]), (months[-1], months[-1])):
        saved.append(
            await reviews.start_review(
                conn,
                registry,
                team_id=team_id,
                by=people["manager"],
                today=today,
                form=reviews.ReviewForm(
                    first.isoformat(), last_month.isoformat(), focus_kind or "", focus_audience or ""
                ),
            )
        )
    await review_actions.add_action(
        conn,
        registry,
        review=await reviews.review(conn, review_id=saved[0]),
        by=people["manager"],
        form=review_actions.ActionForm("Explain the plan first", "", "", ["listened"]),
    )

    viewers = {}
    for role, slot in zip(ROLES, ("P1", "P0", "manager", "lead", "admin")):
        signed_in = await staff_service.start_session(conn, staff_id=people[slot])
        viewers[role] = await staff_service.viewer_for_token(conn, token=signed_in.token)
    atoms = {a for a, _ in truth}
    return World(
        team_id, people, viewers, dict(truth), months[0], {a.contact_kind for a in atoms}, {a.audience for a in atoms}
    )


def _closed(world: World, role: str, plan: dict) -> set[int]:
    practitioners = {slot: world.people[slot] for slot in ("P0", "P1", "P2", "P3")}
    if role == "practitioner":
        return {i for s, i in practitioners.items() if s != "P1"}
    if role == "colleague":
        return {i for s, i in practitioners.items() if s != "P0"}
    if role == "team manager":
        return {i for s, i in practitioners.items() if not plan["shares"][s]}
    return set(practitioners.values())


def _plain(request: FigureRequest, world: World, viewer_id: int) -> FigureRequest | None:
    """The request that publishes the same figures with the least work, or None when it publishes only zeros."""
    output = {"team_csv": "team", "review_print": "review", "review_markdown": "review"}.get(
        request.output, request.output
    )
    first = request.first_month
    if first is not None and first < world.first_month:
        first = world.first_month
    found = FigureRequest(
        output,
        request.team_id,
        first,
        request.last_month,
        request.audience,
        request.contact_kind,
        request.touchpoint_id,
        request.survey_id,
        request.review_id,
    )
    if request.team_id not in (None, world.team_id) or first is None or request.review_id is not None:
        return found
    if output in ("team", "my_feedback", "review") and not any(
        first <= atom.month <= request.last_month
        and request.audience in (None, atom.audience)
        and request.contact_kind in (None, atom.contact_kind)
        and request.touchpoint_id in (None, atom.touchpoint_id)
        and (output != "my_feedback" or atom.practitioner_id == viewer_id)
        for atom, measure in world.truth
        if measure == RESPONSES
    ):
        return None
    return found


def _label(request: FigureRequest) -> str:
    parts = [request.output]
    if request.first_month:
        parts.append(f"{request.first_month:%Y-%m}..{request.last_month:%Y-%m}")
    parts += [
        f"{name}={value}"
        for name, value in (
            ("audience", request.audience),
            ("kind", request.contact_kind),
            ("touchpoint", request.touchpoint_id),
            ("review", request.review_id),
        )
        if value is not None
    ]
    return " ".join(parts)


async def _figures_for(conn, registry, settings, world: World, role: str, today: dt.date):
    viewer = world.viewers[role]
    requests = {}
    for request in await requests_for(conn, viewer, settings, today):
        plain = _plain(request, world, viewer.staff.id)
        if plain is not None:
            requests.setdefault(plain, request)
    figures, labels, seen = [], [], {}
    for request in requests:
        try:
            result = await published(conn, registry, viewer=viewer, request=request, settings=settings)
        except NotAllowed:
            continue
        for figure in result.figures:
            if any(atom.team_id != world.team_id for atom in figure.atoms):
                continue  # another team's figures (the administrator's overview reads every team)
            key = (figure.measure, figure.atoms)
            if key in seen:
                # One cell, one value everywhere a role can see it.
                assert seen[key].value == figure.value, (role, _label(request), figure)
                continue
            seen[key] = figure
            figures.append(figure)
            labels.append(f"{_label(request)}: {figure.measure}")
    return figures, labels, len(requests)


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking:
    print_blob=True,  # an example takes seconds; a failure is reported as drawn, with its blob to replay
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=teams())
@example(plan=FIXED)
async def test_no_role_can_difference_out_a_small_group_or_a_closed_practitioner(audit_pool, settings, plan):
    registry = load_surveys(settings.surveys_dir)
    today = settings.today()
    async with audit_pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            world = await _build(conn, registry, plan, today)
            for role in ROLES:
                figures, labels, asked = await _figures_for(conn, registry, settings, world, role, today)

                report = audit(
                    world.truth,
                    figures,
                    k_team=settings.k_team,
                    k_practitioner=settings.k_practitioner,
                    closed=_closed(world, role, plan),
                    labels=labels,
                    knows_rules=D,
                )

                assert report.clean, f"{role} ({asked} requests) in {plan}:\n{report.text()}"
                if role != "administrator":
                    assert figures  # the role's requests gave the audit figures (shown or hidden) to work on
        finally:
            await transaction.rollback()


async def test_the_audit_catches_the_same_outputs_published_without_protection(audit_pool, settings):
    """The audit's own check on this engine's outputs: the very figures every
    role can ask for, published as exact true counts with nothing hidden (an
    engine without protection), disclose small groups and closed practitioners."""
    registry = load_surveys(settings.surveys_dir)
    today = settings.today()
    async with audit_pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            world = await _build(conn, registry, FIXED, today)
            for role in ("colleague", "team manager"):
                figures, labels, _ = await _figures_for(conn, registry, settings, world, role, today)
                exact = [
                    Figure(f.measure, f.atoms, sum(world.truth.get((a, f.measure), 0) for a in f.atoms), 0)
                    for f in figures
                ]

                report = audit(
                    world.truth,
                    exact,
                    k_team=settings.k_team,
                    k_practitioner=settings.k_practitioner,
                    closed=_closed(world, role, FIXED),
                    labels=labels,
                )

                kinds = {f.target.kind for f in report.disclosed}
                assert {SMALL_CELL, SMALL_GROUP} & kinds, report.text()
                isolated = {f.target.practitioner_id for f in report.disclosed if f.target.kind == ISOLATED}
                assert world.people["P1"] in isolated  # under-8s and home visits are only P1's
                assert CLOSED_MONTH in kinds
        finally:
            await transaction.rollback()


async def test_an_attacker_who_knows_the_rules_cannot_pin_down_a_small_group(audit_pool, settings):
    """A stronger attacker than the audit's default, on the team where one
    was found before: one who knows that a shown figure holds at least k and
    that a figure hidden for its size holds at most k - 1 + D. (When the
    engine showed an empty cell as 0, "hidden" also meant "not empty", and
    that pinned a count of 1 here.)"""
    registry = load_surveys(settings.surveys_dir)
    today = settings.today()
    async with audit_pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            world = await _build(conn, registry, PINNED_BY_HIDDEN, today)
            for role in ROLES:
                figures, labels, _ = await _figures_for(conn, registry, settings, world, role, today)

                report = audit(
                    world.truth,
                    figures,
                    k_team=settings.k_team,
                    k_practitioner=settings.k_practitioner,
                    closed=_closed(world, role, PINNED_BY_HIDDEN),
                    labels=labels,
                    knows_rules=D,
                )

                assert report.clean, f"{role}:\n{report.text()}"
        finally:
            await transaction.rollback()
