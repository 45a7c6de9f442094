"""A coordinator edits the schedule of a whole-cycle programme people are enrolled in: dates
dropped or moved by the rule are left for a person to cancel or move (and so tell the families),
never deleted in silence."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from enrolment.services import enrolment_cancel, enrolment_create
from programmes.models import EnrolmentMode
from sessions.models import Session
from sessions.services import schedule_apply
from tests.factories import ParticipantFactory, ProgrammeFactory, ScheduleFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def before_the_school_year():
    with time_machine.travel(datetime.datetime(2026, 8, 20, 9, tzinfo=PARIS), tick=False):
        yield


@pytest.fixture
def cycle():
    """Wednesdays of September 2026 (2, 9, 16, 23, 30) of a whole-cycle programme."""
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=5)
    schedule = ScheduleFactory(
        programme=programme,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    schedule_apply(schedule=schedule)
    return programme, schedule


def drop_the_16th(schedule):
    schedule.excluded_dates = ["2026-09-16"]
    schedule.save()
    return schedule_apply(schedule=schedule)


def test_a_dropped_date_of_a_cycle_with_people_enrolled_is_a_conflict_not_a_deletion(cycle):
    programme, schedule = cycle
    enrolment_create(participant=ParticipantFactory(), programme=programme)
    preview = schedule_apply(schedule=schedule, dry_run=True)
    assert preview.conflicts == []

    report = drop_the_16th(schedule)

    assert report.deleted == []
    assert [conflict.date for conflict in report.conflicts] == [datetime.date(2026, 9, 16)]
    assert Session.objects.filter(schedule=schedule).count() == 5


def test_once_nobody_is_enrolled_the_dropped_date_goes(cycle):
    programme, schedule = cycle
    enrolment = enrolment_create(participant=ParticipantFactory(), programme=programme)
    enrolment_cancel(enrolment=enrolment, cancelled_by=None)

    report = drop_the_16th(schedule)

    assert report.deleted == [datetime.date(2026, 9, 16)]
    assert report.conflicts == []
    assert Session.objects.filter(schedule=schedule).count() == 4
