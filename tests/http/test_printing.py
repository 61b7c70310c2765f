"""Printed cards, sheets, posters and postcards: the paper sizes a printer gets,
QR codes that scan from the PDF, who the card is for, help numbers, the logo,
revoking (asked twice, then no codes at all), and postcard words printed once."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import load_settings
from service.touchpoints.codes import grouped, public_url
from tests import factories

BASE = "https://heard.example.org"
MM_PER_POINT = 25.4 / 72


@pytest.fixture
async def manager_world(pool):
    team = await factories.team(pool, "Print Team")
    manager = await factories.staff(pool, team_id=team, role="team_manager", name="Pia Printer")
    token, csrf = await factories.session(pool, manager)
    young = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="13to17")
    little = await factories.practitioner_touchpoint(pool, team_id=team, practitioner_id=None, audience="under8")
    return {"team": team, "token": token, "csrf": csrf, "young": young, "little": little}


async def _get(client, world, path):
    client.cookies.clear()
    return await client.get(path, headers={"Cookie": f"heard_staff={world['token']}"})


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    document = pypdfium2.PdfDocument(pdf)
    return [tuple(round(side * MM_PER_POINT) for side in page.get_size()) for page in document]


def _codes_in(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=4).to_pil()
    return sorted(found.text for found in zxingcpp.read_barcodes(image))


async def test_a_card_pdf_is_one_a6_page_whose_qr_code_scans(client, manager_world):
    touchpoint = manager_world["young"]

    response = await _get(client, manager_world, f"/staff/touchpoints/{touchpoint.id}/pdf/card")

    assert response.headers["content-type"] == "application/pdf"
    assert _pages(response.content) == [(105, 148)]
    assert _codes_in(response.content) == [public_url(BASE, touchpoint.code)]


async def test_a_sheet_holds_four_cards_on_one_a4_page_and_a_poster_is_a4(client, manager_world):
    touchpoint = manager_world["young"]

    sheet = await _get(client, manager_world, f"/staff/touchpoints/{touchpoint.id}/pdf/cards")
    poster = await _get(client, manager_world, f"/staff/touchpoints/{touchpoint.id}/pdf/poster")

    assert _pages(sheet.content) == [(210, 297)]
    assert _codes_in(sheet.content) == [public_url(BASE, touchpoint.code)] * 4
    assert _pages(poster.content) == [(210, 297)]
    assert _codes_in(poster.content) == [public_url(BASE, touchpoint.code)]


async def test_a_card_says_who_it_is_for_and_where_to_get_help(client, manager_world):
    young, little = manager_world["young"], manager_world["little"]

    teenager_card = await _get(client, manager_world, f"/staff/touchpoints/{young.id}/print/card")
    child_card = await _get(client, manager_world, f"/staff/touchpoints/{little.id}/print/card")

    assert "For young people aged 13 to 17." in teenager_card.text
    assert 'Childline on <bdi dir="ltr" class="phone">0800 1111</bdi>' in teenager_card.text
    assert grouped(young.code) in teenager_card.text
    assert 'class="face face-1"' not in teenager_card.text
    # Under 8s see the same drawn faces as their form, not emoji.
    assert "For children under 8" in child_card.text
    assert 'class="face face-1"' in child_card.text and 'class="face face-5"' in child_card.text


async def test_the_organisations_logo_is_printed_when_configured(settings, manager_world, tmp_path: Path):
    logo = tmp_path / "council.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><rect width="40" height="10"/></svg>'
    )
    touchpoint = manager_world["young"]
    with_logo = create_app(
        load_settings({}, database_url=settings.database_url, base_url=BASE, log_level="WARNING", logo_file=str(logo))
    )

    async with AsyncTestClient(app=with_logo, base_url=BASE) as client:
        card = await _get(client, manager_world, f"/staff/touchpoints/{touchpoint.id}/print/card")
        plain = await _get(client, manager_world, f"/staff/touchpoints/{touchpoint.id}/print/card")

    assert '<img class="logo" src="data:image/svg+xml;base64,' in card.text
    assert 'alt="Print Team"' in card.text
    assert plain.status_code == 200


def test_a_logo_that_is_not_an_image_file_stops_heard_with_a_message(tmp_path: Path):
    from service.settings import SettingsError

    notes = tmp_path / "logo.txt"
    notes.write_text("not a picture")

    with pytest.raises(SettingsError, match="HEARD_LOGO_FILE"):
        load_settings({"HEARD_LOGO_FILE": str(notes)})


async def test_revoking_asks_first_then_no_code_card_or_poster_is_offered(client, pool, manager_world):
    touchpoint = manager_world["young"]
    headers = {"Cookie": f"heard_staff={manager_world['token']}"}
    form = {"csrf_token": manager_world["csrf"], "status": "revoked"}

    client.cookies.clear()
    asked = await client.post(f"/staff/touchpoints/{touchpoint.id}/status", data=form, headers=headers)
    still = await pool.fetchval("select status from touchpoints where id = $1", touchpoint.id)
    client.cookies.clear()
    confirmed = await client.post(
        f"/staff/touchpoints/{touchpoint.id}/status", data={**form, "confirm": "yes"}, headers=headers
    )
    revoked = await pool.fetchval("select status from touchpoints where id = $1", touchpoint.id)
    page = await _get(client, manager_world, f"/staff/touchpoints/{touchpoint.id}")
    gone = {
        path: (await _get(client, manager_world, f"/staff/touchpoints/{touchpoint.id}/{path}")).status_code
        for path in ("qr/png", "qr/svg", "print/card", "print/cards", "print/poster", "pdf/card", "show")
    }

    assert asked.status_code == 200 and "Revoke this touchpoint?" in asked.text and "cannot be undone" in asked.text
    assert still == "active"
    assert confirmed.status_code == 303 and revoked == "revoked"
    assert "/qr/png" not in page.text and "/print/card" not in page.text and "/show" not in page.text
    assert "was revoked" in page.text
    assert gone == dict.fromkeys(gone, 410)


async def _entry(pool, team: int, texts: dict) -> int:
    """An entry with a figure, from a review of the after-meeting survey (its figure's question is that survey's)."""
    review = await pool.fetchval(
        "insert into reviews (team_id, period_start, period_end, survey_id) "
        "values ($1, current_date - 30, current_date - 1, $2) returning id",
        team,
        factories.SURVEY,
    )
    return await pool.fetchval(
        "insert into you_said_we_did (team_id, review_id, languages, texts, figure_question, figure_percent, "
        "figure_base) values ($1, $3, array['en-GB'], $2, 'listened', 72, 40) returning id",
        team,
        texts,
        review,
    )


@pytest.mark.parametrize("audience", ["under8", "8to12", "parent"])
async def test_a_postcard_prints_what_staff_wrote_once_and_nothing_stray(client, pool, manager_world, audience):
    entry = await _entry(
        pool,
        manager_world["team"],
        {
            "en-GB": {
                "you_said": "You told us meetings were hard to understand.",
                "we_did": "We now send a one-page plan before every meeting.",
                "child": "You said meetings were hard. Now we draw you a picture of the plan.",
            }
        },
    )

    card = await _get(client, manager_world, f"/staff/entries/{entry}/print/{audience}/postcard")

    text = card.text
    assert "You said: You told us" not in text and "You said:" not in text and "We did:" not in text
    assert '".' not in text and "&#34;." not in text
    assert "👂" not in text and "✅" not in text and "💬" not in text
    if audience == "under8":
        assert "Now we draw you a picture of the plan." in text
    else:
        assert text.count("You told us meetings were hard to understand.") == 1
        assert text.count("We now send a one-page plan before every meeting.") == 1
    if audience == "parent":
        assert "72% of the people who answered were positive when we asked: " in text
