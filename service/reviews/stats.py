"""Honest uncertainty for review figures: a share with its 95% Wilson interval,
and a change verdict that refuses to call a change real when the intervals
overlap. Pure functions; no database, no web."""

from __future__ import annotations

import msgspec

from service.insights.stats import Z95, wilson_bounds

HIGHER, LOWER, NO_CLEAR_CHANGE, NOT_COMPARABLE = "higher", "lower", "no_clear_change", "not_comparable"


class Share(msgspec.Struct, frozen=True):
    """`part` of `whole` as a proportion, with its 95% interval (all 0..1)."""

    part: int
    whole: int
    value: float
    low: float
    high: float


def wilson(part: int, whole: int, z: float = Z95) -> Share:
    """The share with its Wilson score interval (see service.insights.stats)."""
    low, high = wilson_bounds(part, whole, z)
    return Share(part, whole, part / whole, low, high)


def verdict(before: Share | None, after: Share | None) -> str:
    """"higher" or "lower" only when the two intervals do not overlap; otherwise
    "no clear change". "not_comparable" when either side cannot be shown."""
    if before is None or after is None:
        return NOT_COMPARABLE
    if after.low > before.high:
        return HIGHER
    if after.high < before.low:
        return LOWER
    return NO_CLEAR_CHANGE
