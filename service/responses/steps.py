"""One question per screen for young children, without any server-side state.

A stepped form posts each screen to the same address as a full submit, with
`go=next` or `go=back` and the screen's `step`; answers so far travel in hidden
fields. Only the final "send" stores anything. These functions decide which
screen to show; they know nothing about the web.
"""

from __future__ import annotations

from service.surveys.model import Question

# Audiences answered one question per screen.
STEPPED = frozenset({"under8"})
MOVES = ("next", "back")


def is_stepped(audience: str) -> bool:
    return audience in STEPPED


def parse_step(raw: str | None, count: int) -> int:
    """The screen a form says it was on, kept within the form's questions."""
    try:
        step = int(raw or 0)
    except ValueError:
        step = 0
    return min(max(step, 0), count - 1)


def move(questions: list[Question], step: int, go: str, problems: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Where `go` leads from `step`: the next or previous screen, or the same
    screen with its problem when its answer cannot be accepted."""
    here = questions[step].id
    if go == "next" and here in problems:
        return step, {here: problems[here]}
    if go == "back":
        return max(step - 1, 0), {}
    return min(step + 1, len(questions) - 1), {}


def screen_for(questions: list[Question], problems: dict[str, str]) -> int:
    """After a full submit that came back: the first question with a problem,
    else the last screen (where "send" was pressed)."""
    for index, question in enumerate(questions):
        if question.id in problems:
            return index
    return len(questions) - 1
