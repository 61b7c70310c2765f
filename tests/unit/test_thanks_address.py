"""The thank-you page's address says whether the words were flagged, only to someone holding the key."""

import uuid

from service.responses import thanks

KEY = b"k" * 32


def test_an_address_reads_back_as_it_was_made_calm_or_flagged():
    submission = uuid.uuid4()
    for flagged in (False, True):
        part = thanks.address_part(KEY, submission, flagged=flagged)
        assert thanks.read(KEY, part) == (submission, part, flagged)


def test_a_tag_made_with_another_key_or_made_up_reads_as_calm_without_the_tag():
    submission = uuid.uuid4()
    for part in (thanks.address_part(b"x" * 32, submission, flagged=True), f"{submission}.0123456789abcdef"):
        assert thanks.read(KEY, part) == (submission, str(submission), False)
    assert thanks.read(KEY, "not-a-uuid.0123") == (None, "", False)
    assert thanks.read(KEY, None) == (None, "", False)
