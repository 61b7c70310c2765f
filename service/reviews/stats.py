"""Honest uncertainty for review figures: a share with its 95% Wilson interval,
and a change verdict that refuses to call a change real when the intervals
overlap. Pure functions; no database, no web."""

from __future__ import annotations

import math

import msgspec

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution

HIGHER, LOWER, NO_CLEAR_CHANGE, NOT_COMPARABLE = "higher", "lower", "no_clear_change", "not_comparable"


class Share(msgspec.Struct, frozen=True):
    """`part` of `whole` as a proportion, with its 95% interval (all 0..1)."""

    part: int
    whole: int
    value: float
    low: float
    high: float


def wilson(part: int, whole: int, z: float = Z95) -> Share:
    """The Wilson score interval: sound for small samples and for shares near
    0 or 1, where the textbook p ± z·sqrt(p(1-p)/n) goes below 0 or above 1."""
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError(f"need 0 <= part <= whole and whole > 0, got {part}/{whole}")
    p = part / whole
    denominator = 1 + z * z / whole
    centre = (p + z * z / (2 * whole)) / denominator
    spread = z * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole)) / denominator
    # At 0 and 1 the bound equals the share exactly; rounding must not put it on the wrong side.
    low = 0.0 if part == 0 else max(0.0, min(p, centre - spread))
    high = 1.0 if part == whole else min(1.0, max(p, centre + spread))
    return Share(part, whole, p, low, high)


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
