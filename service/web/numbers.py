"""One way to read an id or a number someone sent: ASCII digits only.

`str.isdigit()` says yes to "²", "٣" and full-width "１", which `int()` then
refuses or reads differently; a sign, spaces or 40 digits are no id either.
Anything that is not plain 0-9 (and fits PostgreSQL's bigint) is a 400 with a
clear message, never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from litestar.exceptions import ClientException

_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)  # 18 digits always fit a bigint
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class BadNumber(ClientException):
    """400: a field that should hold a whole number (or a date) holds something else."""

    status_code = 400


def whole_number(value: object, *, field: str) -> int | None:
    """`value` as a non-negative int; None when absent or empty; 400 otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    raise BadNumber(f"{field} must be a whole number")


def required_number(value: object, *, field: str) -> int:
    number = whole_number(value, field=field)
    if number is None:
        raise BadNumber(f"{field} is missing")
    return number


def whole_numbers(values: Iterable[object], *, field: str) -> list[int]:
    return [n for n in (whole_number(v, field=field) for v in values) if n is not None]


def calendar_date(value: object, *, field: str) -> dt.date | None:
    """A YYYY-MM-DD date between the years 2000 and 2999; None when empty; 400 otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if 2000 <= day.year <= 2999:
                return day
    raise BadNumber(f"{field} must be a date like 2026-01-31")


_INT_PARAMETER = re.compile(r"\{[a-z_]+:int\}")


def check_path_numbers(route_paths: Iterable[str], path: str) -> None:
    """Litestar reads an `{id:int}` path part with `int()`, which takes "１", "٣" and "+1" as 1 and 3: those
    (and anything else that is not 0-9) are a 400 instead. `route_paths`: the handler's path patterns."""
    parts = path.split("/")
    for pattern in route_paths:
        patterns = pattern.split("/")
        if ":int}" not in pattern or len(patterns) != len(parts):
            continue
        for expected, part in zip(patterns, parts):
            if _INT_PARAMETER.fullmatch(expected) and not _DIGITS.fullmatch(part):
                raise BadNumber("an id in the address must be a whole number")
