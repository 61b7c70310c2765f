"""Success banners after a staff create/save/publish ("Action added",
"Touchpoint created"), carried across the 303 redirect as a query flag.

The handler redirects to `done(path, "action_added")`, which adds
`?done=action_added` (before any `#fragment`); the next page's request sets
the key here and the staff layout shows the matching words from
`templates/staff/_done.html`. Only the keys in DONE are ever shown, so the
flag carries no text of its own and nothing typed into an address reaches
the page. It is a plain query flag, not a cookie: no state on the server or
in the browser, and any instance can show it. Reloading the page shows the
banner again, which says nothing new.
"""

from __future__ import annotations

import contextvars
from urllib.parse import quote

DONE = frozenset(
    {
        # learning reviews and "you said, we did"
        "review_started",
        "facilitators_saved",
        "reflections_saved",
        "action_added",
        "action_saved",
        "entry_published",
        "entry_saved",
        "entry_withdrawn",
        "entry_published_again",
        # touchpoints
        "touchpoint_created",
        "touchpoint_saved",
        "touchpoint_status_saved",
        # administration and one's own account
        "team_created",
        "person_saved",
        "password_changed",
        # safeguarding and reading
        "safeguarding_closed",
        "outcome_saved",
        "dealing_saved",
        "readers_saved",
        # own feedback and team pages
        "sharing_saved",
        "held_decided",
    }
)

_current: contextvars.ContextVar[str] = contextvars.ContextVar("heard_done", default="")


def done(path: str, key: str) -> str:
    """`path` with the flag for `key` added, before any fragment."""
    if key not in DONE:
        raise ValueError(f"unknown banner {key!r}")
    address, hash_mark, fragment = path.partition("#")
    joiner = "&" if "?" in address else "?"
    return f"{address}{joiner}done={quote(key)}{hash_mark}{fragment}"


def remember(query_value: str | None) -> None:
    """Called for every request: the banner this page shows, if any."""
    _current.set(query_value if query_value in DONE else "")


def current() -> str:
    """The banner key for the page being rendered ("" for none)."""
    return _current.get()
