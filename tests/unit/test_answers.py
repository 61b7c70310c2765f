"""Every question kind, valid and invalid, as the server checks it."""

import pytest

from service.surveys.answers import NOT_AN_OPTION, NOTHING_ANSWERED, REQUIRED, TOO_LONG, check_answers
from service.surveys.model import Agree, Choice, Faces, Option, Text, Variant, YesNo

VARIANT = Variant(
    questions=[
        Faces(id="listened", text="Did they listen?", points=3, required=True),
        Faces(id="five", text="Five faces", points=5),
        Agree(id="respect", text="I was treated with respect."),
        YesNo(id="contact", text="Do you know how to contact your worker?"),
        Choice(
            id="took_part", text="How?", options=[Option("was_there", "I was there"), Option("did_not", "I didn't")]
        ),
        Text(id="anything_else", text="Anything else?", max_length=20),
    ]
)


def form(**answers: str) -> dict[str, list[str]]:
    return {f"q_{key}": [value] for key, value in answers.items()}


def test_valid_answers_of_every_kind_are_accepted_and_typed():
    checked = check_answers(
        VARIANT,
        form(
            listened="3", five="5", respect="1", contact="not_sure", took_part="did_not", anything_else=" hi \r\nthere "
        ),
    )

    assert checked.ok
    assert checked.closed == {"listened": 3, "five": 5, "respect": 1, "contact": "not_sure", "took_part": "did_not"}
    assert checked.free_text == {"anything_else": "hi \nthere"}


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("listened", "4"),  # three faces only
        ("listened", "0"),
        ("five", "6"),
        ("five", "five"),
        ("respect", "2.5"),
        ("contact", "maybe"),
        ("took_part", "was there"),
    ],
)
def test_a_value_that_is_not_one_of_the_answers_is_a_problem(question, value):
    checked = check_answers(VARIANT, form(**{"listened": "1", question: value}))

    assert checked.problems == {question: NOT_AN_OPTION}
    assert checked.given[question] == value, "what the person sent goes back into the form"


def test_free_text_over_its_limit_is_a_problem_and_is_kept():
    checked = check_answers(VARIANT, form(listened="2", anything_else="x" * 21))

    assert checked.problems == {"anything_else": TOO_LONG}
    assert checked.given["anything_else"] == "x" * 21


def test_a_required_question_left_empty_is_a_problem():
    checked = check_answers(VARIANT, form(respect="4"))

    assert checked.problems == {"listened": REQUIRED}
    assert checked.given == {"respect": "4"}


def test_optional_questions_may_be_skipped():
    checked = check_answers(VARIANT, form(listened="1"))

    assert checked.ok
    assert checked.closed == {"listened": 1}


def test_an_empty_form_is_a_problem_even_without_required_questions():
    variant = Variant(questions=[YesNo(id="contact", text="?")])

    assert check_answers(variant, {}).problems == {"form": NOTHING_ANSWERED}


def test_a_field_sent_twice_is_not_taken():
    checked = check_answers(VARIANT, {"q_listened": ["1", "3"]})

    assert checked.problems == {"listened": REQUIRED}


def test_unknown_fields_are_ignored_and_not_stored():
    checked = check_answers(VARIANT, {**form(listened="1"), "q_evil": ["x"], "ip": ["1.2.3.4"]})

    assert checked.closed == {"listened": 1}
    assert checked.free_text == {}
