"""Time rules of the service, each defined once: its zone, local midnight, the school year."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from .schema_types import FIRST_YEAR, LAST_YEAR

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


def is_skipped_local_time(moment: datetime.datetime) -> bool:
    """Whether ``moment``'s wall-clock time never happens in its zone: the hour skipped when
    clocks go forward (02:00–03:00 on the last Sunday of March in Europe/Paris), which
    ``local_datetime`` would otherwise read as an instant an hour later than its end.

    The rule of the service: such a time is refused, naming the field, never shifted in
    silence. A time that happens twice (02:00–03:00 on the last Sunday of October) is taken
    the first time, in summer time (``fold=0``): sessions do not take place at night, and the
    first reading is the one a person means when they write 02:30 before the change."""
    if moment.tzinfo is None:
        return False
    back = moment.astimezone(datetime.UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None) != moment.replace(tzinfo=None)


def local_time_exists(day: datetime.date, time: datetime.time) -> bool:
    """Whether ``time`` happens on ``day`` in the service's zone (see is_skipped_local_time)."""
    return not is_skipped_local_time(local_datetime(day, time))


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


def _year_in_range(value: datetime.date | None) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            gettext_lazy("Give a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class BoundedDateField(forms.DateField):
    """A date typed in a form, within the years the API's dates allow (``FIRST_YEAR`` to
    ``LAST_YEAR``): year 9999 is a form error, not a day whose next midnight Python cannot
    compute."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        _year_in_range(value)


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time typed in a form, within the same years as ``BoundedDateField``."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        _year_in_range(value.date() if isinstance(value, datetime.datetime) else value)


def short_datetime(moment: datetime.datetime | None) -> str:
    """A moment in the service's zone, short, for lists: "9 fév. 2027, 10:00"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, local_zone())
    return f"{formats.date_format(local, 'j N Y')}, {formats.time_format(local, 'H:i')}"
