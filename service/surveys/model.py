"""The shape of a survey file (surveys/<id>.toml), as msgspec Structs.

Question kinds are a closed registry: each is a tagged Struct here, a branch
in answers.py, and a macro in templates/_macros/questions.html. Unknown
fields are refused, so a typo in a survey file fails with its path.
"""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

import msgspec

Audience = Literal["under8", "8to12", "13to17", "parent", "staff", "partner"]


_AUDIENCE_NAMES = frozenset(get_args(Audience))


def is_audience(value: str) -> TypeGuard[Audience]:
    """One of the audiences a survey file may define."""
    return value in _AUDIENCE_NAMES


# The families' audiences: who a families' survey (surveys/after-meeting.toml, surveys/after-care-review.toml)
# asks, and what family figures are broken down by. The one list: everything else reads it from here.
AUDIENCES: tuple[Audience, ...] = ("under8", "8to12", "13to17", "parent")
# The families' audiences that are children (a child's wording, a child's privacy notice).
CHILDREN: tuple[Audience, ...] = ("under8", "8to12")
# Staff answering about their own team (the culture pulse, surveys/culture-pulse.toml). A survey for staff has
# this audience alone; its answers never mix with families' (figures select by survey).
STAFF: Audience = "staff"
# A professional answering about their own piece of work (surveys/debrief.toml, service/debriefs).
PARTNER: Audience = "partner"


class _Question(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, tag_field="kind"):
    # Stable forever: the same id across audiences means the same thing, so
    # results can be compared. Never reuse an id with a new meaning.
    id: str
    text: str
    hint: str = ""
    required: bool = False
    # Recorded audio per language, e.g. {"en-GB" = "listened-en.mp3"} (read-aloud).
    audio: dict[str, str] = {}
    # What to do when a required question is left unanswered, said for this
    # question ("Choose how much your worker listened"): the error message.
    unanswered: str = ""
    # The question worded for one kind of contact, where `text` would be
    # ambiguous there, e.g. {child_protection_conference = "The social worker
    # listened to me."}. The meaning (and so the id) stays the same.
    text_for: dict[str, str] = {}

    def text_at(self, contact_kind: str | None) -> str:
        """The question's words for a touchpoint's kind of contact."""
        return self.text_for.get(contact_kind or "", self.text)


class YesNoLabels(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A question's own words for its "yes" and "no" answers. English says
    "Yes"/"No" to anything; Welsh answers "Wnaeth yr oedolyn wrando?" with
    Do/Naddo and "Oedd e'n garedig?" with Oedd/Nac oedd, so each language can
    translate these per question (the `surveys` domain, one msgctxt per
    question). Where a language has not, the generic labels are shown."""

    yes: str = ""
    no: str = ""


class Faces(_Question, tag="faces"):
    """Picture faces from sad to happy; 3 for under 8s, 5 for older children."""

    points: Literal[3, 5] = 5
    # Optional: the words under the happiest ("yes") and saddest ("no") faces.
    labels: YesNoLabels | None = None


class Agree(_Question, tag="agree"):
    """A statement with a 5-point scale from strongly disagree to strongly agree (or 7 points, adding
    "somewhat disagree" and "somewhat agree", as the culture pulse asks)."""

    scale: Literal[5, 7] = 5


class YesNo(_Question, tag="yes_no"):
    """Yes, no, or not sure."""

    # Optional: this question's own words for yes and no (see YesNoLabels).
    labels: YesNoLabels | None = None


class Option(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    text: str


class Choice(_Question, tag="choice"):
    """One choice from a list."""

    options: list[Option]


class Text(_Question, tag="text"):
    """Free text, optional unless required; kept apart from the closed answers."""

    max_length: int = 1000


Question = Faces | Agree | YesNo | Choice | Text


class Variant(msgspec.Struct, forbid_unknown_fields=True):
    questions: list[Question]


class Survey(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: str
    version: str
    title: str
    audiences: dict[Audience, Variant]

    def variant(self, audience: str) -> Variant | None:
        return self.audiences.get(audience) if is_audience(audience) else None

    @property
    def for_families(self) -> bool:
        """Asked of children, young people and parents (every audience one of AUDIENCES), not of staff or
        partners: a families' survey has touchpoints, team figures, reviews and exports of its own."""
        return bool(self.audiences) and all(a in AUDIENCES for a in self.audiences)


class LoadedSurvey(msgspec.Struct, frozen=True):
    """A survey as read from disk, with the hash responses record."""

    survey: Survey
    version_hash: str
    source: str
