"""A survey words a question per kind of contact and says what to do when a
required one is left empty; the welcome page's promise about skipping comes
from the file; screens of a one-question-a-screen form move by Back, Next and
the phone's history (`go=to`)."""

from __future__ import annotations

import pytest

from service.responses.service import skipping, worded_for
from service.responses.steps import move
from service.surveys.loading import CONTACT_KIND_KEYS, SurveyError, decode_survey
from service.surveys.model import Faces, Text
from service.touchpoints.kinds import CONTACT_KINDS

TINY = """
id = "tiny"
version = "1"
title = "Tiny"
[audiences.parent]
questions = [
  { kind = "agree", id = "listened", text = "The worker listened to me."%s },
  { kind = "text", id = "else", text = "Anything else?" },
]
"""


def test_a_question_is_worded_for_a_kind_of_contact_and_keeps_its_id():
    survey = decode_survey(
        TINY % ', text_for = { child_protection_conference = "The social worker listened to me." }', "tiny.toml"
    ).survey

    at_conference = worded_for(survey.audiences["parent"].questions, "child_protection_conference")
    at_home = worded_for(survey.audiences["parent"].questions, "home_visit")

    assert [q.text for q in at_conference] == ["The social worker listened to me.", "Anything else?"]
    assert [q.text for q in at_home] == ["The worker listened to me.", "Anything else?"]
    assert [q.id for q in at_conference] == [q.id for q in at_home]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (', text_for = { conference = "x" }', "text_for 'conference' is not a kind of contact"),
        (', text_for = { home_visit = " " }', "text_for 'home_visit' is empty"),
        (', unanswered = "Choose one"', "unanswered is the message for a required question"),
    ],
)
def test_a_wording_for_an_unknown_kind_or_a_message_for_an_optional_question_is_refused(extra, expected):
    with pytest.raises(SurveyError) as caught:
        decode_survey(TINY % extra, "tiny.toml")

    assert expected in str(caught.value)


def test_the_survey_knows_every_kind_of_contact_a_touchpoint_can_be():
    assert tuple(CONTACT_KINDS) == CONTACT_KIND_KEYS


def test_what_the_welcome_page_promises_follows_the_required_questions():
    optional = decode_survey(TINY % "", "a.toml").survey.audiences["parent"]
    first = decode_survey(TINY % ', required = true, unanswered = "Choose"', "b.toml").survey.audiences["parent"]
    second = decode_survey(
        TINY.replace('text = "Anything else?"', 'text = "Anything else?", required = true') % "", "c.toml"
    ).survey.audiences["parent"]

    assert skipping([optional]) == "any"
    assert skipping([first]) == "first"
    assert skipping([first, optional]) == "some"
    assert skipping([second]) == "some"


QUESTIONS = [
    Faces(id="a", text="A", required=True),
    Faces(id="b", text="B"),
    Faces(id="c", text="C"),
    Text(id="d", text="D"),
]


@pytest.mark.parametrize(
    ("step", "go", "to", "problems", "expected"),
    [
        (2, "to", 1, {}, (1, {})),  # the phone's Back
        (0, "to", 2, {}, (2, {})),  # the phone's Forward
        (0, "to", 2, {"a": "required"}, (0, {"a": "required"})),  # no further than an answer that is missing
        (1, "next", None, {"a": "required"}, (2, {})),
        (0, "next", None, {"a": "required"}, (0, {"a": "required"})),
        (0, "back", None, {}, (0, {})),
        (3, "next", None, {}, (3, {})),
    ],
)
def test_screens_move_by_back_next_and_the_phones_history(step, go, to, problems, expected):
    assert move(QUESTIONS, step, go, problems, to) == expected
