"""The thank-you page's address: `s=<submission id>.<tag>`, the same shape for
everyone. The tag is a keyed hash of the submission id and whether its words
were flagged, so the thank-you page knows, without asking the database for
every answer, when to show where help is; nobody reading the address or the
history can tell (the key is in the database, made by migration 0012). Only a
tag that says "flagged" costs a database read: it checks the help is still
meant to show (for an hour after the answer)."""

from __future__ import annotations

import hashlib
import hmac
import uuid

TAG_LENGTH = 16  # hex characters


def tag(key: bytes, submission_id: uuid.UUID, *, flagged: bool) -> str:
    # Keyed BLAKE2b is a MAC by design (RFC 7693) and built into Python. HMAC-SHA256 through OpenSSL cost about
    # 10 us a call in a busy worker (profiled, 2026-12-04; 1.6 us in a loop), two calls per answer sent.
    message = f"{submission_id}:{'flagged' if flagged else 'calm'}".encode()
    return hashlib.blake2b(message, key=key, digest_size=TAG_LENGTH // 2).hexdigest()


def address_part(key: bytes, submission_id: uuid.UUID, *, flagged: bool) -> str:
    return f"{submission_id}.{tag(key, submission_id, flagged=flagged)}"


def read(key: bytes, value: str | None) -> tuple[uuid.UUID | None, str, bool]:
    """(submission id, the address part as given, whether its tag says flagged); a bad value is no submission."""
    if not value:
        return None, "", False
    raw_id, _, given = value.partition(".")
    try:
        submission_id = uuid.UUID(raw_id)
    except ValueError:
        return None, "", False
    # Most answers are calm: their tag is checked first, and the flagged one only when it does not match.
    if hmac.compare_digest(given.encode(), tag(key, submission_id, flagged=False).encode()):
        return submission_id, f"{submission_id}.{given}", False
    if hmac.compare_digest(given.encode(), tag(key, submission_id, flagged=True).encode()):
        return submission_id, f"{submission_id}.{given}", True
    return submission_id, str(submission_id), False
