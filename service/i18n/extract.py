"""A Babel extraction method for survey files, registered as the entry point
`heard_survey` (pyproject.toml), so translators get survey wording in the same
.po workflow as the interface, in the `surveys` domain.

Every title, question text (and its wording per kind of contact), hint, error
message and option text is a message; the comment
tells the translator which survey, audience and question it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

from . import label_context


def extract_surveys(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    raw = fileobj.read()
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    data = msgspec.toml.decode(text)
    lines = text.splitlines()

    def line_of(message: str) -> int:
        for number, line in enumerate(lines, start=1):
            if message in line:
                return number
        return 1

    survey_id = data.get("id", "?")
    if data.get("title"):
        yield line_of(data["title"]), None, data["title"], [f"Title of the survey {survey_id}"]
    for audience, variant in (data.get("audiences") or {}).items():
        for question in variant.get("questions", []):
            where = f"{survey_id}, {audience}, question {question.get('id')}"
            if question.get("text"):
                yield (
                    line_of(question["text"]),
                    None,
                    question["text"],
                    [f"{where} ({AUDIENCE_NOTES.get(audience, audience)})"],
                )
            for contact_kind, words in (question.get("text_for") or {}).items():
                yield (
                    line_of(words),
                    None,
                    words,
                    [
                        f"{where}, worded for a {contact_kind.replace('_', ' ')} "
                        f"({AUDIENCE_NOTES.get(audience, audience)})"
                    ],
                )
            if question.get("hint"):
                yield line_of(question["hint"]), None, question["hint"], [f"{where}: hint"]
            if question.get("unanswered"):
                yield (
                    line_of(question["unanswered"]),
                    None,
                    question["unanswered"],
                    [f"{where}: the error message when it is left unanswered (says what to do)"],
                )
            for option in question.get("options", []):
                yield line_of(option["text"]), None, option["text"], [f"{where}: answer option"]
            for answer, word in (question.get("labels") or {}).items():
                # One entry per question (msgctxt): translate it the way this question is answered.
                yield (
                    line_of(question["text"]),
                    "pgettext",
                    (label_context(question["text"]), word),
                    [f'{where}: the answer "{answer}" to this question. {LABEL_NOTE}'],
                )


LABEL_NOTE = (
    'Optional: left empty, the page shows your language\'s usual word for "yes" / "no". '
    "Fill it in where your language answers this question with its own words, e.g. Welsh "
    'Do / Naddo ("Wnaeth...?"), Oedd / Nac oedd ("Oedd...?"), Ydw / Nac ydw ("Wyt ti...?").'
)

# Reminds translators of the reader, so the register fits.
# The address form follows the reader (locales/NOTES.md, "Address"): the
# familiar "you" for children and young people, the polite one for parents.
AUDIENCE_NOTES = {
    "under8": "read by or to a child under 8: very simple words, familiar 'you'",
    "8to12": "read by a child aged 8 to 12: short, plain words, familiar 'you'",
    "13to17": "read by a young person aged 13 to 17: respectful, plain, familiar 'you'",
    "parent": "read by a parent or carer, maybe stressed: plain and polite, polite 'you'",
}
