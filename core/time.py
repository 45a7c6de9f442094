"""Time rules of the service, each defined once: its zone, local midnight, the school year."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone

# French school years run from 1 September to 31 August (holidays included).
SCHOOL_YEAR_FIRST_MONTH = 9


def local_zone() -> ZoneInfo:
    """The service's zone (Europe/Paris): sessions, reminders and reports are in it."""
    return ZoneInfo(settings.TIME_ZONE)


def local_today() -> datetime.date:
    return timezone.localdate(timezone=local_zone())


def local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """Wall-clock time in the service's zone: 14:00 stays 14:00 across DST changes."""
    return datetime.datetime.combine(day, time, tzinfo=local_zone())


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The instant ``day`` starts in the service's zone (not in UTC, nor the server's zone)."""
    return local_datetime(day, datetime.time.min)


def local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """``day`` as a half-open range of instants, 23 or 25 hours long on DST days."""
    return local_midnight(day), local_midnight(day + datetime.timedelta(days=1))


def school_year_of(day: datetime.date) -> int:
    """The calendar year the school year of ``day`` starts in: 2026 for 2026–27."""
    return day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1


def school_year_bounds(first_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the school year starting in ``first_year``: 1 September–31 August."""
    return (
        datetime.date(first_year, SCHOOL_YEAR_FIRST_MONTH, 1),
        datetime.date(first_year + 1, SCHOOL_YEAR_FIRST_MONTH, 1) - datetime.timedelta(days=1),
    )


def short_datetime(moment: datetime.datetime | None) -> str:
    """A moment in the service's zone, short, for lists: "9 fév. 2027, 10:00"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, local_zone())
    return f"{formats.date_format(local, 'j N Y')}, {formats.time_format(local, 'H:i')}"
