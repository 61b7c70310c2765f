"""Kept for a few seconds: served again while fresh, asked for again after, forgotten on demand, and made once
when many ask at the same moment."""

import asyncio
import time

import pytest

from service.web.kept import Kept


def test_a_kept_page_is_served_again_while_fresh():
    pages = Kept(seconds=60)
    pages.put(("thanks", "abc", "cy"), "<p>Diolch</p>")

    assert pages.get(("thanks", "abc", "cy")) == "<p>Diolch</p>"
    assert pages.get(("thanks", "abc", "en-GB")) is None


def test_a_kept_page_is_made_again_once_stale():
    pages = Kept(seconds=0.01)
    pages.put(("welcome", "abc", "en-GB"), "<p>old</p>")
    time.sleep(0.02)

    assert pages.get(("welcome", "abc", "en-GB")) is None


def test_forgetting_drops_every_kept_page():
    pages = Kept(seconds=60)
    pages.put(("welcome", "abc", "en-GB"), "<p>old entry</p>")
    pages.forget()

    assert pages.get(("welcome", "abc", "en-GB")) is None


async def test_requests_asking_while_a_page_is_made_share_that_one_making():
    pages: Kept[str] = Kept(seconds=60)
    made: list[str] = []
    started = asyncio.Event()

    async def make(key: str) -> str:
        made.append(key)
        started.set()
        await asyncio.sleep(0.01)  # the database and the template, taking their time
        return f"<p>{key}</p>"

    first = asyncio.create_task(pages.load("welcome", make, "welcome"))
    await started.wait()
    others = await asyncio.gather(*(pages.load("welcome", make, "welcome") for _ in range(20)))

    assert await first == "<p>welcome</p>"
    assert others == ["<p>welcome</p>"] * 20
    assert made == ["welcome"], "each waiting request made the page again"
    assert pages.get("welcome") == "<p>welcome</p>"


async def test_when_the_making_fails_each_waiting_request_makes_its_own():
    pages: Kept[str] = Kept(seconds=60)
    attempts = 0
    started = asyncio.Event()

    async def make() -> str:
        nonlocal attempts
        attempts += 1
        started.set()
        await asyncio.sleep(0.01)
        if attempts == 1:
            raise ConnectionError("the database went away")
        return "<p>made</p>"

    first = asyncio.create_task(pages.load("thanks", make))
    await started.wait()
    waiting = asyncio.create_task(pages.load("thanks", make))
    with pytest.raises(ConnectionError):
        await first

    assert await waiting == "<p>made</p>"  # not the first request's error, and not left waiting


async def test_a_waiting_request_that_goes_away_does_not_stop_the_making():
    pages: Kept[str] = Kept(seconds=60)
    started = asyncio.Event()

    async def make() -> str:
        started.set()
        await asyncio.sleep(0.01)
        return "<p>made</p>"

    first = asyncio.create_task(pages.load("thanks", make))
    await started.wait()
    gone = asyncio.create_task(pages.load("thanks", make))
    await asyncio.sleep(0)
    gone.cancel()

    assert await first == "<p>made</p>"
    assert gone.cancelled()


async def test_while_a_page_run_out_is_made_again_the_others_get_the_one_kept_before_without_waiting():
    """A worker whose touchpoint ran out must not stop answering while one request looks it up again."""
    pages: Kept[str] = Kept(seconds=0.01, stale_seconds=60)
    pages.put("thanks", "<p>before</p>")
    await asyncio.sleep(0.02)  # run out
    release = asyncio.Event()
    started = asyncio.Event()

    async def make() -> str:
        started.set()
        await release.wait()  # a pooled connection, waited for behind the stores under way
        return "<p>after</p>"

    first = asyncio.create_task(pages.load("thanks", make))
    await started.wait()
    others = await asyncio.wait_for(asyncio.gather(*(pages.load("thanks", make) for _ in range(5))), 1)

    assert others == ["<p>before</p>"] * 5
    release.set()
    assert await first == "<p>after</p>"
    assert pages.get("thanks") == "<p>after</p>"


async def test_a_page_kept_too_long_ago_is_waited_for_not_served():
    pages: Kept[str] = Kept(seconds=0.01, stale_seconds=0.02)
    pages.put("welcome", "<p>long ago</p>")
    await asyncio.sleep(0.03)  # older than may be served while it is made again
    started = asyncio.Event()

    async def make() -> str:
        started.set()
        await asyncio.sleep(0.01)
        return "<p>now</p>"

    first = asyncio.create_task(pages.load("welcome", make))
    await started.wait()

    assert await pages.load("welcome", make) == "<p>now</p>"
    assert await first == "<p>now</p>"
