"""The hours someone reads the safeguarding queue, written for respondents in their language."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_time

from service.i18n import current_language
from service.settings import Settings


def triage_hours(settings: Settings) -> dict[str, str]:
    """{"start": "09:00", "end": "17:00"} in the current language's way of writing times."""
    locale = current_language().locale
    return {
        "start": format_time(dt.time(settings.triage_from_hour), format="short", locale=locale),
        "end": format_time(dt.time(settings.triage_to_hour % 24), format="short", locale=locale),
    }
