"""A question's own yes/no words (survey `labels`): decoded and checked, left
out of the version hash while unset, extracted per question into the surveys
domain, and shown in the current language or else the generic words."""

from __future__ import annotations

import io

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from service import i18n
from service.i18n.extract import extract_surveys
from service.surveys.loading import SurveyError, decode_survey
from service.surveys.model import YesNoLabels

WITHOUT = """
id = "tiny"
version = "1"
title = "Tiny"
[audiences.under8]
questions = [
  { kind = "faces", points = 3, id = "listened", text = "Did the grown-up listen to you?" },
]
"""
WITH = WITHOUT.replace('listen to you?" }', 'listen to you?", labels = { yes = "Yes", no = "No" } }')
QUESTION = "Did the grown-up listen to you?"


def test_a_question_can_carry_its_own_yes_and_no_words():
    question = decode_survey(WITH, "tiny.toml").survey.audiences["under8"].questions[0]

    assert question.labels == YesNoLabels(yes="Yes", no="No")


def test_words_for_only_one_answer_are_refused_with_the_place():
    with pytest.raises(SurveyError, match=r"questions\[0\]`: labels need both `yes` and `no`"):
        decode_survey(WITHOUT.replace('listen to you?" }', 'listen to you?", labels = { yes = "Do" } }'), "t.toml")


def test_an_unknown_answer_in_labels_is_refused():
    with pytest.raises(SurveyError, match="maybe"):
        decode_survey(WITH.replace('no = "No"', 'no = "No", maybe = "?"'), "t.toml")


def test_adding_labels_to_the_model_left_unlabelled_surveys_version_unchanged():
    """The hash of a survey without labels is what it was before the field existed."""
    import hashlib

    import msgspec

    survey = decode_survey(WITHOUT, "tiny.toml")
    before = {
        "id": "tiny",
        "version": "1",
        "title": "Tiny",
        "audiences": {
            "under8": {
                "questions": [
                    {
                        "kind": "faces",
                        "points": 3,
                        "id": "listened",
                        "text": QUESTION,
                        "hint": "",
                        "required": False,
                        "audio": {},
                    }
                ]
            }
        },
    }

    assert survey.version_hash == hashlib.sha256(msgspec.json.encode(before)).hexdigest()[:16]
    assert decode_survey(WITH, "tiny.toml").version_hash != survey.version_hash


def test_labels_are_extracted_once_per_question_with_the_question_as_context():
    found = list(extract_surveys(io.BytesIO(WITH.encode()), [], [], {}))

    labels = [(funcname, message) for _, funcname, message, _ in found if funcname]

    assert labels == [("pgettext", (f"answer to: {QUESTION}", "Yes")), ("pgettext", (f"answer to: {QUESTION}", "No"))]


@pytest.fixture
def welsh_with_one_label(tmp_path):
    """Welsh catalogs in which only the "yes" of one question is translated."""
    folder = tmp_path / "locales" / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    surveys = Catalog(locale="cy", domain="surveys")
    surveys.add("Yes", "Do", context=f"answer to: {QUESTION}")
    messages = Catalog(locale="cy", domain="messages")
    messages.add("No", "Na", context="faces")
    for domain, catalog in (("surveys", surveys), ("messages", messages)):
        with (folder / f"{domain}.mo").open("wb") as target:
            write_mo(target, catalog)
    i18n.use_locales_dir(tmp_path / "locales")
    yield
    i18n.use_locales_dir(i18n.LOCALES_DIR)
    i18n.use_language(i18n.SOURCE_LANGUAGE)


def test_a_questions_word_is_shown_in_the_language_else_the_generic_word(welsh_with_one_label):
    i18n.use_language("cy")
    yes = i18n.survey_label(QUESTION, "Yes", i18n.pgettext("faces", "Yes"))
    no = i18n.survey_label(QUESTION, "No", i18n.pgettext("faces", "No"))
    other = i18n.survey_label("Was the grown-up kind to you?", "Yes", "Ie")
    i18n.use_language(i18n.SOURCE_LANGUAGE)
    english = i18n.survey_label(QUESTION, "Yes, they did", "Yes")

    assert (yes, no, other, english) == ("Do", "Na", "Ie", "Yes, they did")
