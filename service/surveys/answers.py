"""Checking a submitted form against the survey variant it was rendered from.

The form arrives as text fields named `q_<question id>`. What comes back is
either clean answers (closed answers as small values, free text apart) or a
problem code per question; the templates turn codes into words in the
person's language.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import msgspec

from .model import Agree, Choice, Faces, Question, Text, Variant, YesNo

YES_NO_VALUES = ("yes", "no", "not_sure")
AGREE_POINTS = 5

# Problem codes, one per thing a person can get wrong.
REQUIRED = "required"
NOT_AN_OPTION = "not_an_option"
TOO_LONG = "too_long"
NOTHING_ANSWERED = "nothing_answered"


class CheckedAnswers(msgspec.Struct):
    closed: dict[str, int | str]  # question id -> scale point or option id
    free_text: dict[str, str]  # question id -> what the person wrote
    problems: dict[str, str]  # question id (or "form") -> problem code
    given: dict[str, str]  # what the person sent, to put back in the form

    @property
    def ok(self) -> bool:
        return not self.problems


def field_name(question: Question) -> str:
    return f"q_{question.id}"


def scale_values(question: Question) -> tuple[str, ...]:
    """The allowed submitted values of a closed question, in display order."""
    if isinstance(question, Faces):
        return _points(question.points)
    if isinstance(question, Agree):
        return _points(question.scale)
    if isinstance(question, YesNo):
        return YES_NO_VALUES
    if isinstance(question, Choice):
        return tuple(option.id for option in question.options)
    return ()


@functools.cache
def _points(count: int) -> tuple[str, ...]:
    """ "1".."count": made once per scale length, not on every answer."""
    return tuple(str(point) for point in range(1, count + 1))


def check_answers(variant: Variant, form: Mapping[str, Sequence[str]]) -> CheckedAnswers:
    result = CheckedAnswers({}, {}, {}, {})
    for question in variant.questions:
        values = form.get(field_name(question)) or []
        # A field sent twice is not something our form does; take neither.
        value = values[0] if len(values) == 1 and isinstance(values[0], str) else ""
        if isinstance(question, Text):
            value = value.replace("\r\n", "\n").strip()
        if value:
            result.given[question.id] = value
        problem = _check_one(question, value, result)
        if problem:
            result.problems[question.id] = problem
    if not result.problems and not result.closed and not result.free_text:
        result.problems["form"] = NOTHING_ANSWERED
    return result


def _check_one(question: Question, value: str, result: CheckedAnswers) -> str | None:
    if not value:
        return REQUIRED if question.required else None
    if isinstance(question, Text):
        if len(value) > question.max_length:
            return TOO_LONG
        result.free_text[question.id] = value
        return None
    if value not in scale_values(question):
        return NOT_AN_OPTION
    result.closed[question.id] = int(value) if isinstance(question, (Faces, Agree)) else value
    return None
