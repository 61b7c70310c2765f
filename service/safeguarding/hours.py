"""Working hours: when someone reads the safeguarding queue and the reading list.

Working hours are the triage hours (HEARD_TRIAGE_FROM_HOUR to _TO_HOUR, local
time in HEARD_TIMEZONE) on weekdays that are not bank holidays where the
service runs (HEARD_HOLIDAYS, e.g. "GB-ENG", from the maintained `holidays`
package, not a hand-kept list). Deadlines and escalation count only these
hours; respondents are told them in their language before they write.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
import msgspec
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


@functools.cache
def bank_holidays(place: str) -> holiday_calendars.HolidayBase:
    """The bank holidays of "GB-ENG" (country GB, subdivision ENG), "GB", "IE"...: every year, looked up lazily.
    An empty place means no bank holidays."""
    if not place:
        return holiday_calendars.HolidayBase()
    country, _, subdivision = place.partition("-")
    return holiday_calendars.country_holidays(country.upper(), subdiv=subdivision.upper() or None)


class WorkingWeek(msgspec.Struct, frozen=True):
    """Weekdays from `from_hour` to `to_hour` local time in `zone`, less the bank holidays of `place`."""

    zone: str = "Europe/London"
    from_hour: int = 9
    to_hour: int = 17
    place: str = "GB-ENG"

    @classmethod
    def of(cls, settings: Settings) -> WorkingWeek:
        return cls(settings.timezone, settings.triage_from_hour, settings.triage_to_hour, settings.holidays)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(self.place)

    def _open(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        tz = ZoneInfo(self.zone)
        return dt.datetime.combine(day, dt.time(self.from_hour), tz), dt.datetime.combine(
            day, dt.time(self.to_hour), tz
        )

    def hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working hours between two moments (0 when end is before start)."""
        tz = ZoneInfo(self.zone)
        start, end = start.astimezone(tz), end.astimezone(tz)
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                open_at, close_at = self._open(day)
                total += max(0.0, (min(end, close_at) - max(start, open_at)).total_seconds()) / 3600
            day += dt.timedelta(days=1)
        return total

    def deadline(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` working hours after `start`."""
        tz = ZoneInfo(self.zone)
        moment, left = start.astimezone(tz), dt.timedelta(hours=hours)
        for _ in range(3660):  # ten years of days: a deadline always falls in one
            if self.is_working_day(moment.date()):
                open_at, close_at = self._open(moment.date())
                begin = max(moment, open_at)
                if begin < close_at:
                    if begin + left <= close_at:
                        return begin + left
                    left -= close_at - begin
            moment = dt.datetime.combine(moment.date() + dt.timedelta(days=1), dt.time(0), tz)
        raise ValueError("no working hours: check HEARD_TRIAGE_FROM_HOUR and HEARD_TRIAGE_TO_HOUR")


def working_hours_between(
    start: dt.datetime, end: dt.datetime, *, zone: str, from_hour: int, to_hour: int, place: str = ""
) -> float:
    """Hours of the working week between two moments (see WorkingWeek)."""
    return WorkingWeek(zone, from_hour, to_hour, place).hours_between(start, end)
