"""Recorded read-aloud: a survey may name an audio file per question and
language (`audio = { "en-GB" = "file.wav" }`, files in <surveys dir>/audio/).
Where one exists its button shows and plays it, even on a device with no voice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import wave

import pytest

from service.settings import REPO_ROOT
from tests import factories
from tests.browser.conftest import _free_port
from tests.browser.test_forms_htmx import FAKE_VOICES, visible_speak_buttons

LISTENED = (
    '{ kind = "faces", points = 3, id = "listened", text = "Did the grown-up listen to you?", required = true, '
    'labels = { yes = "Yes", no = "No" }, unanswered = "Choose a face to show if the grown-up listened" }'
)
WITH_AUDIO = LISTENED[:-2] + ', audio = { "en-GB" = "listened-en.wav" } }'


@pytest.fixture(scope="module")
def server_with_audio(dsn, tmp_path_factory):
    """Heard serving a copy of the survey whose first under-8 question has a recording."""
    surveys = tmp_path_factory.mktemp("surveys")
    source = (REPO_ROOT / "surveys" / "after-meeting.toml").read_text()
    assert LISTENED in source
    (surveys / "after-meeting.toml").write_text(source.replace(LISTENED, WITH_AUDIO, 1))
    (surveys / "audio").mkdir()
    with wave.open(str(surveys / "audio" / "listened-en.wav"), "wb") as recording:  # a tenth of a second of quiet
        recording.setnchannels(1), recording.setsampwidth(2), recording.setframerate(8000)
        recording.writeframes(b"\0\0" * 800)
    for other in (REPO_ROOT / "surveys").glob("*.toml"):
        if other.name != "after-meeting.toml":
            shutil.copy(other, surveys / other.name)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "HEARD_BASE_URL": base,
        "HEARD_LOG_LEVEL": "WARNING",
        "HEARD_SURVEYS_DIR": str(surveys),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "1"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("Heard did not start with the audio survey") from None
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


async def test_a_recorded_question_has_a_working_button_even_without_a_voice(page, server_with_audio, pool):
    touchpoint = await factories.touchpoint(pool, audience="under8")
    await page.add_init_script(FAKE_VOICES % "[]")
    await page.goto(f"{server_with_audio}/t/{touchpoint.code}/form/under8")

    async with page.expect_response(lambda response: "/static/audio/" in response.url) as played:
        await page.get_by_role("button", name="Listen: Did the grown-up listen to you?").click()
    response = await played.value

    assert [label.strip() for label in await visible_speak_buttons(page)] == ["Listen: Did the grown-up listen to you?"]
    assert response.ok and response.headers["content-type"] == "audio/wav"
    assert "listened-en." in response.url
    assert await page.evaluate("window.__spoken") == []  # the recording, not a machine voice


async def test_a_recording_for_another_language_is_not_offered(page, server_with_audio, pool):
    touchpoint = await factories.touchpoint(pool, audience="under8")
    await page.add_init_script(FAKE_VOICES % "[]")

    await page.goto(f"{server_with_audio}/t/{touchpoint.code}/form/under8?lang=ar")

    assert await visible_speak_buttons(page) == []
