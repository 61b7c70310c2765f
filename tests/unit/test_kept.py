"""Kept for a few seconds: served again while fresh, asked for again after, forgotten on demand."""

import time

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
