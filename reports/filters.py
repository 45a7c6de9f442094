"""What a report is about: a period and optional filters, and the school year around a day."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core.time import local_midnight, school_year_bounds, school_year_of

# Reports look at the service's own years; far-off dates are refused, not computed with.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def date_in_range(day: datetime.date | None) -> bool:
    return day is None or EARLIEST_DATE <= day <= LATEST_DATE


@dataclass(frozen=True)
class ReportFilters:
    """A period of local dates, both inclusive, and the filters every indicator honours."""

    start: datetime.date
    end: datetime.date
    kind: str = ""
    field: str = ""
    programme_id: int | None = None
    venue_id: int | None = None
    partner_id: int | None = None

    @property
    def starts_at(self) -> datetime.datetime:
        return local_midnight(self.start)

    @property
    def ends_before(self) -> datetime.datetime:
        """The first instant after the period (the end date is a whole local day)."""
        return local_midnight(self.end + datetime.timedelta(days=1))

    def as_query(self) -> dict[str, str]:
        """The filters as GET parameters, to link an export to the figures on the page."""
        query = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name, value in (
            ("kind", self.kind),
            ("field", self.field),
            ("programme", self.programme_id),
            ("venue", self.venue_id),
            ("partner", self.partner_id),
        ):
            if value not in (None, ""):
                query[name] = str(value)
        return query


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The current school year: what a coordinator is asked about most."""
    return school_year_bounds(school_year_of(today or timezone.localdate()))


def build_filters(
    *, start: datetime.date | None = None, end: datetime.date | None = None, **others
) -> ReportFilters:
    """Filters with the current school year standing in for a missing start or end."""
    default_start, default_end = default_period()
    start = start or default_start
    return ReportFilters(start=start, end=end or max(start, default_end), **others)
