"""Bad input against every route Heard serves, staff routes included: a 4xx
(or a page, or a redirect), never a 5xx.

The routes are read from the application itself, so a new route is fuzzed
the day it is added. First every (handler, person) pair, explicitly, in every
run: the person's own session, a valid CSRF token and real ids of their own
team, made by this test (a team, a touchpoint, a review, an action, a "you
said, we did" entry, a safeguarding item, a reading-list item); each handler
must be reached (its function runs), except where the person is turned away
before it (anonymous on staff pages: to sign in). Then random variations:
path parameters drawn from those ids and from odd values, form bodies from
every field name Heard's templates use, with odd values, with a valid CSRF
token most of the time. People: a manager who is also an administrator, a
safeguarding lead, a practitioner and nobody. The respondent's form has its
own, deeper fuzzing in test_fuzz.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from service.reviews.service import default_period
from tests import factories
from tests.http.test_fuzz import odd_values

# The module-scoped fixtures below make rows every test here reads: emptied once, before the module.
pytestmark = pytest.mark.shared_rows

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Every literal form field name in the templates (names built in Jinja, like text_0_language, come from the
# patterns beside them).
FIELD_NAMES = sorted(
    {name for path in TEMPLATES.rglob("*.html") for name in re.findall(r'name="([a-z_0-9]+)"', path.read_text())}
    | {"text_0_language", "text_0_you_said", "text_0_we_did", "text_1_language", "q_listened", "q_anything_else"}
)
# Signing out ends the session the rest of the examples use: the random variations leave it out (test_sign_in.py
# tests it); the sweep below signs out a session of its own.
SKIP = {("POST", "/staff/sign-out")}
SIGN_OUT = ("POST", "/staff/sign-out")
ACTORS = ["manager", "lead", "practitioner", "anonymous"]
PARAM = re.compile(r"\{([a-z_]+):([a-z]+)\}")


@pytest.fixture(scope="module")
async def world(client, pool):
    """Everything the routes take an id of, made here in this test's own team (never other tests' rows)."""
    team = await factories.team(pool, "Fuzzed Team")
    people = {
        "manager": await factories.staff(pool, team_id=team, role="team_manager", admin=True, name="Fay Fuzz"),
        "lead": await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Lou Lead"),
        "practitioner": await factories.staff(pool, team_id=team, name="Pat Practitioner", shares=True),
    }
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=people["practitioner"])
    sessions = {who: await factories.session(pool, staff_id) for who, staff_id in people.items()}
    token, csrf = sessions["manager"]
    client.cookies.clear()
    first, last = default_period(dt.date.today())
    started = await client.post(
        f"/staff/teams/{team}/reviews",
        headers={"Cookie": f"heard_staff={token}"},
        data={"csrf_token": csrf, "first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}"},
    )
    assert started.status_code == 303, started.text[:300]
    review = int(started.headers["location"].split("?")[0].rsplit("/", 1)[-1])
    # A written answer that may disclose harm, sent as a person would: it makes the team's reading-list item and
    # its safeguarding item.
    client.cookies.clear()
    form = await client.get(f"/t/{touchpoint.code}/form/parent")
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form.text))
    sent = await client.post(
        f"/t/{touchpoint.code}/form/parent",
        data={**hidden, "q_listened": "4", "q_anything_else": "My dad hits me when he is angry."},
    )
    assert sent.status_code == 303, sent.text[:300]
    ids = {
        "team_id": team,
        "touchpoint_id": touchpoint.id,
        "review_id": review,
        "action_id": await pool.fetchval(
            "insert into review_actions (review_id, team_id, what, owner) values ($1, $2, 'Fuzz action', 'Fay') "
            "returning id",
            review,
            team,
        ),
        "entry_id": await factories.you_said_entry(
            pool, team_id=team, texts={"en-GB": {"you_said": "Fuzz said", "we_did": "Fuzz did", "child": "Fuzz child"}}
        ),
        "item_id": await pool.fetchval("select id from safeguarding_items where team_id = $1", team),
        "reading_item_id": await pool.fetchval("select id from reading_items where team_id = $1", team),
        **await _debrief_and_reflection(pool, team, people["manager"]),
    }
    assert all(ids.values()), ids
    return {"ids": ids, "code": touchpoint.code, "sessions": sessions, "people": people}


async def _debrief_and_reflection(pool, team: int, manager: int) -> dict[str, int]:
    """A debrief of the team with one answer that raises a lesson, and a reflection of the manager's."""
    from service.debriefs import service as debriefs
    from service.reflection import service as reflections
    from service.settings import REPO_ROOT
    from service.surveys.answers import check_answers
    from service.surveys.loading import load_surveys

    today = dt.date.today()
    variant = load_surveys(REPO_ROOT / "surveys").current(debriefs.SURVEY_ID).survey.audiences[debriefs.AUDIENCE]
    async with pool.acquire() as conn:
        debrief_id = await debriefs.open_debrief(
            conn,
            viewer=await factories.viewer(pool, manager),
            today=today,
            form=debriefs.OpenForm(str(team), "Fuzz debrief", (today + dt.timedelta(days=7)).isoformat()),
        )
        found = await debriefs.debrief(conn, debrief_id=debrief_id, today=today)
        await debriefs.answer(
            conn,
            debrief=found,
            checked=check_answers(variant, {"q_role": ["school"], "q_raise": ["Fuzz lesson for management."]}),
            submission_id=uuid.uuid4(),
            language="en-GB",
            today=today,
        )
        entry = await reflections.write_entry(
            conn,
            writer_id=manager,
            checked=reflections.check(reflections.EntryForm(title="Fuzz reflection", happened="A visit."), today),
        )
        answer = await conn.fetchval("select id from debrief_answers where debrief_id = $1", debrief_id)
    return {"debrief_id": debrief_id, "answer_id": answer, "reflection_id": entry}


# What each path parameter is in the sweep (besides the ids above).
SWEEP_VALUES = {"audience": "parent", "fmt": "svg", "size": "card"}


def _real_value(name: str, template: str, world) -> str:
    if name == "item_id" and template.startswith("/staff/reading/"):
        return str(world["ids"]["reading_item_id"])
    if name == "entry_id" and template.startswith("/staff/reflections/"):
        return str(world["ids"]["reflection_id"])
    if name in world["ids"]:
        return str(world["ids"][name])
    if name == "code":
        return world["code"]
    return SWEEP_VALUES.get(name, "x")


class Reached:
    """Which handler functions ran: each route handler's function is wrapped (on the test's app, for this module)
    to note its (method, path) when Litestar calls it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def wrap(self, handler, key: tuple[str, str]) -> None:
        original = handler._fn
        if inspect.iscoroutinefunction(original):

            @functools.wraps(original)
            async def reached(*args, **kwargs):
                self.seen.append(key)
                return await original(*args, **kwargs)
        else:

            @functools.wraps(original)
            def reached(*args, **kwargs):
                self.seen.append(key)
                return original(*args, **kwargs)

        handler._fn = reached


@pytest.fixture(scope="module")
def reached(app):
    noted = Reached()
    saved = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in set(handler.http_methods) - {"HEAD", "OPTIONS"}:
                saved.append((handler, handler._fn))
                noted.wrap(handler, (method, route.path))
    yield noted
    for handler, original in saved:
        handler._fn = original


def _routes(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
            if (method, route.path) not in SKIP:
                found.append((method, route.path))
    return found


# What `str.isdigit()` says yes to but `int()` refuses or reads as another number (superscripts, other
# scripts' digits, full-width digits), and signs: ids and numbers must answer 4xx to these, never 5xx.
number_like = st.one_of(
    st.sampled_from(
        ["²", "³", "¹²", "١٢", "٣", "１２", "０", "߁", "๑", "𝟙", "+1", "-0", "+", "-", "1_000", " 1", "1 "]
    ),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
    st.tuples(st.sampled_from(["+", "-", ""]), st.integers(0, 10**20)).map(lambda t: t[0] + str(t[1])),
)

odd_path_parts = st.one_of(
    st.text(max_size=30).map(lambda s: quote(s, safe="")),
    st.sampled_from(["0", "-1", "9223372036854775808", "1e3", "%00", "..", "%2e%2e%2f", "a" * 2000, "%ff"]),
    number_like.map(lambda s: quote(s, safe="")),
)


@st.composite
def paths(draw, template: str, world) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        real = (
            _real_value(name, template, world)
            if name in world["ids"] or name == "code"
            else draw(st.sampled_from(["parent", "under8", "svg", "png", "card", "poster", "postcard", "css/app.css"]))
        )
        return draw(st.one_of(st.just(real), odd_path_parts)) if draw(st.integers(0, 3)) == 0 else real

    return PARAM.sub(fill, template)


query_strings = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(
                [
                    "lang",
                    "touchpoint",
                    "period",
                    "weeks",
                    "audience",
                    "kind",
                    "closed",
                    "a",
                    "support",
                    "next",
                    "page",
                    "x",
                    "action",
                    "by",
                    "about",
                    "from",
                    "to",
                ]
            ),
            st.one_of(
                st.binary(max_size=40),
                st.text(max_size=40).map(str.encode),
                st.sampled_from([b"1", b"cy", b"ar", b"12", b"all", b"-5", b"\x00", b"9" * 30, b"x" * 1500]),
            ),
        ),
        # Non-ASCII digits in the numbers and ids staff pages read. (weeks and period are parsed by the figures
        # work (issue 12), which takes service/web/numbers.py at merge; add them here then.)
        st.tuples(st.sampled_from(["touchpoint", "by", "about", "from", "to", "page"]), number_like.map(str.encode)),
    ),
    max_size=4,
).map(lambda pairs: "&".join(k + "=" + quote_from_bytes(v, safe=b"") for k, v in pairs))


@st.composite
def bodies(draw, csrf: str | None) -> bytes:
    values = st.one_of(odd_values, number_like.map(str.encode))
    fields = [(name.encode(), draw(values)) for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=8))]
    if csrf is not None and draw(st.integers(0, 5)) > 0:  # mostly a valid token, so the handler itself runs
        fields.insert(draw(st.integers(0, len(fields))), (b"csrf_token", csrf.encode()))
    return "&".join(quote_from_bytes(k, safe=b"") + "=" + quote_from_bytes(v, safe=b"") for k, v in fields).encode()


@FUZZ
@given(data=st.data())
async def test_every_route_answers_odd_requests_without_a_5xx(app, client, world, data):
    method, template = data.draw(st.sampled_from(_routes(app)))
    actor = data.draw(st.sampled_from(ACTORS))
    token, csrf = world["sessions"][actor] if actor != "anonymous" else (None, None)
    url = data.draw(paths(template, world))
    query = data.draw(query_strings)
    url += "?" + query if query else ""
    client.cookies.clear()
    headers = {"Cookie": f"heard_staff={token}"} if token else {}

    if method == "GET":
        response = await client.get(url, headers=headers)
    else:
        headers["content-type"] = "application/x-www-form-urlencoded"
        response = await client.post(url, content=data.draw(bodies(csrf)), headers=headers)

    event(f"{method} answered {response.status_code}")  # pytest --hypothesis-show-statistics: what was reached
    assert response.status_code < 500, (method, url[:300], actor, response.status_code, response.text[:300])


async def test_every_handler_is_reached_by_every_person_with_real_ids_and_a_valid_token(
    app, client, pool, world, reached
):
    """Every (handler, person) pair, every run: own team's ids, own session, a valid CSRF token (and, for POST, only
    that token: the handler itself must answer the empty form, with a page or a 4xx, never a 5xx)."""
    static = re.search(r'href="/static/([^"?]+)"', (await client.get(f"/t/{world['code']}/form/parent")).text)
    pairs = [(method, template, actor) for method, template in [*_routes(app), SIGN_OUT] for actor in ACTORS]
    missed = []
    for method, template, actor in pairs:
        url = PARAM.sub(lambda m, template=template: _real_value(m.group(1), template, world), template)
        url = url.replace("{path:path}", static.group(1) if static else "css/app.css")
        if (method, template) == SIGN_OUT and actor != "anonymous":  # a session of its own, not the shared one
            token, csrf = await factories.session(pool, world["people"][actor])
        else:
            token, csrf = world["sessions"][actor] if actor != "anonymous" else (None, None)
        client.cookies.clear()
        headers = {"Cookie": f"heard_staff={token}"} if token else {}
        reached.seen.clear()
        if method == "GET":
            response = await client.get(url, headers=headers)
        else:
            response = await client.post(url, data={"csrf_token": csrf} if csrf else {}, headers=headers)

        where = (method, url, actor, response.status_code, response.text[:200])
        assert response.status_code < 500, where
        if (method, template) in reached.seen:
            continue
        if actor == "anonymous" and template.startswith("/staff") and not _public_staff(template):
            # Turned away before the handler (not signed in, or not part-way through signing in): to sign in.
            assert response.status_code == 303 and response.headers["location"].startswith("/staff/sign-in"), where
        else:
            missed.append(where)

    assert not missed, f"{len(missed)} (handler, person) pairs never reached their handler: {missed[:5]}"
    assert len({(m, t) for m, t, _ in pairs}) == len(_routes(app)) + 1  # every handler, sign-out too


def _public_staff(template: str) -> bool:
    """Staff routes whose handler a person not signed in reaches: signing in, with a password or single sign-on."""
    return template == "/staff/sign-in" or template.startswith("/staff/sign-in/oidc")


async def test_every_route_is_in_the_fuzzing(app):
    routes = _routes(app)

    assert ("POST", "/staff/safeguarding/{item_id:int}/close") in routes
    assert ("POST", "/staff/admin/people/role") in routes
    assert ("POST", "/staff/admin/people/role/remove") in routes
    assert ("GET", "/staff/admin/audit") in routes
    counted = Counter(
        method
        for route in app.routes
        for method in getattr(route, "methods", set())
        if method not in ("HEAD", "OPTIONS")
    )
    assert len(routes) == sum(counted.values()) - len(SKIP)  # nothing left out but sign-out (swept above)


async def test_a_csrf_token_with_non_ascii_letters_is_refused_not_a_crash(client, world):
    """Found by the fuzzing above: comparing a forged token with letters outside ASCII raised a 500."""
    token, _ = world["sessions"]["manager"]
    client.cookies.clear()

    staff_post = await client.post(
        "/staff/admin/teams",
        headers={"Cookie": f"heard_staff={token}"},
        data={"csrf_token": "\u0080jeton", "name": "Tîm newydd"},
    )
    client.cookies.clear()
    sign_in = await client.post(
        "/staff/sign-in",
        headers={"Cookie": "heard_signin=abc"},
        data={"csrf_token": "\u00e9", "email": "a@b.example", "password": "x"},
    )

    assert staff_post.status_code == 403
    assert sign_in.status_code == 403
