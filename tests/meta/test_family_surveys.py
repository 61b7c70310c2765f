"""Every families' survey file is everywhere the first one is: `heard surveys check` reads it, and every word a
child or parent reads in it is translated into every language (a question's own yes/no words are optional: the
generic words show where a language leaves them empty)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from service.i18n import LOCALES_DIR, catalogs, completeness
from service.settings import REPO_ROOT
from service.surveys.loading import load_surveys

FAMILY_SURVEYS = load_surveys(REPO_ROOT / "surveys").family_survey_ids()
LANGUAGES = sorted({po.parent.parent.name for po in catalogs.catalogs()})


def _texts(survey_id: str) -> list:
    template = catalogs.read_template(LOCALES_DIR, "surveys")
    return [
        m
        for m in template
        if m.id
        and not completeness.is_optional(m)
        and any(path == f"surveys/{survey_id}.toml" for path, _ in m.locations)
    ]


def test_the_second_families_survey_has_its_own_texts_in_the_catalog_template():
    texts = {m.id for m in _texts("after-care-review")}

    assert {
        "After a review meeting",
        "The people at the review listened to me.",
        "Were you asked for your views before the review?",
    } <= texts


@pytest.mark.parametrize("tag", LANGUAGES)
@pytest.mark.parametrize("survey_id", FAMILY_SURVEYS)
def test_every_text_of_a_families_survey_is_translated_in_every_language(survey_id, tag):
    catalog = catalogs.read_catalog(LOCALES_DIR / tag / "LC_MESSAGES" / "surveys.po")

    missing = [
        m.id
        for m in _texts(survey_id)
        if not completeness.is_translated(catalog.get(m.id, context=m.context), catalog.num_plurals)
    ]

    assert missing == [], f"{tag}: {survey_id} texts without a checked translation: {missing[:3]}"


def test_heard_surveys_check_reads_every_families_survey():
    found = subprocess.run(
        [sys.executable, "-m", "service", "surveys", "check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )

    assert found.returncode == 0, found.stderr
    for survey_id in FAMILY_SURVEYS:
        assert f"{survey_id}.toml  {survey_id} v1" in found.stdout
    assert "after-care-review v1" in found.stdout and "under8 (3 questions)" in found.stdout
