"""Applying a schedule to the database: idempotent, and never destroying what people rely on."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from sessions import hooks
from sessions.models import ScheduleKind, Session
from sessions.services import schedule_apply, session_cancel, session_move
from tests.factories import MediatorFactory, ScheduleFactory, VenueFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# Before every date used below, so that sessions are still in the future.
BEFORE_THE_SCHOOL_YEAR = datetime.datetime(2026, 8, 20, 9, tzinfo=PARIS)


@pytest.fixture
def in_use():
    """Session ids that a higher app (enrolment, attendance) would report as holding its data."""
    ids: set[int] = set()

    def check(session_ids):
        return ids & set(session_ids)

    hooks.register_sessions_in_use_check(check)
    yield ids
    hooks.unregister_sessions_in_use_check(check)


def september_schedule(**kwargs):
    """Wednesdays 14:00–16:00 in September 2026: the 2nd, 9th, 16th, 23rd and 30th."""
    return ScheduleFactory(
        start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 9, 30), **kwargs
    )


def sessions_by_day(schedule) -> dict[int, Session]:
    return {s.schedule_date.day: s for s in Session.objects.filter(schedule=schedule)}


def local_start(session: Session) -> datetime.time:
    return timezone.localtime(session.starts_at, PARIS).time()


def test_apply_creates_sessions_with_programme_venue_and_facilitators():
    mediator = MediatorFactory()
    schedule = september_schedule()
    schedule.facilitators.add(mediator)

    report = schedule_apply(schedule=schedule)

    sessions = list(Session.objects.filter(schedule=schedule).prefetch_related("facilitators"))
    assert len(report.created) == len(sessions) == 5
    assert {s.venue_id for s in sessions} == {schedule.programme.venue_id}
    assert all(list(s.facilitators.all()) == [mediator] for s in sessions)
    assert all(local_start(s) == datetime.time(14) for s in sessions)
    assert all(s.revision == 0 and not s.edited_by_hand for s in sessions)


def test_dst_weeks_are_stored_at_14h_local_time():
    schedule = ScheduleFactory(
        start_date=datetime.date(2027, 3, 20), end_date=datetime.date(2027, 4, 2)
    )
    schedule_apply(schedule=schedule)
    before, after = Session.objects.filter(schedule=schedule).order_by("starts_at")
    assert before.starts_at.astimezone(PARIS).utcoffset() == datetime.timedelta(hours=1)
    assert after.starts_at.astimezone(PARIS).utcoffset() == datetime.timedelta(hours=2)
    assert local_start(before) == local_start(after) == datetime.time(14)
    assert after.starts_at - before.starts_at == datetime.timedelta(days=7, hours=-1)


def test_regenerating_is_idempotent():
    schedule = ScheduleFactory()  # the whole 2026–27 school year
    first = schedule_apply(schedule=schedule)
    snapshot = list(
        Session.objects.filter(schedule=schedule).values_list(
            "pk", "starts_at", "ends_at", "venue_id", "revision"
        )
    )

    second = schedule_apply(schedule=schedule)

    assert len(first.created) == 35
    assert (second.created, second.updated, second.deleted, second.conflicts) == ([], [], [], [])
    assert second.unchanged == 35
    assert (
        list(
            Session.objects.filter(schedule=schedule).values_list(
                "pk", "starts_at", "ends_at", "venue_id", "revision"
            )
        )
        == snapshot
    )


def test_editing_times_updates_free_sessions_and_reports_those_in_use_or_edited(in_use):
    with time_machine.travel(BEFORE_THE_SCHOOL_YEAR, tick=False) as clock:
        schedule = september_schedule()
        schedule_apply(schedule=schedule)
        sessions = sessions_by_day(schedule)
        in_use.add(sessions[9].pk)
        moved_to = datetime.datetime(2026, 9, 17, 10, tzinfo=PARIS)
        session_move(
            reason_code="venue_unavailable",
            session=sessions[16],
            starts_at=moved_to,
            ends_at=moved_to + datetime.timedelta(hours=2),
        )
        clock.shift(datetime.timedelta(days=1))  # the rule changes after the hand edit

        schedule.start_time, schedule.end_time = datetime.time(15), datetime.time(17)
        schedule.save()
        report = schedule_apply(schedule=schedule)

    assert sorted(report.updated) == sorted(sessions[day].pk for day in (2, 23, 30))
    assert [(c.session_id, c.date.day) for c in report.conflicts] == [
        (sessions[9].pk, 9),
        (sessions[16].pk, 16),
    ]
    assert all(conflict.reason for conflict in report.conflicts)
    assert report.created == report.deleted == []
    after = sessions_by_day(schedule)
    assert {day: local_start(s) for day, s in after.items()} == {
        2: datetime.time(15),
        9: datetime.time(14),
        16: datetime.time(10),
        23: datetime.time(15),
        30: datetime.time(15),
    }
    assert {day: s.revision for day, s in after.items()} == {2: 1, 9: 0, 16: 1, 23: 1, 30: 1}


@time_machine.travel(BEFORE_THE_SCHOOL_YEAR, tick=False)
def test_dropping_dates_deletes_free_sessions_only(in_use):
    schedule = september_schedule()
    schedule_apply(schedule=schedule)
    sessions = sessions_by_day(schedule)
    in_use.add(sessions[23].pk)
    session_cancel(session=sessions[30], reason="Salle indisponible")

    schedule.end_date = datetime.date(2026, 9, 10)
    schedule.save()
    report = schedule_apply(schedule=schedule)

    assert report.deleted == [datetime.date(2026, 9, 16)]
    assert [c.session_id for c in report.conflicts] == [sessions[23].pk, sessions[30].pk]
    assert set(sessions_by_day(schedule)) == {2, 9, 23, 30}


@time_machine.travel(BEFORE_THE_SCHOOL_YEAR, tick=False)
def test_a_session_edited_after_the_rule_is_not_reported_again():
    schedule = september_schedule()
    schedule_apply(schedule=schedule)
    moved = sessions_by_day(schedule)[16]
    moved_to = datetime.datetime(2026, 9, 17, 10, tzinfo=PARIS)
    session_move(
        reason_code="venue_unavailable",
        session=moved,
        starts_at=moved_to,
        ends_at=moved_to + datetime.timedelta(hours=2),
    )

    report = schedule_apply(schedule=schedule)

    assert report.conflicts == [] and report.updated == [] and report.unchanged == 5
    moved.refresh_from_db()
    assert moved.starts_at == moved_to


def test_changing_the_venue_moves_free_sessions():
    schedule = september_schedule()
    schedule_apply(schedule=schedule)
    new_venue = VenueFactory()
    schedule.venue = new_venue
    schedule.save()

    report = schedule_apply(schedule=schedule)

    assert len(report.updated) == 5
    assert set(Session.objects.filter(schedule=schedule).values_list("venue", flat=True)) == {
        new_venue.pk
    }


def test_adding_dates_creates_only_the_new_sessions():
    schedule = september_schedule()
    first = schedule_apply(schedule=schedule)
    schedule.end_date = datetime.date(2026, 10, 9)
    schedule.save()

    report = schedule_apply(schedule=schedule)

    assert len(report.created) == 1  # 7 October
    assert report.unchanged == 5
    assert set(first.created) < set(
        Session.objects.filter(schedule=schedule).values_list("pk", flat=True)
    )


def test_beyond_the_published_calendar_the_report_warns():
    schedule = ScheduleFactory(
        start_date=datetime.date(2028, 6, 1), end_date=datetime.date(2028, 12, 31)
    )
    report = schedule_apply(schedule=schedule)
    assert len(report.warnings) == 1
    last = Session.objects.filter(schedule=schedule).order_by("-starts_at").first()
    assert last.starts_at.date() <= datetime.date(2028, 8, 31)


def test_a_list_of_dates_is_applied():
    schedule = ScheduleFactory(
        kind=ScheduleKind.DATE_LIST,
        start_date=None,
        end_date=None,
        weekdays=[],
        dates=["2026-12-09", "2027-01-13"],
        excluded_dates=["2027-01-13"],
    )
    report = schedule_apply(schedule=schedule)
    assert len(report.created) == 1
    assert Session.objects.get(schedule=schedule).schedule_date == datetime.date(2026, 12, 9)


def test_unregistered_in_use_check_no_longer_counts():
    ids = {1, 2}

    def check(session_ids):
        return ids & set(session_ids)

    hooks.register_sessions_in_use_check(check)
    hooks.register_sessions_in_use_check(check)  # registering twice is harmless
    assert hooks.sessions_in_use([1, 3]) == {1}
    hooks.unregister_sessions_in_use_check(check)
    assert hooks.sessions_in_use([1, 3]) == set()
