"""The thank-you page's address says whether the words were flagged, only to someone holding the key."""

import uuid

import pytest

from service.responses import thanks

KEY = b"k" * 32


def test_an_address_reads_back_as_it_was_made_calm_or_flagged():
    submission = uuid.uuid4()
    for flagged in (False, True):
        part = thanks.address_part(KEY, submission, flagged=flagged)
        assert thanks.read(KEY, part) == (submission, part, flagged, flagged)


def test_a_tag_made_with_another_key_or_made_up_reads_as_calm_without_the_tag():
    submission = uuid.uuid4()
    made = thanks.address_part(KEY, submission, flagged=True).split(".")[1]
    for part in (
        thanks.address_part(b"x" * 32, submission, flagged=True),
        f"{submission}.{made}.0123456789abcdef",
        f"{submission}.0123456789abcdef",  # the shape before the moment was signed too
    ):
        assert thanks.read(KEY, part) == (submission, str(submission), False, False)
    assert thanks.read(KEY, "not-a-uuid.0123") == (None, "", False, False)
    assert thanks.read(KEY, None) == (None, "", False, False)


def test_the_moment_is_signed_and_only_a_fresh_flagged_address_is_enough_alone(monkeypatch: pytest.MonkeyPatch):
    submission = uuid.uuid4()
    monkeypatch.setattr(thanks, "clock", lambda: 1_800_000_000.0)
    part = thanks.address_part(KEY, submission, flagged=True)
    raw_id, made, tag = part.split(".")
    assert made == f"{1_800_000_000:08x}"

    moved = f"{raw_id}.{1_800_000_000 + 3600:08x}.{tag}"  # a later moment with the old tag: not ours
    assert thanks.read(KEY, moved) == (submission, str(submission), False, False)

    monkeypatch.setattr(thanks, "clock", lambda: 1_800_000_000.0 + thanks.FRESH_SECONDS)
    assert thanks.read(KEY, part).fresh
    monkeypatch.setattr(thanks, "clock", lambda: 1_800_000_000.0 + thanks.FRESH_SECONDS + 1)
    assert thanks.read(KEY, part) == (submission, part, True, False)  # flagged, but the database decides now
