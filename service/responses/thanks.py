"""The thank-you page's address: `s=<submission id>.<made>.<tag>`, the same shape for
everyone. `made` is when the address was made (seconds since 1970, 8 hex digits); the
tag is a keyed hash of the submission id, that moment and whether its words were
flagged, so the thank-you page knows, without asking the database for every answer,
when to show where help is; nobody reading the address or the history can tell (the
key is in the database, made by migration 0012).

Right after sending (FRESH_SECONDS), a tag that says "flagged" is enough: the page shows
where help is at once. Later (Back, a reload, the history) it costs a database read,
which checks the help is still meant to show (for an hour after the answer). At full
load that second read, a second wait for a pooled connection in the same visit, made
the flagged answers Heard's slowest: p99 115 ms against 73 ms for the others, and 78 ms
without it (infra/bench, 1 in 3 with text, 2026-12-04)."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from typing import NamedTuple

TAG_LENGTH = 16  # hex characters
FRESH_SECONDS = 120  # the page loaded right after sending, on a slow connection too

clock = time.time  # tests move it


class Read(NamedTuple):
    submission_id: uuid.UUID | None  # None: no address, or not one of ours
    signed: str  # the address part to carry on (to the page in another language), or only the id if the tag is bad
    flagged: bool  # the tag says the words were flagged
    fresh: bool  # ... and the address was made moments ago: no need to ask the database


def tag(key: bytes, submission_id: uuid.UUID, made: int, *, flagged: bool) -> str:
    # Keyed BLAKE2b is a MAC by design (RFC 7693) and built into Python. HMAC-SHA256 through OpenSSL cost about
    # 10 us a call in a busy worker (profiled, 2026-12-04; 1.6 us in a loop), two calls per answer sent.
    message = f"{submission_id}:{made}:{'flagged' if flagged else 'calm'}".encode()
    return hashlib.blake2b(message, key=key, digest_size=TAG_LENGTH // 2).hexdigest()


def address_part(key: bytes, submission_id: uuid.UUID, *, flagged: bool) -> str:
    made = int(clock())
    return f"{submission_id}.{made:08x}.{tag(key, submission_id, made, flagged=flagged)}"


def read(key: bytes, value: str | None) -> Read:
    """What an address part says; a bad value is no submission, a bad tag a calm answer."""
    raw_id, _, rest = (value or "").partition(".")
    try:
        submission_id = uuid.UUID(raw_id)
    except ValueError:
        return Read(None, "", False, False)
    raw_made, _, given = rest.partition(".")
    made = int(raw_made, 16) if len(raw_made) == 8 and all(c in "0123456789abcdef" for c in raw_made) else None
    if made is not None:
        signed = f"{submission_id}.{raw_made}.{given}"
        # Most answers are calm: their tag is checked first, and the flagged one only when it does not match.
        if hmac.compare_digest(given.encode(), tag(key, submission_id, made, flagged=False).encode()):
            return Read(submission_id, signed, False, False)
        if hmac.compare_digest(given.encode(), tag(key, submission_id, made, flagged=True).encode()):
            return Read(submission_id, signed, True, abs(clock() - made) <= FRESH_SECONDS)
    return Read(submission_id, str(submission_id), False, False)
