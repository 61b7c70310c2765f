"""Things each process keeps for a few seconds instead of asking the database
for them on every request: the touchpoint behind a link, and the respondent
pages that are the same for everyone who asks for them.

The welcome and thank-you pages depend only on the touchpoint, the language
(and on the thank-you page, the audience and whether help is shown first). A
change staff make to what those pages show ("you said, we did" entries) is
forgotten at once in the process that made it (RESPONDENT_PAGES.forget())
and shows everywhere else within SECONDS; pausing a touchpoint takes effect
within SECONDS too. Bounded; nothing about respondents.
"""

from __future__ import annotations

import time
from typing import Generic, TypeVar

SECONDS = 5.0
_MOST = 10_000

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, seconds: float = SECONDS) -> None:
        self.seconds = seconds
        self._kept: dict[object, tuple[float, T]] = {}

    def get(self, key: object) -> T | None:
        found = self._kept.get(key)
        if found is None or time.monotonic() - found[0] > self.seconds:
            return None
        return found[1]

    def put(self, key: object, value: T) -> None:
        if len(self._kept) >= _MOST:
            self._kept.clear()
        self._kept[key] = (time.monotonic(), value)

    def forget(self) -> None:
        self._kept.clear()


RESPONDENT_PAGES: Kept[list[bytes]] = Kept()  # each page encoded, cut where a submission's address goes
