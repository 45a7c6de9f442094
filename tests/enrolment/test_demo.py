"""The demo data: idempotent, and its term-time sessions avoid every holiday."""

import datetime
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.apps import apps
from vacances_scolaires_france import SchoolHolidayDates

from demo.services import load_demo_data
from sessions.models import Schedule, ScheduleKind, Session

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.parametrize("today", [datetime.date(2026, 11, 25), datetime.date(2027, 9, 15)])
def test_loading_twice_creates_nothing_new(today):
    first = load_demo_data(today=today)
    counts = row_counts()

    second = load_demo_data(today=today)

    assert first["sessions_created"] > 100
    assert second["sessions_created"] == 0
    assert row_counts() == counts


@pytest.mark.parametrize("today", [datetime.date(2026, 11, 25), datetime.date(2027, 9, 15)])
def test_term_time_sessions_avoid_public_and_zone_c_school_holidays(today):
    load_demo_data(today=today)
    school_calendar = SchoolHolidayDates()
    term_time = Schedule.objects.filter(
        kind=ScheduleKind.WEEKLY, skip_school_holidays=True, skip_public_holidays=True
    )
    sessions = Session.objects.filter(schedule__in=term_time)
    days = [session.starts_at.astimezone(PARIS).date() for session in sessions]
    public_holidays = holidays.France(years={day.year for day in days})

    assert term_time.count() >= 5
    assert len(days) > 150
    on_public_holidays = [day for day in days if day in public_holidays]
    in_school_holidays = [day for day in days if school_calendar.is_holiday_for_zone(day, "C")]
    assert on_public_holidays == []
    assert in_school_holidays == []
