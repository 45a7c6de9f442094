import pytest

from enrolment.models import EnrolmentStatus
from programmes.models import EnrolmentMode
from sessions.hooks import seats_taken, sessions_in_use
from sessions.selectors import upcoming_sessions_for_programme
from tests.factories import EnrolmentFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_seats_taken_counts_whole_cycle_in_every_session_in_one_query(
    django_assert_num_queries,
):
    cycle = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=10)
    cycle_sessions = SessionFactory.create_batch(3, programme=cycle)
    EnrolmentFactory.create_batch(2, programme=cycle)
    EnrolmentFactory(programme=cycle, status=EnrolmentStatus.WAITLISTED, waitlist_position=1)
    workshop = SessionFactory()
    EnrolmentFactory.create_batch(3, programme=workshop.programme, session=workshop)
    EnrolmentFactory(
        programme=workshop.programme, session=workshop, status=EnrolmentStatus.CANCELLED
    )
    sessions = [*cycle_sessions, workshop, SessionFactory()]
    with django_assert_num_queries(1):
        taken = seats_taken(sessions)
    assert [taken[s.pk] for s in sessions] == [2, 2, 2, 3, 0]
    listed = upcoming_sessions_for_programme(programme=cycle)
    assert {s.places_left for s in listed} == {8}


def test_sessions_with_active_enrolments_are_in_use():
    used, cancelled_only, free = SessionFactory.create_batch(3)
    EnrolmentFactory(programme=used.programme, session=used)
    EnrolmentFactory(
        programme=cancelled_only.programme, session=cancelled_only, status=EnrolmentStatus.CANCELLED
    )
    assert sessions_in_use([used.pk, cancelled_only.pk, free.pk]) == {used.pk}
