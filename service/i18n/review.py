"""The translation review record (locales/REVIEW.toml): for each language, who
read it (by role), when, what they found, what is still in doubt, and whether
it counts as reviewed. The privacy page says "draft" for a language that is
not reviewed, `heard i18n report` shows the record, and HEARD_LANGUAGES=reviewed
offers only reviewed languages. The file's own header explains its fields."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Literal

import msgspec

RECORD = "REVIEW.toml"


class Counts(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """What the reviewer found in the respondent-facing texts, before fixing."""

    correct: int
    awkward: int  # awkward or too adult for the reader
    wrong: int  # wrong meaning
    broken: int  # broken on screen (order, placeholders, layout)

    @property
    def read(self) -> int:
        return self.correct + self.awkward + self.wrong + self.broken


class Review(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    status: Literal["reviewed", "draft"]
    reviewer: str  # a role, e.g. "second reader, not the drafter (engineering session)"
    date: dt.date
    confidence: Literal["high", "medium", "low"]
    found: Counts
    fixed: int
    doubts: list[str] = []
    notes: str = ""

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"


def read_record(locales_dir: Path) -> dict[str, Review]:
    """Every language's row, by tag; a language without a row has not been reviewed."""
    path = locales_dir / RECORD
    if not path.exists():
        return {}
    try:
        return msgspec.toml.decode(path.read_bytes(), type=dict[str, Review])
    except msgspec.ValidationError as error:
        raise ValueError(f"{path}: {error}") from None


@cache
def _record(locales_dir: Path) -> dict[str, Review]:
    return read_record(locales_dir)


def review_of(tag: str, locales_dir: Path) -> Review | None:
    record = _record(locales_dir)
    return record.get(tag) or record.get(tag.split("-")[0])


def is_reviewed(tag: str, locales_dir: Path) -> bool:
    found = review_of(tag, locales_dir)
    return bool(found and found.reviewed)


def forget() -> None:
    """Read the record again next time (tests, or another locales folder)."""
    _record.cache_clear()
