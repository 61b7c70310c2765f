"""Honest uncertainty for small samples."""

from __future__ import annotations

import math

import msgspec

Z95 = 1.959963984540054


def wilson_bounds(part: int, whole: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for part/whole, as fractions (0-1).

    Sound for small samples and for shares near 0 or 1, where the textbook
    p ± z·sqrt(p(1-p)/n) goes below 0 or above 1 — and most of what a single
    practitioner's feedback is, is small samples."""
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError(f"need 0 <= part <= whole and whole > 0, got {part}/{whole}")
    p = part / whole
    denominator = 1 + z * z / whole
    centre = (p + z * z / (2 * whole)) / denominator
    spread = z * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole)) / denominator
    # At 0 and 1 the bound equals the share exactly; rounding must not put it on the wrong side.
    low = 0.0 if part == 0 else max(0.0, min(p, centre - spread))
    high = 1.0 if part == whole else min(1.0, max(p, centre + spread))
    return low, high


def wilson(positive: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The 95% Wilson interval in percent, rounded to 0.1; (0, 100) when nobody answered."""
    if total <= 0:
        return (0.0, 100.0)
    low, high = wilson_bounds(positive, total, z)
    return (round(100 * low, 1), round(100 * high, 1))


# Shares and changes, for reviews ------------------------------------------------------------

HIGHER, LOWER, NO_CLEAR_CHANGE, NOT_COMPARABLE = "higher", "lower", "no_clear_change", "not_comparable"


class Share(msgspec.Struct, frozen=True):
    """`part` of `whole` as a proportion, with its 95% interval (all 0..1)."""

    part: int
    whole: int
    value: float
    low: float
    high: float


def share(part: int, whole: int, z: float = Z95) -> Share:
    """The share with its Wilson score interval."""
    low, high = wilson_bounds(part, whole, z)
    return Share(part, whole, part / whole, low, high)


def verdict(before: Share | None, after: Share | None) -> str:
    """ "higher" or "lower" only when the two intervals do not overlap; otherwise
    "no clear change". "not_comparable" when either side cannot be shown."""
    if before is None or after is None:
        return NOT_COMPARABLE
    if after.low > before.high:
        return HIGHER
    if after.high < before.low:
        return LOWER
    return NO_CLEAR_CHANGE
