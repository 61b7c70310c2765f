"""The fixed grid every figure is cut from: calendar months (local date,
HEARD_TIMEZONE), only months that have ended. Nobody chooses a period's
edges to the day, so two periods a person can ask for differ by whole months,
and each month is itself a cell the same rules protect."""

from __future__ import annotations

import datetime as dt

MONTH_CHOICES = (3, 6, 12)  # staff pages: the last 3, 6 or 12 whole months
DEFAULT_MONTHS = 3
REVIEW_MONTHS = 3  # a learning review's default period: about a quarter
OLDEST_MONTHS = 36  # how far back a review may start (responses are kept 36 months by default)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def last_whole_month(today: dt.date) -> dt.date:
    """The latest month that has ended: figures never show a month still filling up."""
    return add_months(month_of(today), -1)


def last_day(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    found, month = [], first
    while month <= last:
        found.append(month)
        month = add_months(month, 1)
    return found


def window(today: dt.date, count: int) -> tuple[dt.date, dt.date]:
    """The last `count` whole months: (first month, last month)."""
    last = last_whole_month(today)
    return add_months(last, -(count - 1)), last


def previous(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The same number of months immediately before."""
    count = len(months(first, last))
    return add_months(first, -count), add_months(first, -1)


def parse_month(text: str) -> dt.date | None:
    """ "2026-11" (a month field) or "2026-11-20" (a day: its month)."""
    text = text.strip()
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01")
        return month_of(dt.date.fromisoformat(text))
    except ValueError:
        return None
