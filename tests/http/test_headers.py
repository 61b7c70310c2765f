"""Security headers on every route of the app, whatever the route answers.

The routes are read from the app itself, so a page someone adds later is
checked without anyone remembering to list it here.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from service.app import create_app
from service.debriefs import service as debriefs
from service.reflection import service as reflections
from service.reviews.service import default_period
from tests import factories

# Sent by a respondent's browser; the respondent side never sets a cookie.
RESPONDENT_PREFIX = "/t/"
# Methods Litestar answers for us; every handler method is checked.
SKIP_METHODS = {"HEAD", "OPTIONS"}


def _routes(settings) -> list[tuple[str, str]]:
    """(method, path template) for every handler of the app."""
    app = create_app(settings)
    found = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", ()) or ()):
            if method not in SKIP_METHODS:
                found.append((method, route.path))
    return found


def _fill(path: str, values: dict[str, str]) -> str:
    """Put a real value in each {name:type} of a route path; unknown names get
    something harmless that may well 404 (the headers must be there anyway)."""

    def one(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if name in values:
            return values[name]
        return {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000", "path": "nothing.txt"}.get(kind, "x")

    return re.sub(r"\{([a-z_]+):([a-z]+)\}", one, path)


def _static_asset(html: str) -> str:
    match = re.search(r'href="/static/([^"?]+)"', html)
    assert match, "a page links its stylesheet under /static/"
    return match.group(1)


def assert_security_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    assert csp, f"{where}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{where}: {csp}"
    assert "frame-ancestors 'none'" in csp, f"{where}: {csp}"
    # No third-party origins: every source is a keyword or data: (images only).
    for directive in csp.split(";"):
        name, *sources = directive.split()
        for source in sources:
            assert source in ("'self'", "'none'") or (name == "img-src" and source == "data:"), f"{where}: {directive}"
    assert headers.get("referrer-policy") == "no-referrer", where
    assert headers.get("x-content-type-options") == "nosniff", where
    permissions = headers.get("permissions-policy", "")
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in permissions, f"{where}: {permissions}"


async def test_every_route_carries_the_security_headers(client, touchpoint, settings):
    form = await client.get(f"/t/{touchpoint.code}/form/parent")
    values = {"code": touchpoint.code, "audience": "parent", "path": _static_asset(form.text)}
    routes = _routes(settings)
    assert any(path.startswith(RESPONDENT_PREFIX) for _, path in routes)

    for method, template in routes:
        path = _fill(template, values)
        response = await client.request(method, path, data={} if method == "POST" else None)
        where = f"{method} {path} -> {response.status_code}"
        assert response.status_code < 500, where
        assert_security_headers(response, where)
        if template.startswith(RESPONDENT_PREFIX):
            assert "set-cookie" not in response.headers, where


@pytest.mark.parametrize(
    "path",
    ["/no-such-page", "/t/not-a-code", "/t/{code}/form/nobody", "/static/missing.css"],
)
async def test_error_pages_carry_the_security_headers(client, touchpoint, path):
    response = await client.get(path.replace("{code}", touchpoint.code))

    assert 400 <= response.status_code < 500
    assert_security_headers(response, path)
    assert "set-cookie" not in response.headers


async def test_the_whole_respondent_journey_sets_no_cookie(client, touchpoint):
    form = await client.get(f"/t/{touchpoint.code}/form/parent")
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form.text))

    sent = await client.post(f"/t/{touchpoint.code}/form/parent", data={**fields, "q_listened": "4"})
    thanks = await client.get(sent.headers["location"])

    assert sent.status_code == 303 and thanks.status_code == 200
    for response in (form, sent, thanks):
        assert "set-cookie" not in response.headers
        assert_security_headers(response, str(response.url))


async def test_every_staff_page_signed_in_carries_the_security_headers_and_is_not_cached(client, pool, settings):
    """As a signed-in manager who is also an administrator (or the team's safeguarding lead, for the lead's pages),
    with real ids of their own team: every staff GET route answers its page (not a redirect to sign in) with the
    security headers and Cache-Control: no-store."""
    team = await factories.team(pool, "Header Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager", admin=True, name="Hedda Headers")
    touchpoint = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=manager)
    entry = await factories.you_said_entry(
        pool,
        team_id=team,
        texts={"en-GB": {"you_said": "Headers said", "we_did": "Headers did", "child": "Headers child"}},
    )
    token, csrf = await factories.session(pool, manager)
    cookie = {"Cookie": f"heard_staff={token}"}
    first, last = default_period(dt.date.today())
    client.cookies.clear()
    started = await client.post(
        f"/staff/teams/{team}/reviews",
        headers=cookie,
        data={"csrf_token": csrf, "first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}"},
    )
    assert started.status_code == 303, started.text[:300]
    today = dt.date.today()
    async with pool.acquire() as conn:
        debrief = await debriefs.open_debrief(
            conn,
            viewer=await factories.viewer(pool, manager),
            today=today,
            form=debriefs.OpenForm(str(team), "Headers debrief", (today + dt.timedelta(days=7)).isoformat()),
        )
        reflection = await reflections.write_entry(
            conn,
            writer_id=manager,
            checked=reflections.check(reflections.EntryForm(title="Headers reflection", happened="A visit."), today),
        )
    values = {
        "team_id": str(team),
        "touchpoint_id": str(touchpoint.id),
        "entry_id": str(entry),
        "review_id": started.headers["location"].split("?")[0].rsplit("/", 1)[-1],
        "fmt": "svg",
        "size": "card",
        "audience": "parent",
        "debrief_id": str(debrief),
    }
    staff_gets = [
        path
        for method, path in _routes(settings)
        if method == "GET"
        and path.startswith("/staff")
        # pages of signing in and its steps, and item pages (tested in test_staff_hygiene.py), aside
        and not path.startswith(("/staff/sign-in", "/staff/two-step"))
        and "{item_id" not in path
    ]
    assert len(staff_gets) >= 25

    lead = await factories.staff(pool, team_id=team, role="safeguarding_lead", name="Lena Lead")
    lead_cookie = {"Cookie": f"heard_staff={(await factories.session(pool, lead))[0]}"}
    shown = []
    for template in staff_gets:
        path = _fill(
            template,
            {**values, "size": "postcard"}
            if template.startswith("/staff/entries")
            else {**values, "entry_id": str(reflection)}
            if template.startswith("/staff/reflections")
            else values,
        )
        for who in (cookie, lead_cookie):  # the safeguarding pages are the lead's
            client.cookies.clear()
            response = await client.get(path, headers=who)
            where = f"GET {path} -> {response.status_code}"
            assert_security_headers(response, where)
            assert response.headers.get("cache-control") == "no-store", where
            if response.status_code == 200:
                shown.append(path)
                break
        assert response.status_code == 200, f"{where}: {response.text[:200]}"

    assert len(shown) == len(staff_gets)
