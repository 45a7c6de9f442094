"""Turn a schedule rule into dated occurrences. Pure: no database access."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.time import local_datetime, local_time_exists, school_year_bounds, school_year_of

from .holidays import HolidayCalendar
from .models import ScheduleKind


class SkipReason:
    SCHOOL_HOLIDAY = "school_holiday"
    PUBLIC_HOLIDAY = "public_holiday"
    EXCLUDED = "excluded"
    UNKNOWN_SCHOOL_CALENDAR = "unknown_school_calendar"
    TIME_DOES_NOT_EXIST = "time_does_not_exist"


@dataclass(frozen=True)
class ScheduleRule:
    """What a schedule says, detached from the database so that a form can preview it."""

    kind: str
    start_time: datetime.time
    end_time: datetime.time
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    weekdays: tuple[int, ...] = ()
    dates: tuple[datetime.date, ...] = ()
    skip_school_holidays: bool = True
    skip_public_holidays: bool = True
    excluded_dates: tuple[datetime.date, ...] = ()

    @classmethod
    def from_schedule(cls, schedule) -> "ScheduleRule":
        return cls(
            kind=schedule.kind,
            start_time=schedule.start_time,
            end_time=schedule.end_time,
            start_date=schedule.start_date,
            end_date=schedule.end_date,
            weekdays=tuple(int(day) for day in schedule.weekdays or ()),
            dates=tuple(as_date(value) for value in schedule.dates or ()),
            skip_school_holidays=schedule.skip_school_holidays,
            skip_public_holidays=schedule.skip_public_holidays,
            excluded_dates=tuple(as_date(value) for value in schedule.excluded_dates or ()),
        )


@dataclass(frozen=True)
class Occurrence:
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime


@dataclass(frozen=True)
class SkippedDate:
    date: datetime.date
    reason: str
    label: str


@dataclass
class SchedulePlan:
    occurrences: list[Occurrence] = field(default_factory=list)
    skipped: list[SkippedDate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def as_date(value: str | datetime.date) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


# A schedule spans a school year or so; longer ranges are a typing mistake.
MAX_SCHEDULE_DAYS = 2 * 366


def schedule_rule_problems(rule: ScheduleRule) -> list[tuple[str, str]]:
    """What is wrong with a schedule, as (field, message): the form shows them all beside their
    fields, the service refuses with the first. The one place that states a schedule's limits."""
    problems = []
    if rule.kind == ScheduleKind.WEEKLY and not rule.weekdays:
        problems.append(("weekdays", _("Choose at least one day of the week.")))
    if rule.kind in (ScheduleKind.WEEKLY, ScheduleKind.HOLIDAY_WEEKDAYS):
        if rule.start_date is None:
            problems.append(("start_date", _("Give the first date.")))
        if rule.end_date is None:
            problems.append(("end_date", _("Give the last date.")))
        if rule.start_date and rule.end_date:
            if rule.end_date < rule.start_date:
                problems.append(("end_date", _("The last date must not come before the first.")))
            elif (rule.end_date - rule.start_date).days > MAX_SCHEDULE_DAYS:
                problems.append(("end_date", _("A schedule covers two years at most.")))
    if rule.kind == ScheduleKind.DATE_LIST and not rule.dates:
        problems.append(("dates", _("Give at least one date.")))
    if rule.start_time and rule.end_time and rule.end_time <= rule.start_time:
        problems.append(("end_time", _("The end must come after the start.")))
    if not problems:
        problems.extend(_skipped_time_problems(rule))
    return problems


def skipped_time_message(day: datetime.date, time: datetime.time) -> str:
    """Why a time is refused on the night clocks go forward (core.time.is_skipped_local_time)."""
    return _(
        "%(time)s does not exist on %(date)s: clocks go forward from 02:00 to 03:00 that "
        "night. Choose another time."
    ) % {"time": time.strftime("%H:%M"), "date": date_format(day, "DATE_FORMAT")}


def _skipped_time_problems(rule: ScheduleRule) -> list[tuple[str, str]]:
    """The first date of the rule whose start or end time does not exist in the service's zone,
    as a problem on that field; excluded dates do not count."""
    excluded = set(rule.excluded_dates)
    for day in _candidate_dates(rule, HolidayCalendar.default()):
        if day in excluded:
            continue
        for name, time in (("start_time", rule.start_time), ("end_time", rule.end_time)):
            if not local_time_exists(day, time):
                return [(name, skipped_time_message(day, time))]
    return []


def _candidate_dates(rule: ScheduleRule, calendar: HolidayCalendar) -> Iterable[datetime.date]:
    if rule.kind == ScheduleKind.DATE_LIST:
        yield from sorted(set(rule.dates))
        return
    if rule.start_date is None or rule.end_date is None:
        return
    if rule.kind == ScheduleKind.WEEKLY:
        weekdays = set(rule.weekdays)
        day = rule.start_date
        while day <= rule.end_date:
            if day.weekday() in weekdays:
                yield day
            day += datetime.timedelta(days=1)
    elif rule.kind == ScheduleKind.HOLIDAY_WEEKDAYS:
        for first, last, _name in calendar.holiday_periods(rule.start_date, rule.end_date):
            day = first
            while day <= last:
                if day.weekday() < 5:
                    yield day
                day += datetime.timedelta(days=1)


def plan_schedule(rule: ScheduleRule, calendar: HolidayCalendar | None = None) -> SchedulePlan:
    calendar = calendar or HolidayCalendar.default()
    plan = SchedulePlan()
    excluded = set(rule.excluded_dates)
    # Term-time rules must know the school calendar; holiday rules are generated from it.
    needs_school_calendar = rule.skip_school_holidays or rule.kind == ScheduleKind.HOLIDAY_WEEKDAYS
    unknown_dates: list[datetime.date] = []
    for day in _candidate_dates(rule, calendar):
        if day in excluded:
            plan.skipped.append(SkippedDate(day, SkipReason.EXCLUDED, _("Excluded date")))
            continue
        if rule.skip_public_holidays and (name := calendar.public_holiday_name(day)):
            plan.skipped.append(SkippedDate(day, SkipReason.PUBLIC_HOLIDAY, name))
            continue
        if rule.kind != ScheduleKind.HOLIDAY_WEEKDAYS and rule.skip_school_holidays:
            if not calendar.is_covered(day):
                unknown_dates.append(day)
                plan.skipped.append(
                    SkippedDate(
                        day,
                        SkipReason.UNKNOWN_SCHOOL_CALENDAR,
                        _("School calendar not yet published"),
                    )
                )
                continue
            if name := calendar.school_holiday_name(day):
                plan.skipped.append(SkippedDate(day, SkipReason.SCHOOL_HOLIDAY, name))
                continue
        if not (local_time_exists(day, rule.start_time) and local_time_exists(day, rule.end_time)):
            # Refused when the rule is saved (schedule_rule_problems); a rule saved before
            # that check skips the date rather than create a session at a time that is not.
            plan.skipped.append(
                SkippedDate(day, SkipReason.TIME_DOES_NOT_EXIST, _("Clocks go forward"))
            )
            continue
        plan.occurrences.append(
            Occurrence(
                day, local_datetime(day, rule.start_time), local_datetime(day, rule.end_time)
            )
        )
    if needs_school_calendar:
        covered_until = calendar.school_calendar_covers_until
        if unknown_dates or (rule.end_date and rule.end_date > covered_until):
            plan.warnings.append(
                _(
                    "The school calendar of zone %(zone)s is published only up to %(date)s: "
                    "no session was generated after that date. Regenerate the schedule once "
                    "the ministry publishes the next school year."
                )
                % {"zone": calendar.zone, "date": covered_until.strftime("%d/%m/%Y")}
            )
    return plan


def shift_to_next_school_year(day: datetime.date, *, keep_weekday: bool = True) -> datetime.date:
    """The same day of the next school year.

    With ``keep_weekday`` (weekly schedules, date lists): 52 weeks later, the same weekday one or
    two days before the anniversary, or a week later still if that would fall before the next
    school year's first day (1 September). Without it (holiday periods, found by name from the
    calendar): the anniversary, 28 February for a 29 February.
    """
    if not keep_weekday:
        try:
            return day.replace(year=day.year + 1)
        except ValueError:
            return day.replace(year=day.year + 1, day=28)
    shifted = day + datetime.timedelta(weeks=52)
    this_year_first_day, _last_day = school_year_bounds(school_year_of(day))
    next_year_first_day, _last_day = school_year_bounds(school_year_of(day) + 1)
    if day >= this_year_first_day and shifted < next_year_first_day:
        shifted += datetime.timedelta(weeks=1)
    return shifted
