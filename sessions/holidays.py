"""French school holidays (by zone) and public holidays, from maintained packages."""

import datetime
from dataclasses import dataclass
from functools import cache

import holidays as public_holidays_package
from django.conf import settings
from vacances_scolaires_france import SchoolHolidayDates


@cache
def _school_calendar() -> SchoolHolidayDates:
    # Loading the CSV takes ~50 ms: once per process.
    return SchoolHolidayDates()


@dataclass(frozen=True)
class HolidayCalendar:
    zone: str
    subdivision: str | None = None

    @classmethod
    def default(cls) -> "HolidayCalendar":
        return cls(
            zone=settings.SCHOOL_HOLIDAY_ZONE, subdivision=settings.PUBLIC_HOLIDAY_SUBDIVISION
        )

    @property
    def school_calendar_covers_until(self) -> datetime.date:
        """Last day the published school calendar speaks for.

        The package lists every day of the years it knows, but a year is only truly published up
        to the end of the last holiday period it contains for the zone.
        """
        return _coverage_end(self.zone)

    def is_covered(self, day: datetime.date) -> bool:
        return day <= self.school_calendar_covers_until

    def school_holiday_name(self, day: datetime.date) -> str | None:
        """The holiday period's name if ``day`` falls in one for this zone, else None."""
        entry = _school_calendar().data.get(day)
        if entry and entry[f"vacances_zone_{self.zone.lower()}"]:
            return entry["nom_vacances"]
        return None

    def public_holiday_name(self, day: datetime.date) -> str | None:
        return _public_holidays(day.year, self.subdivision).get(day)

    def holiday_periods(self, start: datetime.date, end: datetime.date, name: str | None = None):
        """Yield (first_day, last_day, name) of each school-holiday period meeting [start, end]."""
        period_start = previous = None
        current_name = None
        day = start
        while day <= end:
            holiday = self.school_holiday_name(day)
            if holiday and (name is None or holiday == name):
                if (
                    period_start is None
                    or holiday != current_name
                    or previous != day - datetime.timedelta(days=1)
                ):
                    if period_start is not None:
                        yield period_start, previous, current_name
                    period_start, current_name = day, holiday
                previous = day
            day += datetime.timedelta(days=1)
        if period_start is not None:
            yield period_start, previous, current_name


@cache
def _coverage_end(zone: str) -> datetime.date:
    key = f"vacances_zone_{zone.lower()}"
    return max(day for day, entry in _school_calendar().data.items() if entry[key])


@cache
def _public_holidays(year: int, subdivision: str | None) -> dict[datetime.date, str]:
    return dict(public_holidays_package.France(years=year, subdiv=subdivision, language="fr"))
