"""Safeguarding: disclosure flagging and redaction of identifying details.

Both engines are pure functions over text with their word lists kept as data
beside them, so people who know safeguarding and the languages can review the
lists without reading code:

- `flag(text, language)` says whether a free-text answer may be a disclosure
  (harm, self-harm, suicide, sexual abuse, exploitation, going missing,
  feeling unsafe, neglect) and which indicators matched.
- `redact(text, staff_names=...)` replaces names, phone numbers, email and
  postal addresses, postcodes, dates of birth and school names with
  placeholders before text reaches a non-safeguarding staff view.
"""

from .flagging import CATEGORIES, Flag, flag, normalise
from .redaction import KINDS, Redacted, redact

__all__ = ["CATEGORIES", "KINDS", "Flag", "Redacted", "flag", "normalise", "redact"]
