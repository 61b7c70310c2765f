"""Health checks, start-up refusal, the CLI, and headers."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from service.app import create_app
from service.settings import REPO_ROOT, load_settings
from service.surveys.loading import SurveyError
from tests import factories


async def test_healthz_says_the_process_is_alive(client):
    response = await client.get("/healthz")

    assert response.json() == {"status": "ok"}


async def test_readyz_says_the_database_is_reachable_and_current(client):
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.fixture
async def own_heard(new_database):
    """Heard on a database of its own, which these tests may break."""
    import asyncpg
    from litestar.testing import AsyncTestClient

    from service.db.migrate import migrate

    dsn = await new_database()
    await migrate(dsn)
    app = create_app(
        load_settings(
            {}, database_url=dsn, base_url="https://heard.example.org", log_level="WARNING", submissions_per_source=0
        )
    )
    async with AsyncTestClient(app=app, base_url="https://heard.example.org") as own_client:
        conn = await asyncpg.connect(dsn)
        try:
            yield app, own_client, conn
        finally:
            await conn.close()


async def test_screening_lists_are_built_before_the_first_request_not_on_the_first_written_answer(
    settings, monkeypatch
):
    """English's lists take a second or more to build; a worker building them on a respondent's
    first written answer answers nobody meanwhile (and behind a load balancer looks dead)."""
    from litestar.testing import AsyncTestClient

    from service import i18n
    from service.safeguarding import flagging

    built: list[str] = []
    real_build = flagging._build

    def counting_build(code: str):
        built.append(code)
        return real_build(code)

    monkeypatch.setattr(flagging, "_build", counting_build)
    flagging._load.cache_clear()
    app = create_app(settings)
    assert built == []  # nothing is built while the app is only being put together

    async with AsyncTestClient(app=app, base_url="https://heard.example.org") as own_client:
        offered = {flagging.language_code(tag) for tag in i18n.available_tags()}
        assert {"en", "cy", "ar"} <= offered <= set(built)
        before_answers = len(built)
        assert flagging.flag("Mae fy nhad yn fy nharo i", "cy") is not None
        assert flagging.flag("My dad hits me", "en-GB") is not None
        assert (await own_client.get("/readyz")).json() == {"status": "ok"}
        assert len(built) == before_answers


async def test_readyz_is_unavailable_and_names_a_migration_the_database_lacks(own_heard):
    app, own_client, conn = own_heard
    assert (await own_client.get("/readyz")).status_code == 200
    last = await conn.fetchrow("select version, name from schema_migrations order by version desc limit 1")
    await conn.execute("delete from schema_migrations where version = $1", last["version"])

    response = await own_client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "pending_migrations": [f"{last['version']:04d}_{last['name']}"]}


async def test_readyz_is_unavailable_when_postgresql_cannot_be_reached(own_heard):
    import asyncpg

    app, own_client, _ = own_heard
    working = app.state.pool
    portal = own_client.blocking_portal  # the app's own event loop, where its pool lives

    async def gone():  # a pool whose server is gone: nothing listens on its port, connecting is refused
        return await asyncpg.create_pool(f"postgresql://heard@127.0.0.1:{_closed_port()}/heard", min_size=0, timeout=2)

    app.state.pool = await asyncio.to_thread(portal.call, gone)
    try:
        response = await own_client.get("/readyz")
    finally:
        await asyncio.to_thread(portal.call, app.state.pool.close)
        app.state.pool = working

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable" and response.json()["reason"]
    assert (await own_client.get("/readyz")).status_code == 200  # and ready again once it is back


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_respondent_pages_carry_the_security_headers(client, touchpoint):
    response = await client.get(f"/t/{touchpoint.code}")

    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers


def test_a_malformed_survey_stops_start_up_naming_the_file_and_field(tmp_path: Path, dsn):
    broken = (REPO_ROOT / "surveys" / "after-meeting.toml").read_text().replace('kind = "agree"', 'kind = "stars"', 1)
    (tmp_path / "after-meeting.toml").write_text(broken)

    with pytest.raises(SurveyError) as caught:
        create_app(load_settings({}, database_url=dsn, surveys_dir=tmp_path))

    message = str(caught.value)
    assert str(tmp_path / "after-meeting.toml") in message
    assert "$.audiences.13to17.questions[0].kind" in message
    assert "Invalid value 'stars'" in message


def _heard(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        env={**os.environ, **env},
    )


def test_heard_serve_refuses_to_start_with_a_malformed_survey(tmp_path: Path, dsn):
    (tmp_path / "after-meeting.toml").write_text("id = 'after-meeting'\nversion = 1\n")

    result = _heard("serve", "--port", "1", DATABASE_URL=dsn, HEARD_SURVEYS_DIR=str(tmp_path))

    assert result.returncode == 2
    assert "survey file problem" in result.stderr
    assert "after-meeting.toml" in result.stderr
    assert "Expected `str`, got `int` - at `$.version`" in result.stderr
    assert "Traceback" not in result.stderr


def test_heard_surveys_check_lists_every_survey(dsn):
    result = _heard("surveys", "check")

    assert result.returncode == 0
    assert "after-meeting v1" in result.stdout
    assert "under8 (4 questions)" in result.stdout


async def test_heard_qr_png_decodes_to_the_touchpoint_url(tmp_path: Path, dsn, pool):
    touchpoint = await factories.touchpoint(pool)
    out = tmp_path / "card.png"

    result = _heard(
        "qr", touchpoint.code, "--out", str(out), DATABASE_URL=dsn, HEARD_BASE_URL="https://feedback.example.gov.uk/"
    )

    assert result.returncode == 0, result.stderr
    [decoded] = zxingcpp.read_barcodes(Image.open(out))
    assert decoded.text == f"https://feedback.example.gov.uk/t/{touchpoint.code}"


async def test_heard_qr_svg_is_a_qr_image_of_the_url(tmp_path: Path, dsn, pool):
    touchpoint = await factories.touchpoint(pool)
    out = tmp_path / "card.svg"

    result = _heard("qr", touchpoint.code, "--out", str(out), DATABASE_URL=dsn)

    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("<?xml") and "<svg" in out.read_text()
    # The browser tests render this SVG in Chromium and decode it.


def test_heard_qr_refuses_an_unknown_code(tmp_path: Path, dsn):
    result = _heard("qr", "zzzzzzzzzzzzz", "--out", str(tmp_path / "x.png"), DATABASE_URL=dsn)

    assert result.returncode == 2
    assert "no touchpoint has the code" in result.stderr
    assert not (tmp_path / "x.png").exists()
