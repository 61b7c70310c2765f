"""Honest uncertainty for review figures (kept in service.figures.stats, with
every other figure's arithmetic): a share with its 95% Wilson interval, and a
change verdict that refuses to call a change real when the intervals overlap."""

from __future__ import annotations

from service.figures.stats import HIGHER, LOWER, NO_CLEAR_CHANGE, NOT_COMPARABLE, Share, verdict
from service.figures.stats import share as wilson

__all__ = ["HIGHER", "LOWER", "NOT_COMPARABLE", "NO_CLEAR_CHANGE", "Share", "verdict", "wilson"]
