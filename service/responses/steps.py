"""One question per screen for young children, without any server-side state.

A stepped form posts each screen to the same address as a full submit, with
`go=next` or `go=back` and the screen's `step` (or, when the phone's Back or
Forward button moves through the screens, `go=to` and the screen `to`);
answers so far travel in hidden fields. Only the final "send" stores anything. These functions decide which
screen to show; they know nothing about the web.
"""

from __future__ import annotations

from service.surveys.model import Question

# Audiences answered one question per screen.
STEPPED = frozenset({"under8"})
MOVES = ("next", "back", "to")


def is_stepped(audience: str) -> bool:
    return audience in STEPPED


def parse_step(raw: str | None, count: int) -> int:
    """The screen a form says it was on, kept within the form's questions."""
    try:
        step = int(raw or 0)
    except ValueError:
        step = 0
    return min(max(step, 0), count - 1)


def move(
    questions: list[Question], step: int, go: str, problems: dict[str, str], to: int | None = None
) -> tuple[int, dict[str, str]]:
    """Where `go` leads from `step`: the next or previous screen, screen `to`
    (back freely; forward no further than the first answer that cannot be
    accepted), or the same screen with its problem."""
    if go == "back":
        return max(step - 1, 0), {}
    target = min(step + 1, len(questions) - 1) if go == "next" or to is None else to
    if target <= step:
        return target, {}
    for index in range(step, target):
        if questions[index].id in problems:
            return index, {questions[index].id: problems[questions[index].id]}
    return target, {}


def screen_for(questions: list[Question], problems: dict[str, str]) -> int:
    """After a full submit that came back: the first question with a problem,
    else the last screen (where "send" was pressed)."""
    for index, question in enumerate(questions):
        if question.id in problems:
            return index
    return len(questions) - 1
