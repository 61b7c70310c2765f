"""What an output shows, already protected: the one Cell type and the shapes
templates and exports render. Every number in these came from a Figure."""

from __future__ import annotations

import datetime as dt

import msgspec

from .levels import SummaryQuestion
from .model import Figure
from .stats import NOT_COMPARABLE, Share


class Hidden(msgspec.Struct, frozen=True):
    """Why a figure is hidden, as a page says it: `why` is "few" (fewer than `k` answers),
    "few_or_one" (fewer than `k`, or fewer than `k_one` when all about one practitioner, or
    about a practitioner who has not shared) or "part" (a share: one of its answers is hidden).
    The same for every figure of a page (see protection.why_hidden)."""

    why: str
    k: int
    k_one: int = 0


class Cell(msgspec.Struct, frozen=True):
    key: str
    count: int | None  # None: hidden
    percent: float | None = None  # of the slice's responses (of those who answered, in QuestionView.answers)
    hidden: Hidden | None = None  # why, when count is None


class Fold(msgspec.Struct, frozen=True):
    """One line of a list of groups: a shown cell, or every hidden group with the same reason folded together."""

    keys: list[str]
    cell: Cell | None  # the shown cell (keys has one key); None for a folded line of hidden groups
    hidden: Hidden | None = None


class TrendRow(msgspec.Struct, frozen=True):
    """A month of a question's trend, or a run of months hidden (or with no responses) for the same reason."""

    first: dt.date
    last: dt.date  # the first day of the run's last month
    percent: float | None
    hidden: Hidden | None = None  # why the share is hidden (None and percent None: no responses)

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1


def fold(cells: list[Cell]) -> list[Fold]:
    """Shown cells one a line, then one line per reason for the hidden ones."""
    shown = [Fold([c.key], c) for c in cells if c.count is not None]
    reasons: dict[Hidden | None, list[str]] = {}
    for cell in cells:
        if cell.count is None:
            reasons.setdefault(cell.hidden, []).append(cell.key)
    return shown + [Fold(keys, None, hidden) for hidden, keys in reasons.items()]


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
    text: str = ""  # the wording shown: the chosen audience's own, or the adults'
    asked_of: list[str] = []  # the audiences asked this question
    answers: list[Cell] = []  # the answer columns (no "not answered"), percent of those who answered
    answered: int | None = None  # how many answered (published counts added up); None when a part is hidden
    hidden: Hidden | None = None  # why the headline share is hidden
    trend_rows: list[TrendRow] = []  # the trend with runs of hidden months folded

    @property
    def answer_lines(self) -> list[Fold]:
        return fold(self.answers)


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
    hidden_because: Hidden | None = None  # why the total is hidden
    audience: str | None = None  # the audience filter, when one is chosen

    @property
    def hidden(self) -> bool:
        return self.responses is None

    @property
    def audience_lines(self) -> list[Fold]:
        return fold(self.by_audience)

    @property
    def touchpoint_lines(self) -> list[Fold]:
        return fold(self.by_touchpoint)

    @property
    def months(self) -> int:
        return (
            len(self.periods)
            or (self.last_month.year - self.first_month.year) * 12 + self.last_month.month - self.first_month.month + 1
        )

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
