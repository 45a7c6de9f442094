"""The follow-up of repeated absences: the rule per programme, the signal, and closing."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from attendance import signals
from attendance.models import FollowUp, FollowUpStatus
from attendance.selectors import follow_up_contact, follow_up_list
from attendance.services import AttendanceError, MarkInput, attendance_mark, follow_up_close
from programmes.models import EnrolmentMode, Kind
from tests.factories import (
    GuardianFactory,
    MediatorFactory,
    ProgrammeFactory,
    SessionFactory,
    build_register,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 25, 18, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def weekly_programme(**fields):
    fields = {"kind": Kind.FAMILY_COURSE, **fields}
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE, **fields)
    programme.mediators.add(MediatorFactory())
    first, mediator, people = build_register(
        participants=2, programme=programme, starts_at=NOW - datetime.timedelta(days=4)
    )
    sessions = [first] + [
        SessionFactory(programme=programme, starts_at=NOW - datetime.timedelta(days=days))
        for days in (3, 2, 1, 0)
    ]
    return sessions, mediator.user, people


def take(sessions, user, person, statuses):
    for session, status in zip(sessions, statuses, strict=False):
        attendance_mark(
            session=session,
            marked_by=user,
            marks=[
                MarkInput(
                    participant_id=person.pk,
                    status=status,
                    client_id=uuid.uuid4(),
                    client_marked_at=session.starts_at,
                )
            ],
        )


@pytest.fixture
def received():
    events = []

    def receiver(sender, follow_up, changed_by, **kwargs):
        events.append((follow_up.pk, changed_by))

    signals.follow_up_opened.connect(receiver)
    yield events
    signals.follow_up_opened.disconnect(receiver)


def test_two_unexcused_absences_in_a_row_open_a_follow_up(received):
    sessions, user, people = weekly_programme()
    take(sessions, user, people[0], ["present", "absent"])
    assert not FollowUp.objects.exists()
    take(sessions[2:], user, people[0], ["absent"])
    follow_up = FollowUp.objects.get()
    assert follow_up.participant == people[0]
    assert follow_up.mediator.user == user
    assert set(follow_up.sessions.all()) == {sessions[1], sessions[2]}
    assert received == [(follow_up.pk, user)]
    # Still absent: the open follow-up covers it, no second one.
    take(sessions[3:], user, people[0], ["absent"])
    assert FollowUp.objects.count() == 1


def test_excused_absences_do_not_count_nor_break_the_run():
    sessions, user, people = weekly_programme()
    take(sessions, user, people[0], ["absent", "excused", "excused"])
    assert not FollowUp.objects.exists()
    take(sessions[3:], user, people[0], ["absent"])
    assert set(FollowUp.objects.get().sessions.all()) == {sessions[0], sessions[3]}


def test_a_presence_resets_the_run():
    sessions, user, people = weekly_programme()
    take(sessions, user, people[0], ["absent", "late", "absent", "present", "absent"])
    assert not FollowUp.objects.exists()


def test_threshold_is_per_programme_and_zero_turns_it_off():
    sessions, user, people = weekly_programme(absence_follow_up_threshold=3)
    take(sessions, user, people[0], ["absent", "absent"])
    assert not FollowUp.objects.exists()
    take(sessions[2:], user, people[0], ["absent"])
    assert FollowUp.objects.count() == 1
    sessions, user, people = weekly_programme(absence_follow_up_threshold=0)
    take(sessions, user, people[0], ["absent"] * 5)
    assert FollowUp.objects.count() == 1


def test_always_on_for_remobilisation():
    sessions, user, people = weekly_programme(
        absence_follow_up_threshold=0, kind=Kind.REMOBILISATION
    )
    take(sessions, user, people[0], ["absent", "absent"])
    assert FollowUp.objects.filter(programme=sessions[0].programme).count() == 1


def test_off_for_programmes_enrolled_session_by_session():
    session, mediator, people = build_register(
        participants=1, whole_cycle=False, starts_at=NOW - datetime.timedelta(days=7)
    )
    other = SessionFactory(programme=session.programme, starts_at=NOW)
    other.enrolments.create(
        participant=people[0], programme=session.programme, status="confirmed", source="mediator"
    )
    take([session, other], mediator.user, people[0], ["absent", "absent"])
    assert not FollowUp.objects.exists()


def test_close_records_the_outcome_and_a_new_run_is_needed_to_reopen():
    sessions, user, people = weekly_programme()
    GuardianFactory(household=people[0].household, first_name="Nadia", phone="0612345678")
    take(sessions, user, people[0], ["absent", "absent"])
    follow_up = follow_up_list(user=user).get()
    contact = follow_up_contact(follow_up)
    assert (contact.name.split()[0], contact.phone) == ("Nadia", "0612345678")
    with pytest.raises(AttendanceError) as error:
        follow_up_close(follow_up=follow_up, outcome="forgotten", closed_by=user)
    assert error.value.field == "outcome"
    with pytest.raises(AttendanceError) as error:
        follow_up_close(follow_up=follow_up, outcome="reached", closed_by=MediatorFactory().user)
    assert error.value.status == 403
    follow_up_close(follow_up=follow_up, outcome="reached", note="Child was ill.", closed_by=user)
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome, follow_up.closed_by) == (
        FollowUpStatus.CLOSED,
        "reached",
        user,
    )
    with pytest.raises(AttendanceError) as error:
        follow_up_close(follow_up=follow_up, outcome="reached", closed_by=user)
    assert error.value.status == 409
    take(sessions[2:], user, people[0], ["absent"])
    assert FollowUp.objects.count() == 1
    take(sessions[3:], user, people[0], ["absent"])
    assert FollowUp.objects.filter(status="open").count() == 1


def test_follow_up_list_by_role(django_assert_max_num_queries):
    sessions, user, people = weekly_programme()
    for person in people:
        take(sessions, user, person, ["absent", "absent"])
    coordinator = user_with_role(Role.COORDINATOR)
    with django_assert_max_num_queries(4):
        rows = list(follow_up_list(user=coordinator))
        for row in rows:
            follow_up_contact(row)
            list(row.sessions.all())
    assert len(rows) == 2
    assert follow_up_list(user=user).count() == 2
    assert follow_up_list(user=MediatorFactory().user).count() == 0
    assert follow_up_list(user=user_with_role(Role.FAMILY)).count() == 0
