"""Register rules: marking, corrections, lock, walk-ins, rights and replayed offline batches."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import AuditEvent
from accounts.roles import Role
from attendance.models import AnonymousHeadcount, Attendance, AttendanceCorrection, AttendanceStatus
from attendance.selectors import programme_figures, register_get
from attendance.services import (
    AttendanceError,
    MarkInput,
    attendance_mark,
    attendance_mark_all_present,
    headcount_set,
    walk_in_add,
    walk_in_register,
)
from core.errors import DomainError
from households.models import Participant
from programmes.models import Kind
from tests.factories import (
    EnrolmentFactory,
    MediatorFactory,
    ParticipantFactory,
    SessionFactory,
    build_register,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def register():
    session, mediator, people = build_register(participants=4, starts_at=NOW.replace(hour=14))
    return session, mediator.user, people


def mark(person, status, *, at=None, client_id=None, **kwargs):
    return MarkInput(
        participant_id=person.pk,
        status=status,
        client_id=client_id or uuid.uuid4(),
        client_marked_at=at or NOW,
        **kwargs,
    )


def statuses(session):
    return dict(Attendance.objects.filter(session=session).values_list("participant_id", "status"))


def test_mediator_marks_the_expected_participants(register):
    session, user, people = register
    result = attendance_mark(
        session=session,
        marked_by=user,
        marks=[
            mark(people[0], "present"),
            mark(people[1], "late", note="bus"),
        ],
    )
    assert len(result.applied) == 2
    assert statuses(session) == {people[0].pk: "present", people[1].pk: "late"}
    row = Attendance.objects.get(participant=people[1])
    assert (row.note, row.marked_by, row.walk_in) == ("bus", user, False)


def test_all_present_then_correct_the_exceptions(register):
    session, user, people = register
    attendance_mark_all_present(session=session, marked_by=user)
    assert set(statuses(session).values()) == {"present"}
    attendance_mark(
        session=session,
        marked_by=user,
        marks=[mark(people[2], "absent", at=NOW + datetime.timedelta(minutes=1))],
    )
    assert statuses(session)[people[2].pk] == "absent"
    correction = AttendanceCorrection.objects.get()
    assert (correction.old_status, correction.new_status, correction.corrected_by) == (
        "present",
        "absent",
        user,
    )
    assert (
        AuditEvent.objects.filter(object_type="attendance.attendance", action="change").count() == 1
    )
    # A second "all present" leaves the corrected mark alone.
    attendance_mark_all_present(session=session, marked_by=user)
    assert statuses(session)[people[2].pk] == "absent"


def test_register_lists_expected_then_walk_ins_in_bounded_queries(
    register, django_assert_num_queries
):
    session, user, people = register
    attendance_mark(session=session, marked_by=user, marks=[mark(people[0], "present")])
    # Expected people, marks, check-outs, headcounts, a held declaration, signatures.
    with django_assert_num_queries(6):
        page = register_get(session=session)
    assert [row.participant.pk for row in page.rows] == [
        person.pk for person in sorted(people, key=lambda p: (p.last_name, p.first_name, p.pk))
    ]
    assert page.marked == 1
    assert page.rate.expected == 4 and page.rate.attended == 1


def test_replayed_batch_changes_nothing(register):
    session, user, people = register
    batch = [mark(people[0], "present"), mark(people[1], "absent")]
    attendance_mark(session=session, marked_by=user, marks=batch)
    later = mark(people[1], "late", at=NOW + datetime.timedelta(minutes=5))
    attendance_mark(session=session, marked_by=user, marks=[later])
    replay = attendance_mark(session=session, marked_by=user, marks=batch + [later])
    assert replay.applied == []
    assert len(replay.ignored) == 3
    assert statuses(session) == {people[0].pk: "present", people[1].pk: "late"}
    assert AttendanceCorrection.objects.count() == 1


def test_latest_mark_by_device_time_wins_whatever_the_arrival_order(register):
    session, user, people = register
    newer = mark(people[0], "absent", at=NOW + datetime.timedelta(minutes=10))
    older = mark(people[0], "present", at=NOW)
    attendance_mark(session=session, marked_by=user, marks=[newer])
    result = attendance_mark(session=session, marked_by=user, marks=[older])
    assert result.ignored == [older.client_id]
    assert statuses(session) == {people[0].pk: "absent"}
    # Within one batch too: applied in device order.
    attendance_mark(
        session=session,
        marked_by=user,
        marks=[
            mark(people[1], "late", at=NOW + datetime.timedelta(minutes=3)),
            mark(people[1], "present", at=NOW + datetime.timedelta(minutes=2)),
        ],
    )
    assert statuses(session)[people[1].pk] == "late"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "sleeping"}, "marks.1.status"),
        ({"participant_id": 999_999}, "marks.1.participant_id"),
        ({"note": "x" * 301}, "marks.1.note"),
    ],
)
def test_a_bad_item_rejects_the_whole_batch(register, change, field):
    session, user, people = register
    bad = {"participant_id": people[1].pk, "status": "present", **change}
    with pytest.raises(AttendanceError) as error:
        attendance_mark(
            session=session,
            marked_by=user,
            marks=[mark(people[0], "present"), MarkInput(client_marked_at=NOW, **bad)],
        )
    assert error.value.field == field
    assert error.value.status == 400
    assert not Attendance.objects.exists()


def test_someone_not_expected_is_refused_unless_added_as_walk_in(register):
    session, user, _people = register
    stranger = ParticipantFactory()
    # Known to the mediator through a cancelled enrolment, but not expected.
    EnrolmentFactory(participant=stranger, programme=session.programme, status="cancelled")
    with pytest.raises(AttendanceError) as error:
        attendance_mark(session=session, marked_by=user, marks=[mark(stranger, "present")])
    assert "not expected" in error.value.message
    # Of another programme's session: not expected either.
    other_session, _mediator, others = build_register(
        participants=1, starts_at=NOW.replace(hour=10)
    )
    with pytest.raises(AttendanceError):
        attendance_mark(session=session, marked_by=user, marks=[mark(others[0], "present")])
    assert not Attendance.objects.filter(session=session).exists()


def test_walk_in_of_an_existing_participant(register):
    session, user, _people = register
    known = ParticipantFactory(household__created_by=user)
    walk_in_add(session=session, participant=known, marked_by=user)
    row = Attendance.objects.get(participant=known)
    assert (row.status, row.walk_in) == ("present", True)
    page = register_get(session=session)
    assert page.walk_ins == 1 and page.rate.expected == 4


def test_walk_in_of_someone_the_mediator_cannot_see_is_refused(register):
    session, user, _people = register
    hidden = ParticipantFactory()
    with pytest.raises(AttendanceError) as error:
        walk_in_add(session=session, participant=hidden, marked_by=user)
    assert error.value.field == "marks.0.participant_id"


def test_walk_in_of_a_newcomer_with_minimal_data(register):
    session, user, _people = register
    person = walk_in_register(
        session=session,
        first_name="Lina",
        last_name="Haddad",
        birth_date=datetime.date(2016, 3, 1),
        marked_by=user,
    )
    assert person.household.created_by == user
    assert Attendance.objects.get(participant=person).walk_in is True
    with pytest.raises(DomainError) as error:
        walk_in_register(
            session=session,
            first_name="",
            last_name="X",
            birth_date=datetime.date(2016, 3, 1),
            marked_by=user,
        )
    assert error.value.field == "first_name"
    assert Participant.objects.filter(last_name="X").count() == 0


def test_anonymous_headcount_only_for_health_prevention(register):
    session, user, _people = register
    with pytest.raises(AttendanceError):
        headcount_set(session=session, counts={"12-15": 3}, updated_by=user)
    health, mediator, _ = build_register(
        participants=0,
        kind=Kind.HEALTH_PREVENTION,
        whole_cycle=False,
        starts_at=NOW.replace(hour=9),
    )
    headcount_set(session=health, counts={"12-15": 3, "65+": 1}, updated_by=mediator.user)
    headcount_set(session=health, counts={"12-15": 4}, updated_by=mediator.user)
    assert dict(AnonymousHeadcount.objects.values_list("age_band", "count")) == {
        "12-15": 4,
        "65+": 1,
    }
    with pytest.raises(AttendanceError) as error:
        headcount_set(session=health, counts={"12-15": -1}, updated_by=mediator.user)
    assert error.value.field == "12-15"


@pytest.mark.parametrize("who", ["family", "partner", "other_mediator", "administrator"])
def test_nobody_else_may_take_attendance(register, who):
    session, _user, people = register
    user = MediatorFactory().user if who == "other_mediator" else user_with_role(who)
    with pytest.raises(AttendanceError) as error:
        attendance_mark(session=session, marked_by=user, marks=[mark(people[0], "present")])
    assert error.value.status == 403
    assert not Attendance.objects.exists()


def test_facilitator_and_coordinator_may_take_attendance(register):
    session, _user, people = register
    facilitator = MediatorFactory()
    session.facilitators.add(facilitator)
    attendance_mark(session=session, marked_by=facilitator.user, marks=[mark(people[0], "present")])
    attendance_mark(
        session=session,
        marked_by=user_with_role(Role.COORDINATOR),
        marks=[mark(people[1], "present")],
    )
    assert len(statuses(session)) == 2


def test_no_register_before_the_day_nor_for_a_cancelled_session(register):
    session, user, people = register
    tomorrow = SessionFactory(
        programme=session.programme, starts_at=NOW + datetime.timedelta(days=1)
    )
    with pytest.raises(AttendanceError, match="opens on the day"):
        attendance_mark(session=tomorrow, marked_by=user, marks=[mark(people[0], "present")])
    session.status = "cancelled"
    session.save()
    with pytest.raises(AttendanceError, match="cancelled"):
        attendance_mark(session=session, marked_by=user, marks=[mark(people[0], "present")])


def test_register_locks_after_the_configured_days(register, settings):
    session, user, people = register
    settings.ATTENDANCE_LOCK_DAYS = 3
    attendance_mark(session=session, marked_by=user, marks=[mark(people[0], "present")])
    later = NOW + datetime.timedelta(days=3, hours=2)
    with time_machine.travel(later, tick=False):
        with pytest.raises(AttendanceError) as error:
            attendance_mark(
                session=session,
                marked_by=user,
                marks=[mark(people[0], "absent", at=later, reason="typo")],
            )
        assert error.value.status == 403
        coordinator = user_with_role(Role.COORDINATOR)
        with pytest.raises(AttendanceError) as error:
            attendance_mark(
                session=session, marked_by=coordinator, marks=[mark(people[0], "absent", at=later)]
            )
        assert error.value.field == "marks.0.reason"
        attendance_mark(
            session=session,
            marked_by=coordinator,
            marks=[
                mark(people[0], "absent", at=later, reason="The mother called: he was ill at home.")
            ],
        )
    assert statuses(session)[people[0].pk] == "absent"
    correction = AttendanceCorrection.objects.get()
    assert correction.after_lock and correction.corrected_by == coordinator
    assert correction.reason.startswith("The mother")
    assert AuditEvent.objects.filter(summary__contains="after the register locked").exists()


def test_programme_figures_count_present_and_late_over_expected(
    register, django_assert_max_num_queries
):
    session, user, people = register
    attendance_mark(
        session=session,
        marked_by=user,
        marks=[
            mark(people[0], "present"),
            mark(people[1], "late"),
            mark(people[2], "excused"),
            mark(people[3], "absent"),
        ],
    )
    earlier = SessionFactory(
        programme=session.programme, starts_at=NOW - datetime.timedelta(days=7)
    )
    attendance_mark(
        session=earlier, marked_by=user, marks=[mark(person, "present") for person in people]
    )
    SessionFactory(
        programme=session.programme, starts_at=NOW - datetime.timedelta(days=14)
    )  # register never taken
    with django_assert_max_num_queries(3):
        figures = programme_figures(programme=session.programme)
    assert [rate.percent for _session, rate in figures.sessions] == [100, 50]
    assert figures.overall.percent == 75
    by_id = {row.participant_id: row.rate for row in figures.participants}
    assert by_id[people[0].pk].percent == 100
    assert by_id[people[3].pk].percent == 50


def test_statuses_are_the_four_of_the_product():
    assert AttendanceStatus.values == ["present", "late", "excused", "absent"]


def test_sessions_of_the_day_on_the_night_clocks_go_back():
    """25 October 2026 lasts 25 hours in Paris: its late session is today's, not tomorrow's."""
    from attendance.selectors import sessions_of_day

    late, mediator, _people = build_register(
        participants=0, starts_at=datetime.datetime(2026, 10, 25, 23, 30, tzinfo=PARIS)
    )
    programme = late.programme
    early = SessionFactory(
        programme=programme, starts_at=datetime.datetime(2026, 10, 25, 0, 30, tzinfo=PARIS)
    )
    SessionFactory(
        programme=programme, starts_at=datetime.datetime(2026, 10, 26, 0, 30, tzinfo=PARIS)
    )
    day = sessions_of_day(user=mediator.user, day=datetime.date(2026, 10, 25))
    assert [session.pk for session in day] == [early.pk, late.pk]
