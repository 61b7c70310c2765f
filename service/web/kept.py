"""Things each process keeps for a few seconds instead of asking the database
for them on every request: the touchpoint behind a link, and the respondent
pages that are the same for everyone who asks for them.

The welcome and thank-you pages depend only on the touchpoint, the language
(and on the thank-you page, the audience and whether help is shown first). A
change staff make to what those pages show ("you said, we did" entries) is
forgotten at once in the process that made it (RESPONDENT_PAGES.forget())
and shows everywhere else within SECONDS; pausing a touchpoint takes effect
within SECONDS too. Bounded; nothing about respondents.

When a kept thing runs out under load, the requests that ask for it while it
is being looked up again wait for that one lookup (`load`) instead of each
making its own: 26-34 form pages at once in a worker had each taken a
database connection and waited about 10 ms for it, every 5 seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

SECONDS = 5.0
_MOST = 10_000

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, seconds: float = SECONDS) -> None:
        self.seconds = seconds
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
        asking for it wait for its answer; if that load fails (or its request is cancelled), each loads its own."""
        loading = self._loading.get(key)
        if loading is not None:
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
