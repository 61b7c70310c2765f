"""What an output shows, already protected: the one Cell type and the shapes
templates and exports render. Every number in these came from a Figure."""

from __future__ import annotations

import datetime as dt

import msgspec

from .levels import SummaryQuestion
from .model import Figure
from .stats import NOT_COMPARABLE, Share


class Cell(msgspec.Struct, frozen=True):
    key: str
    count: int | None  # None: hidden
    percent: float | None = None  # of the slice's responses, computed from published counts


class Period(msgspec.Struct, frozen=True):
    """One month of a staff page's trend."""

    start: dt.date
    last_day: dt.date
    responses: int | None


class QuestionView(msgspec.Struct, frozen=True):
    question: SummaryQuestion
    cells: list[Cell]  # over the whole window, one per column
    positive_percent: float | None  # of those who answered; None when it can't be shown
    interval: tuple[float, float] | None  # its 95% Wilson interval, in percent
    trend: list[float | None]  # positive percent per month


class BreakdownRow(msgspec.Struct, frozen=True):
    practitioner_id: int
    name: str
    responses: int | None
    positive_percent: list[float | None]  # per question


class Summary(msgspec.Struct, frozen=True):
    """A staff page's figures: the team page or a practitioner's own."""

    first_month: dt.date
    last_month: dt.date
    k: int
    responses: int | None  # None: hidden; nothing else is shown
    periods: list[Period] = []
    by_audience: list[Cell] = []
    by_touchpoint: list[Cell] = []
    questions: list[QuestionView] = []
    breakdown: list[BreakdownRow] | None = None
    comments: list[str] = []
    figures: list[Figure] = []

    @property
    def hidden(self) -> bool:
        return self.responses is None

    @property
    def months(self) -> int:
        return len(self.periods) or (self.last_month.year - self.first_month.year) * 12 + \
            self.last_month.month - self.first_month.month + 1

    @property
    def last_day(self) -> dt.date:
        from .grid import last_day

        return last_day(self.last_month)


class QuestionResult(msgspec.Struct, frozen=True):
    id: str
    text: str
    is_scale: bool
    options: list[tuple[str, str]]
    cells: list[Cell]  # one per column: positive, neutral, negative (or options), no_answer
    share: Share | None  # positive, of those who answered; None when it cannot be shown
    previous: Share | None = None
    change: str = NOT_COMPARABLE


class GroupShare(msgspec.Struct, frozen=True):
    """Positive share of one audience or contact kind on the `listened` question."""

    kind: str  # "audience" or "contact_kind"
    key: str
    share: Share


class Comment(msgspec.Struct, frozen=True):
    tone: str  # "positive" or "critical"
    text: str  # redacted


class CommentGroup(msgspec.Struct, frozen=True):
    question_id: str
    question_text: str
    comments: list[Comment]


class ReviewSummary(msgspec.Struct, frozen=True):
    start: dt.date  # the first day of the first month
    last_day: dt.date  # the last day of the last month
    k: int
    responses: int | None  # None: hidden, nothing else is shown
    by_audience: list[Cell] = []
    by_kind: list[Cell] = []
    questions: list[QuestionResult] = []
    previous_start: dt.date | None = None
    previous_last_day: dt.date | None = None
    previous_responses: int | None = None
    went_well: list[QuestionResult] = []
    least_heard: list[GroupShare] = []
    comments: list[CommentGroup] = []
    figures: list[Figure] = []

    @property
    def hidden(self) -> bool:
        return self.responses is None

    def question(self, question_id: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.id == question_id), None)
