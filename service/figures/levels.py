"""How an answer counts in a summary: every scale question is read as
positive, neutral or negative, so answers from different audiences (3 faces,
5 faces, agree statements) can be put together under one question id."""

from __future__ import annotations

from service.surveys.loading import SurveyRegistry
from service.surveys.model import AUDIENCES, STAFF, Agree, Choice, Faces, Question, Text, YesNo

SCALE_LEVELS = ("positive", "neutral", "negative")
NO_ANSWER = "no_answer"
# Everyone who gave one of a scale question's answers: the whole a share is a part of, published and protected
# like any count, so a share never needs the counts of the other answers (often too few to show).
ANSWERED = "answered"


def level(question: Question, value: str) -> str | None:
    if isinstance(question, Faces):
        point, top = int(value), question.points
        if top == 3:
            return ("negative", "neutral", "positive")[point - 1]
        return "positive" if point >= 4 else "neutral" if point == 3 else "negative"
    if isinstance(question, Agree):  # 5 points: 4-5 agree, 3 neither; 7 points: 5-7 agree, 4 neither
        point, middle = int(value), (question.scale + 1) // 2
        return "positive" if point > middle else "neutral" if point == middle else "negative"
    if isinstance(question, YesNo):
        return {"yes": "positive", "not_sure": "neutral", "no": "negative"}.get(value)
    if isinstance(question, Choice):
        return value
    return None


class SummaryQuestion:
    """One question id of a survey as staff see it: a label and its columns."""

    def __init__(self, survey_id: str, question: Question) -> None:
        self.survey_id = survey_id
        self.id = question.id
        self.text = question.text
        self.is_scale = not isinstance(question, Choice)
        self.options = [(o.id, o.text) for o in question.options] if isinstance(question, Choice) else []
        self.columns = [*(SCALE_LEVELS if self.is_scale else [o for o, _ in self.options]), NO_ANSWER]
        self.texts: dict[str, str] = {}  # audience -> its own wording, for every audience asked this question
        self.kinds: dict[str, str] = {}  # audience -> the question's kind for them ("faces", "agree", ...)

    @property
    def asked_of(self) -> list[str]:
        """The audiences asked this question, in the usual order."""
        return [a for a in AUDIENCES if a in self.texts]

    def text_for(self, audience: str | None) -> str:
        """The words this audience saw (the adults' wording when no one audience is chosen)."""
        return self.texts.get(audience, self.text) if audience else self.text


# Staff read the wording the adults saw, where there is one (AUDIENCES runs from the youngest to the adults).
_LABEL_ORDER = tuple(reversed(AUDIENCES))


def summary_questions(registry: SurveyRegistry, survey_id: str) -> list[SummaryQuestion]:
    loaded = registry.current(survey_id)
    if loaded is None:
        return []
    order: list[str] = []
    labelled: dict[str, Question] = {}
    for audience in (*AUDIENCES, STAFF):
        variant = loaded.survey.variant(audience)
        for question in variant.questions if variant else []:
            if isinstance(question, Text):
                continue
            if question.id not in order:
                order.append(question.id)
    for audience in reversed((*_LABEL_ORDER, STAFF)):
        variant = loaded.survey.variant(audience)
        for question in variant.questions if variant else []:
            if not isinstance(question, Text):
                labelled[question.id] = question
    found = [SummaryQuestion(survey_id, labelled[qid]) for qid in order]
    for summary in found:
        for audience in AUDIENCES:
            variant = loaded.survey.variant(audience)
            asked = next((q for q in variant.questions if q.id == summary.id), None) if variant else None
            if asked is not None:
                summary.texts[audience] = asked.text
                summary.kinds[audience] = type(asked).__name__.lower()
    return found


def question_for(registry: SurveyRegistry, survey_id: str, audience: str, question_id: str) -> Question | None:
    loaded = registry.current(survey_id)
    variant = loaded.survey.variant(audience) if loaded else None
    return next((q for q in variant.questions if q.id == question_id), None) if variant else None
