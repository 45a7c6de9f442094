"""Turning schedule rules into dates, against the real French calendars.

Expected dates are checked with the calendar packages themselves (not with the code under test),
and a few are spelled out so that a wrong reading of the packages shows.
"""

import datetime
from zoneinfo import ZoneInfo

import holidays
import pytest
from vacances_scolaires_france import SchoolHolidayDates

from sessions.holidays import HolidayCalendar
from sessions.models import ScheduleKind, Weekday
from sessions.scheduling import ScheduleRule, SkipReason, plan_schedule

pytestmark = pytest.mark.usefixtures("english")

PARIS = ZoneInfo("Europe/Paris")
ZONE_C = HolidayCalendar(zone="C")
SCHOOL_CALENDAR = SchoolHolidayDates()
PUBLIC_HOLIDAYS = holidays.France(years=range(2026, 2029))
PUBLIC_HOLIDAYS_FR = holidays.France(years=2027, language="fr")


def weekly(weekdays, start, end, **kwargs) -> ScheduleRule:
    return ScheduleRule(
        kind=ScheduleKind.WEEKLY,
        weekdays=tuple(weekdays),
        start_date=start,
        end_date=end,
        start_time=kwargs.pop("start_time", datetime.time(14)),
        end_time=kwargs.pop("end_time", datetime.time(16)),
        **kwargs,
    )


def holiday_weekdays(start, end, start_time=datetime.time(10)) -> ScheduleRule:
    end_time = (datetime.datetime.combine(start, start_time) + datetime.timedelta(hours=2)).time()
    return ScheduleRule(
        kind=ScheduleKind.HOLIDAY_WEEKDAYS,
        start_date=start,
        end_date=end,
        start_time=start_time,
        end_time=end_time,
    )


def days_between(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def is_zone_c_holiday(day: datetime.date) -> bool:
    return SCHOOL_CALENDAR.is_holiday_for_zone(day, "C")


def test_weekly_term_time_skips_zone_c_school_holidays_and_public_holidays():
    start, end = datetime.date(2026, 9, 1), datetime.date(2027, 6, 30)
    plan = plan_schedule(weekly([Weekday.WEDNESDAY], start, end), ZONE_C)

    dates = [occurrence.date for occurrence in plan.occurrences]
    expected = [
        day
        for day in days_between(start, end)
        if day.weekday() == 2 and not is_zone_c_holiday(day) and day not in PUBLIC_HOLIDAYS
    ]
    assert dates == expected
    assert len(dates) == 35  # 44 Wednesdays, 8 in school holidays, 11 November
    skipped = {entry.date: entry.reason for entry in plan.skipped}
    # Toussaint, Christmas, winter and spring holidays of zone C, and Armistice day.
    assert skipped[datetime.date(2026, 10, 21)] == SkipReason.SCHOOL_HOLIDAY
    assert skipped[datetime.date(2026, 12, 30)] == SkipReason.SCHOOL_HOLIDAY
    assert skipped[datetime.date(2027, 2, 17)] == SkipReason.SCHOOL_HOLIDAY
    assert skipped[datetime.date(2027, 4, 14)] == SkipReason.SCHOOL_HOLIDAY
    assert skipped[datetime.date(2026, 11, 11)] == SkipReason.PUBLIC_HOLIDAY
    assert datetime.date(2026, 11, 4) in dates  # the first Wednesday after the Toussaint
    assert plan.warnings == []


def test_weekly_on_mondays_skips_easter_and_whit_monday():
    plan = plan_schedule(
        weekly([Weekday.MONDAY], datetime.date(2027, 3, 1), datetime.date(2027, 6, 30)), ZONE_C
    )
    dates = {occurrence.date for occurrence in plan.occurrences}
    skipped = {entry.date: entry for entry in plan.skipped}
    for holiday in (datetime.date(2027, 3, 29), datetime.date(2027, 5, 17)):
        assert holiday in PUBLIC_HOLIDAYS
        assert holiday not in dates
        assert skipped[holiday].reason == SkipReason.PUBLIC_HOLIDAY
        assert skipped[holiday].label == PUBLIC_HOLIDAYS_FR[holiday]


def test_public_holidays_can_be_kept():
    plan = plan_schedule(
        weekly(
            [Weekday.MONDAY],
            datetime.date(2027, 3, 22),
            datetime.date(2027, 3, 31),
            skip_public_holidays=False,
        ),
        ZONE_C,
    )
    assert [occurrence.date for occurrence in plan.occurrences] == [
        datetime.date(2027, 3, 22),
        datetime.date(2027, 3, 29),
    ]


def test_every_weekday_of_the_february_holidays():
    rule = holiday_weekdays(datetime.date(2027, 2, 1), datetime.date(2027, 3, 15))
    plan = plan_schedule(rule, ZONE_C)

    dates = [occurrence.date for occurrence in plan.occurrences]
    expected = [
        day
        for day in days_between(rule.start_date, rule.end_date)
        if day.weekday() < 5 and is_zone_c_holiday(day)
    ]
    assert dates == expected
    assert dates[0] == datetime.date(2027, 2, 8)
    assert dates[-1] == datetime.date(2027, 2, 19)
    assert len(dates) == 10
    assert all(o.starts_at.hour == 10 and o.ends_at.hour == 12 for o in plan.occurrences)


def test_holiday_weekdays_skip_public_holidays_inside_the_holidays():
    rule = holiday_weekdays(datetime.date(2026, 12, 1), datetime.date(2027, 1, 10))
    plan = plan_schedule(rule, ZONE_C)
    dates = [occurrence.date for occurrence in plan.occurrences]
    assert datetime.date(2026, 12, 25) not in dates  # Christmas, a Friday
    assert datetime.date(2027, 1, 1) not in dates  # New Year's Day, a Friday
    assert dates == [
        datetime.date(2026, 12, 21),
        datetime.date(2026, 12, 22),
        datetime.date(2026, 12, 23),
        datetime.date(2026, 12, 24),
        datetime.date(2026, 12, 28),
        datetime.date(2026, 12, 29),
        datetime.date(2026, 12, 30),
        datetime.date(2026, 12, 31),
    ]


def test_date_list_is_sorted_deduplicated_and_skips_holidays_unless_told_not_to():
    dates = (
        datetime.date(2027, 1, 13),
        datetime.date(2026, 12, 9),
        datetime.date(2027, 1, 13),
        datetime.date(2027, 2, 10),
        datetime.date(2026, 11, 11),
    )
    rule = ScheduleRule(
        kind=ScheduleKind.DATE_LIST,
        dates=dates,
        start_time=datetime.time(17),
        end_time=datetime.time(18, 30),
    )

    plan = plan_schedule(rule, ZONE_C)
    assert [o.date for o in plan.occurrences] == [
        datetime.date(2026, 12, 9),
        datetime.date(2027, 1, 13),
    ]
    reasons = {entry.date: entry.reason for entry in plan.skipped}
    assert reasons == {
        datetime.date(2027, 2, 10): SkipReason.SCHOOL_HOLIDAY,
        datetime.date(2026, 11, 11): SkipReason.PUBLIC_HOLIDAY,
    }

    keep_holidays = ScheduleRule(
        kind=ScheduleKind.DATE_LIST,
        dates=dates,
        start_time=datetime.time(17),
        end_time=datetime.time(18, 30),
        skip_school_holidays=False,
    )
    assert [o.date for o in plan_schedule(keep_holidays, ZONE_C).occurrences] == [
        datetime.date(2026, 12, 9),
        datetime.date(2027, 1, 13),
        datetime.date(2027, 2, 10),
    ]


def test_excluded_dates_are_skipped_and_reported():
    excluded = datetime.date(2026, 9, 16)
    plan = plan_schedule(
        weekly(
            [Weekday.WEDNESDAY],
            datetime.date(2026, 9, 1),
            datetime.date(2026, 9, 30),
            excluded_dates=(excluded,),
        ),
        ZONE_C,
    )
    assert [o.date.day for o in plan.occurrences] == [2, 9, 23, 30]
    assert [(entry.date, entry.reason) for entry in plan.skipped] == [
        (excluded, SkipReason.EXCLUDED)
    ]


def test_march_dst_week_keeps_14h_local_time():
    # Clocks go forward on Sunday 28 March 2027.
    plan = plan_schedule(
        weekly([Weekday.WEDNESDAY], datetime.date(2027, 3, 20), datetime.date(2027, 4, 2)),
        ZONE_C,
    )
    before, after = plan.occurrences
    assert (before.date, after.date) == (datetime.date(2027, 3, 24), datetime.date(2027, 3, 31))
    assert before.starts_at.utcoffset() == datetime.timedelta(hours=1)
    assert after.starts_at.utcoffset() == datetime.timedelta(hours=2)
    for occurrence in (before, after):
        local = occurrence.starts_at.astimezone(PARIS)
        assert (local.hour, local.minute) == (14, 0)
        assert occurrence.ends_at - occurrence.starts_at == datetime.timedelta(hours=2)
    assert before.starts_at.astimezone(datetime.UTC).hour == 13
    assert after.starts_at.astimezone(datetime.UTC).hour == 12


def test_october_dst_week_keeps_14h_local_time():
    # Clocks go back on Sunday 25 October 2026, in the middle of zone C's Toussaint holidays.
    rule = holiday_weekdays(
        datetime.date(2026, 10, 17), datetime.date(2026, 11, 1), start_time=datetime.time(14)
    )
    plan = plan_schedule(rule, ZONE_C)
    by_date = {occurrence.date: occurrence for occurrence in plan.occurrences}
    friday, monday = by_date[datetime.date(2026, 10, 23)], by_date[datetime.date(2026, 10, 26)]
    assert friday.starts_at.utcoffset() == datetime.timedelta(hours=2)
    assert monday.starts_at.utcoffset() == datetime.timedelta(hours=1)
    assert friday.starts_at.astimezone(datetime.UTC).hour == 12
    assert monday.starts_at.astimezone(datetime.UTC).hour == 13
    assert {o.starts_at.astimezone(PARIS).time() for o in plan.occurrences} == {datetime.time(14)}
    assert len(plan.occurrences) == 10


def test_range_beyond_the_published_school_calendar_warns_and_stops_at_the_covered_date():
    covered_until = ZONE_C.school_calendar_covers_until
    # The package's last published zone C day, read from the package itself.
    assert covered_until == max(day for day in SCHOOL_CALENDAR.data if is_zone_c_holiday(day))
    start = covered_until - datetime.timedelta(days=120)
    end = covered_until + datetime.timedelta(days=120)

    plan = plan_schedule(weekly([Weekday.WEDNESDAY], start, end), ZONE_C)

    assert plan.occurrences, "term-time weeks before the covered date are still generated"
    assert all(occurrence.date <= covered_until for occurrence in plan.occurrences)
    unknown = [e.date for e in plan.skipped if e.reason == SkipReason.UNKNOWN_SCHOOL_CALENDAR]
    assert unknown and min(unknown) > covered_until
    assert len(plan.warnings) == 1
    assert covered_until.strftime("%d/%m/%Y") in plan.warnings[0]
    assert "zone C" in plan.warnings[0]


def test_no_warning_when_school_holidays_are_not_skipped():
    covered_until = ZONE_C.school_calendar_covers_until
    plan = plan_schedule(
        weekly(
            [Weekday.WEDNESDAY],
            covered_until,
            covered_until + datetime.timedelta(days=30),
            skip_school_holidays=False,
        ),
        ZONE_C,
    )
    assert plan.warnings == []
    assert len(plan.occurrences) >= 4


@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_zone_is_configurable(zone):
    # Winter holidays differ by zone: the set of skipped Wednesdays in February differs too.
    plan = plan_schedule(
        weekly([Weekday.WEDNESDAY], datetime.date(2027, 2, 1), datetime.date(2027, 3, 10)),
        HolidayCalendar(zone=zone),
    )
    expected = [
        day
        for day in days_between(datetime.date(2027, 2, 1), datetime.date(2027, 3, 10))
        if day.weekday() == 2 and not SCHOOL_CALENDAR.is_holiday_for_zone(day, zone)
    ]
    assert [o.date for o in plan.occurrences] == expected
