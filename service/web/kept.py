"""Respondent pages that are the same for everyone who asks for them.

The welcome and thank-you pages depend only on the touchpoint, the language
(and on the thank-you page, the audience and whether help is shown first), so
each process keeps them as rendered for a few seconds instead of querying and
rendering them for every person. A change staff make to what those pages show
("you said, we did" entries) is forgotten at once in the process that made it
and shows everywhere else within SECONDS. Bounded; nothing about respondents.
"""

from __future__ import annotations

import time

SECONDS = 5.0
_MOST = 10_000


class SharedPages:
    def __init__(self, seconds: float = SECONDS) -> None:
        self.seconds = seconds
        self._pages: dict[tuple, tuple[float, str]] = {}

    def get(self, key: tuple) -> str | None:
        found = self._pages.get(key)
        if found is None or time.monotonic() - found[0] > self.seconds:
            return None
        return found[1]

    def put(self, key: tuple, html: str) -> None:
        if len(self._pages) >= _MOST:
            self._pages.clear()
        self._pages[key] = (time.monotonic(), html)

    def forget(self) -> None:
        self._pages.clear()


RESPONDENT_PAGES = SharedPages()
