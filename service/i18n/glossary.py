"""Translators' notes for words that needed a decision, added to every text
that uses them when the catalog templates are extracted, so a translator
meets the decision where the word is (and new texts get it too). The
reasons are written out in locales/NOTES.md."""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog, Message

# word (matched whole, any case, with its plural) -> the note
TERMS = {
    "worker": (
        "Glossary, worker: whoever worked with the family in this contact (at early help or a family "
        'group meeting there may be no social worker). Never translate as "social worker": use a neutral '
        'word or "the person who helps you" (children) / "the person who works with you" (parents).'
    ),
    "safeguarding lead": (
        "Glossary, safeguarding lead: the person in the team whose job is to keep children "
        "safe and who reads worrying answers; a job, not a rank. Say what they do if your "
        "language has no settled term."
    ),
    "anonymous": (
        "Glossary, anonymous: nobody is asked their name and answers are read only together; use the "
        "everyday word (not a legal or technical one), the same one on every page."
    ),
    "touchpoint": (
        "Glossary, touchpoint: one place feedback is asked for (a QR code and its link), for staff; "
        'a plain word such as "feedback point" or "feedback link".'
    ),
    "grown-up": ("Glossary, grown-up: a child's word for an adult; use the word children use, not a formal one."),
}
# (msgctxt, msgid) of the generic answer words
ANSWERS = {("answer", "Yes"), ("answer", "No"), ("faces", "Yes"), ("faces", "No")}
ANSWER_NOTE = (
    "Glossary, yes/no: the generic answer word, shown under any question that has not set its own. "
    'A survey question can carry its own yes/no words (surveys.po, msgctxt "answer to: ..."): '
    "for languages that answer with the verb (Welsh Do/Naddo, Oedd/Nac oedd) translate those there."
)

_PATTERNS = {term: re.compile(rf"\b{re.escape(term)}s?\b", re.IGNORECASE) for term in TERMS}


def notes_for(message: Message) -> list[str]:
    texts = [message.id] if isinstance(message.id, str) else list(message.id)
    found = [TERMS[term] for term, pattern in _PATTERNS.items() if any(pattern.search(text) for text in texts)]
    if (message.context, message.id) in ANSWERS:
        found.append(ANSWER_NOTE)
    return found


def add_notes(catalog: Catalog) -> None:
    for message in catalog:
        if message.id:
            for note in notes_for(message):
                if note not in message.auto_comments:
                    message.auto_comments.append(note)
