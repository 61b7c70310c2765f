"""Honest uncertainty for small samples."""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(positive: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The 95% Wilson score interval for a share, in percent (0-100).

    Unlike "p ± 1.96·se" it stays inside 0-100% and is honest for small n,
    which is most of what a single practitioner's feedback is.
    """
    if total <= 0:
        return (0.0, 100.0)
    p = positive / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (round(100 * max(0.0, centre - half), 1), round(100 * min(1.0, centre + half), 1))
