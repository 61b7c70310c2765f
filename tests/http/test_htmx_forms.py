"""Every form htmx sends, sent as htmx sends it (HX-Request: true, the page's address,
the target's id): what htmx would swap in, or the page an HX-Redirect sends the browser
to, and what the database then holds. The plain (no JavaScript) variants are tested
beside each capability; these are their htmx twins.

The htmx forms are found in the templates (hx-get, hx-post, and the buttons that send
the answers form elsewhere with formaction): a new one fails the first test here until
it has its htmx test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.settings import REPO_ROOT
from tests import factories
from tests.http.helpers import answers, checked_values, hidden_fields
from tests.http.test_respondent_path import VALID, open_form

TEMPLATES = Path(REPO_ROOT) / "templates"
# template: what of it sends with htmx -> the tests below that send it
HTMX_FORMS = {
    "responses/form.html": {"hx-post answers", "formaction language"},
    "insights/_filters.html": {"hx-get filters"},
}


def htmx(page_url: str, target: str, trigger: str | None = None) -> dict[str, str]:
    """The headers htmx 2 adds to a request from an element with hx-post/hx-get."""
    headers = {"HX-Request": "true", "HX-Current-URL": f"https://heard.example.org{page_url}", "HX-Target": target}
    return headers | ({"HX-Trigger": trigger} if trigger else {})


def _swapped_only(html: str) -> None:
    """A fragment htmx swaps in, not a whole page inside the page."""
    assert "<html" not in html and "<body" not in html and "skip-link" not in html


def test_every_htmx_form_in_the_templates_has_its_htmx_test_here():
    found = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        kinds = set()
        if re.search(r"<form\b[^>]*\bhx-post=", text):
            kinds.add("hx-post " + (re.search(r'<form\b[^>]*\bid="([^"]+)"[^>]*\bhx-post=', text) or ["", "?"])[1])
        if re.search(r"<form\b[^>]*\bhx-get=", text):
            kinds.add("hx-get " + ("filters" if 'class="filters"' in text else "?"))
        kinds |= {"formaction " + action.rsplit("/", 1)[1] for action in re.findall(r'formaction="([^"]+)"', text)}
        if kinds:
            found[str(template.relative_to(TEMPLATES))] = kinds
        assert "hx-boost" not in text, f"{template.name}: hx-boost sends every link and form with htmx: test them all"

    assert found == HTMX_FORMS


# ---- the answers form (responses/form.html) ----------------------------------------------------------------------


@pytest.mark.parametrize("audience", list(VALID))
async def test_sending_the_answers_with_htmx_redirects_the_browser_to_thank_you_and_stores_them(client, pool, audience):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, audience)
    form = f"/t/{touchpoint.code}/form/{audience}"

    sent = await client.post(form, data={**hidden, **VALID[audience]}, headers=htmx(form, "form-area", "answers"))

    redirect = sent.headers.get("HX-Redirect", "")
    assert redirect.startswith(f"/t/{touchpoint.code}/thanks?lang=en-GB&a={audience}&s="), sent.text[:300]
    assert "again=1" not in redirect
    assert "<" not in sent.text  # nothing to swap (Litestar's ClientRedirect sends no markup): htmx loads the page
    assert "<h1>Thank you</h1>" in (await client.get(redirect)).text
    [stored] = await factories.stored_responses(pool, touchpoint.id)
    assert str(stored["submission_id"]) == hidden["submission_id"] and stored["audience"] == audience
    assert stored["answers"] == {
        k[2:]: int(v) if v.isdigit() else v for k, v in VALID[audience].items() if k != "q_anything_else"
    }


async def test_sending_the_same_answers_again_with_htmx_says_already_sent_and_stores_them_once(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")
    form = f"/t/{touchpoint.code}/form/parent"
    body = {**hidden, **VALID["parent"]}

    first = await client.post(form, data=body, headers=htmx(form, "form-area", "answers"))
    again = await client.post(form, data=body, headers=htmx(form, "form-area", "answers"))

    assert again.headers["HX-Redirect"] == first.headers["HX-Redirect"] + "&again=1"
    assert "already sent" in (await client.get(again.headers["HX-Redirect"])).text
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1


async def test_answers_with_problems_sent_with_htmx_swap_in_the_form_with_each_problem_and_store_nothing(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")
    form = f"/t/{touchpoint.code}/form/parent"

    sent = await client.post(
        form,
        data={**hidden, **answers(listened="7", understood="2", contact="yes")},
        headers=htmx(form, "form-area", "answers"),
    )

    assert sent.status_code == 422  # htmx-config in base.html swaps a 422
    assert "HX-Redirect" not in sent.headers
    html = sent.text
    _swapped_only(html)
    assert html.startswith("<title>") and "– Heard</title>" in html  # the tab and screen readers follow
    assert 'id="form-area"' in html  # heard.js swaps a refused answer only when it carries the form
    assert 'id="q_listened-problem"' in html and "Please choose one of the answers." in html
    assert checked_values(html) == {"understood": "2", "contact": "yes"}  # every answer kept
    assert hidden_fields(html)["submission_id"] == hidden["submission_id"]
    assert await factories.stored_responses(pool, touchpoint.id) == []


async def test_next_on_a_one_question_a_screen_form_with_htmx_swaps_in_the_next_question_and_stores_nothing(
    client, pool
):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "under8")
    assert hidden["step"] == "0"
    form = f"/t/{touchpoint.code}/form/under8"

    moved = await client.post(
        form, data={**hidden, **answers(listened="3"), "go": "next"}, headers=htmx(form, "form-area", "answers")
    )

    assert moved.status_code == 200
    html = moved.text
    _swapped_only(html)
    assert 'id="form-area"' in html and html.startswith("<title>")
    fields = hidden_fields(html)
    assert fields["step"] == "1" and fields["q_listened"] == "3"  # the first answer travels along, hidden
    assert 'type="radio" name="q_understood"' in html and 'type="radio" name="q_listened"' not in html
    assert await factories.stored_responses(pool, touchpoint.id) == []

    back = await client.post(form, data={**fields, "go": "back"}, headers=htmx(form, "form-area", "answers"))

    assert back.status_code == 200 and hidden_fields(back.text)["step"] == "0"
    assert checked_values(back.text) == {"listened": "3"}


async def test_the_language_button_with_htmx_swaps_the_form_for_the_list_keeping_the_answers(client, pool):
    touchpoint = await factories.touchpoint(pool)
    _, hidden = await open_form(client, touchpoint, "parent")
    form = f"/t/{touchpoint.code}/form/parent"

    listed = await client.post(
        f"{form}/language",
        data={**hidden, **answers(listened="4", understood="2")},
        headers=htmx(form, "form-area", "answers"),
    )

    assert listed.status_code == 200
    html = listed.text
    _swapped_only(html)
    assert 'id="form-area"' in html and "<h2>Choose your language</h2>" in html
    assert 'lang="cy"' in html  # the languages are offered, each in its own language
    kept = hidden_fields(html)
    assert (
        kept["q_listened"] == "4" and kept["q_understood"] == "2" and kept["submission_id"] == hidden["submission_id"]
    )
    assert await factories.stored_responses(pool, touchpoint.id) == []


# ---- the summary filters (insights/_filters.html) --------------------------------------------------------------------


def _results(html: str) -> str:
    """What hx-select="#results" takes from the page htmx asked for."""
    start = html.index('<div id="results">')
    depth, at = 0, start
    for tag in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            at = start + tag.end()
            break
    return html[start:at]


def _responses(results: str) -> int:
    found = re.search(r"(\d+) responses", re.sub(r"<[^>]+>", " ", results))
    assert found, results[:500]
    return int(found.group(1))


async def test_changing_a_filter_with_htmx_gives_results_for_that_filter_for_htmx_to_select(client, pool):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    visits = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="parent")
    children = await factories.practitioner_touchpoint(
        pool, team_id=team, practitioner_id=None, audience="8to12", contact_kind="direct_work"
    )
    good = {"listened": 5, "understood": 4, "respect": 5}
    await factories.responses(pool, visits, [good] * 23)
    await factories.responses(pool, children, [good] * 31, audience="8to12")
    token, _ = await factories.session(pool, manager)
    page = f"/staff/teams/{team}"
    cookie = {"Cookie": f"heard_staff={token}"}

    everyone = await client.get(f"{page}?months=3", headers=cookie | htmx(page, "results"))
    parents = await client.get(f"{page}?months=3&audience=parent", headers=cookie | htmx(page, "results"))

    assert everyone.status_code == parents.status_code == 200
    # Published counts carry a little cell-key noise (PRIVACY-METHODS.md): near 54 for everyone, near 23 for parents.
    assert abs(_responses(_results(everyone.text)) - 54) <= 5
    assert abs(_responses(_results(parents.text)) - 23) <= 5
    assert '<option value="parent" selected>' in parents.text  # the form says what it shows
    assert await pool.fetchval("select count(*) from responses") == 54  # reading changed nothing
