"""Things each process keeps for a few seconds instead of asking the database
for them on every request: the touchpoint behind a link, and the respondent
pages that are the same for everyone who asks for them.

The welcome and thank-you pages depend only on the touchpoint, the language
(and on the thank-you page, the audience and whether help is shown first). A
change staff make to what those pages show ("you said, we did" entries) is
forgotten at once in the process that made it (RESPONDENT_PAGES.forget())
and shows everywhere else within SECONDS; pausing a touchpoint takes effect
within SECONDS too. Bounded; nothing about respondents.

When a kept thing runs out under load, one request looks it up again
(`load`) and the others asking for it meanwhile are served what was kept
before, up to 2 x SECONDS old, instead of each making its own lookup (26-34
form pages at once in a worker had each taken a database connection and waited
about 10 ms for it, every 5 seconds) or all waiting for that one: every
submission and thank-you page needs the touchpoint, so a worker whose
touchpoint ran out stopped answering until one lookup had waited its turn for
a pooled connection behind the stores under way. At 50% of capacity those
spells, 30-55 ms every few seconds in each worker, made Heard's p99 for a
full submission 4.4 x the bare app's (32.3 ms against 7.4, 2026-12-04). With
nothing kept (a process just started, or a key forgotten) they all wait for
the one lookup, so a change forgotten at once in one process shows there at
once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

SECONDS = 5.0
STALE_SECONDS = 2 * SECONDS  # the oldest a kept thing may be served while it is looked up again
_MOST = 10_000

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, seconds: float = SECONDS, stale_seconds: float = STALE_SECONDS) -> None:
        self.seconds = seconds
        self.stale_seconds = stale_seconds
        self._kept: dict[object, tuple[float, T]] = {}
        self._loading: dict[object, asyncio.Future[T | None]] = {}  # lookups under way, by key

    def get(self, key: object) -> T | None:
        found = self._kept.get(key)
        if found is None or time.monotonic() - found[0] > self.seconds:
            return None
        return found[1]

    def put(self, key: object, value: T) -> None:
        if len(self._kept) >= _MOST:
            self._kept.clear()
        self._kept[key] = (time.monotonic(), value)

    async def load(self, key: object, load: Callable[..., Awaitable[T]], *args: object) -> T:
        """For a key `get` did not find: what `load(*args)` returns, kept. While one request loads a key, others
        asking for it get what was kept before if it is at most `stale_seconds` old, and otherwise wait for its
        answer; if that load fails (or its request is cancelled), each waiting one loads its own."""
        loading = self._loading.get(key)
        if loading is not None:
            kept = self._kept.get(key)
            if kept is not None and time.monotonic() - kept[0] <= self.stale_seconds:
                return kept[1]  # being looked up again: what was kept a moment ago, without waiting
            shared = await asyncio.shield(loading)  # a waiter's cancellation is its own, not the loader's
            return shared if shared is not None else await self._load(key, load, args)
        loading = asyncio.get_running_loop().create_future()
        self._loading[key] = loading
        value: T | None = None
        try:
            value = await self._load(key, load, args)
            return value
        finally:
            del self._loading[key]
            loading.set_result(value)

    async def _load(self, key: object, load: Callable[..., Awaitable[T]], args: tuple) -> T:
        value = await load(*args)
        self.put(key, value)
        return value

    def forget(self) -> None:
        self._kept.clear()


RESPONDENT_PAGES: Kept[list[bytes]] = Kept()  # each page encoded, cut where a submission's address goes
