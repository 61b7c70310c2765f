"""Flood control without tracking: at most N new answers per source and
touchpoint in a sliding window, counted in this process's memory only.

Nothing here is written to disk or logs, and even in memory a source is a
salted hash (the salt is random per process), so no address is kept. With
several worker processes each counts on its own, so the effective limit is
N x workers; that is enough to stop one person posting hundreds of answers.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import deque

MAX_KEYS = 100_000  # memory stays bounded whatever arrives


class SubmissionLimiter:
    def __init__(self, limit: int, window_seconds: float = 600.0) -> None:
        self.limit = limit
        self.window = window_seconds
        self._salt = secrets.token_bytes(16)
        self._hits: dict[bytes, deque[float]] = {}
        self._calls = 0

    def _key(self, source: str, touchpoint_id: int) -> bytes:
        return hashlib.blake2b(f"{source}|{touchpoint_id}".encode(), key=self._salt, digest_size=16).digest()

    def allow(self, source: str, touchpoint_id: int, now: float | None = None) -> bool:
        """True (and counted) if this source may send another answer to this touchpoint now.
        A limit of 0 turns the check off (load tests on loopback)."""
        if self.limit <= 0:
            return True
        now = time.monotonic() if now is None else now
        self._calls += 1
        if self._calls % 1000 == 0 or len(self._hits) > MAX_KEYS:
            self._forget_before(now - self.window)
        hits = self._hits.setdefault(self._key(source, touchpoint_id), deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _forget_before(self, moment: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= moment]:
            del self._hits[key]
        while len(self._hits) > MAX_KEYS:  # still too many: drop the oldest sources
            del self._hits[next(iter(self._hits))]


class BurstWatch:
    """Notices when one touchpoint gets far more answers today than it normally
    does in a day: more than max(floor, factor x its average day over the 28
    days before). Today's count is kept in this process's memory (dates only,
    nothing about who); the baseline is read from the database at most every
    ten minutes per touchpoint. With several processes each watches its own
    share, which is enough to see a flood."""

    FLOOR = 30
    FACTOR = 10
    REFRESH_SECONDS = 600.0

    def __init__(self) -> None:
        self._day: object = None
        self._today: dict[int, int] = {}
        self._baseline: dict[int, tuple[float, float]] = {}  # touchpoint -> (read at, average per day)

    def count(self, touchpoint_id: int, today: object) -> int:
        """Count one more answer today; return today's count so far in this process."""
        if today != self._day:
            self._day, self._today = today, {}
        self._today[touchpoint_id] = self._today.get(touchpoint_id, 0) + 1
        return self._today[touchpoint_id]

    def needs_baseline(self, touchpoint_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        read_at, _ = self._baseline.get(touchpoint_id, (-self.REFRESH_SECONDS - 1, 0.0))
        return now - read_at > self.REFRESH_SECONDS

    def set_baseline(self, touchpoint_id: int, average_per_day: float, now: float | None = None) -> None:
        self._baseline[touchpoint_id] = (time.monotonic() if now is None else now, average_per_day)

    def threshold(self, touchpoint_id: int) -> int:
        _, average = self._baseline.get(touchpoint_id, (0.0, 0.0))
        return int(max(self.FLOOR, self.FACTOR * average))
