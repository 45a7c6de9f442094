import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.roles import Role
from enrolment import signals
from enrolment.errors import EnrolmentError
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from enrolment.services import (
    enrolment_cancel,
    enrolment_create,
    referral_accept,
    referral_create,
)
from programmes.models import Audience, EnrolmentMode, ProgrammeStatus
from sessions.models import SessionStatus
from tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    """Assertions read the English messages; pages answer in the browser's language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def whole_cycle(capacity: int = 2, **kwargs):
    programme = ProgrammeFactory(
        enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=capacity, **kwargs
    )
    SessionFactory(programme=programme)
    return programme


def enrol(participant, programme, session=None, **kwargs) -> Enrolment:
    return enrolment_create(participant=participant, programme=programme, session=session, **kwargs)


@pytest.fixture
def captured():
    """Signals received, with whether they came inside the transaction."""
    received = []

    def receiver(signal, sender, enrolment, changed_by, **kwargs):
        received.append((signal, enrolment.pk, enrolment.status, connection.in_atomic_block))

    all_signals = [
        signals.enrolment_confirmed,
        signals.enrolment_waitlisted,
        signals.enrolment_promoted,
        signals.enrolment_cancelled,
        signals.referral_proposed,
    ]
    for signal in all_signals:
        signal.connect(receiver, weak=False)
    yield received
    for signal in all_signals:
        signal.disconnect(receiver)


def test_confirms_while_places_are_free_then_waitlists_in_order(captured):
    programme = whole_cycle(capacity=2)
    results = [enrol(ParticipantFactory(), programme) for _ in range(4)]
    assert [e.status for e in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [e.waitlist_position for e in results] == [None, None, 1, 2]
    assert [signal for signal, *_rest in captured] == [
        signals.enrolment_confirmed,
        signals.enrolment_confirmed,
        signals.enrolment_waitlisted,
        signals.enrolment_waitlisted,
    ]


def test_full_without_waitlist_is_refused_with_409():
    programme = whole_cycle(capacity=1, waitlist_enabled=False)
    enrol(ParticipantFactory(), programme)
    with pytest.raises(EnrolmentError) as error:
        enrol(ParticipantFactory(), programme)
    assert error.value.status == 409
    assert error.value.field == "programme"
    assert "full" in error.value.message
    assert Enrolment.objects.count() == 1


def test_per_session_capacity_is_the_sessions_own():
    programme = ProgrammeFactory(capacity=5, waitlist_enabled=False)
    small = SessionFactory(programme=programme, capacity_override=1)
    other = SessionFactory(
        programme=programme,
        starts_at=small.starts_at + datetime.timedelta(days=1),
        ends_at=small.ends_at + datetime.timedelta(days=1),
    )
    enrol(ParticipantFactory(), programme, small)
    with pytest.raises(EnrolmentError) as error:
        enrol(ParticipantFactory(), programme, small)
    assert error.value.field == "session"
    assert enrol(ParticipantFactory(), programme, other).status == EnrolmentStatus.CONFIRMED


def test_cannot_enrol_twice_in_a_programme_or_a_session():
    participant = ParticipantFactory()
    programme = whole_cycle()
    enrol(participant, programme)
    with pytest.raises(EnrolmentError) as error:
        enrol(participant, programme)
    assert error.value.status == 409 and "already enrolled" in error.value.message

    per_session = ProgrammeFactory()
    session = SessionFactory(
        programme=per_session,
        starts_at=timezone.now() + datetime.timedelta(days=30),
        ends_at=timezone.now() + datetime.timedelta(days=30, hours=2),
    )
    enrol(participant, per_session, session)
    with pytest.raises(EnrolmentError, match="already enrolled in this session"):
        enrol(participant, per_session, session)


def test_can_enrol_again_after_cancelling():
    participant = ParticipantFactory()
    programme = whole_cycle()
    first = enrol(participant, programme)
    enrolment_cancel(enrolment=first, cancelled_by=user_with_role(Role.MEDIATOR))
    assert enrol(participant, programme).status == EnrolmentStatus.CONFIRMED


def test_overlapping_sessions_are_refused_with_the_clash_named():
    participant = ParticipantFactory()
    first = SessionFactory(programme__title="Atelier théâtre")
    clashing = SessionFactory(
        starts_at=first.starts_at + datetime.timedelta(hours=1),
        ends_at=first.ends_at + datetime.timedelta(hours=1),
    )
    back_to_back = SessionFactory(
        starts_at=first.ends_at, ends_at=first.ends_at + datetime.timedelta(hours=1)
    )
    enrol(participant, first.programme, first)
    with pytest.raises(EnrolmentError) as error:
        enrol(participant, clashing.programme, clashing)
    assert "Atelier théâtre" in error.value.message
    assert enrol(participant, back_to_back.programme, back_to_back).is_active


def test_overlap_with_a_whole_cycle_programmes_sessions():
    participant = ParticipantFactory()
    cycle = whole_cycle()
    cycle_session = cycle.sessions.get()
    enrol(participant, cycle)
    workshop = SessionFactory(starts_at=cycle_session.starts_at, ends_at=cycle_session.ends_at)
    with pytest.raises(EnrolmentError, match="same time"):
        enrol(participant, workshop.programme, workshop)
    # A cancelled session does not clash.
    cancelled = SessionFactory(
        programme=cycle,
        status=SessionStatus.CANCELLED,
        starts_at=cycle_session.starts_at + datetime.timedelta(days=1),
        ends_at=cycle_session.ends_at + datetime.timedelta(days=1),
    )
    free = SessionFactory(starts_at=cancelled.starts_at, ends_at=cancelled.ends_at)
    assert enrol(participant, free.programme, free).is_active


@pytest.mark.parametrize(
    ("programme_kwargs", "session_kwargs", "field", "fragment"),
    [
        ({"status": ProgrammeStatus.DRAFT}, {}, "programme", "not open"),
        ({}, {"status": SessionStatus.CANCELLED}, "session", "cancelled"),
        (
            {},
            {"starts_at": timezone.now() - datetime.timedelta(hours=1)},
            "session",
            "already started",
        ),
    ],
)
def test_target_must_be_open(programme_kwargs, session_kwargs, field, fragment):
    programme = ProgrammeFactory(**programme_kwargs)
    session = SessionFactory(programme=programme, **session_kwargs)
    with pytest.raises(EnrolmentError) as error:
        enrol(ParticipantFactory(), programme, session)
    assert error.value.field == field and fragment in error.value.message


def test_session_must_match_the_programmes_mode():
    per_session = ProgrammeFactory()
    with pytest.raises(EnrolmentError, match="Choose a session"):
        enrol(ParticipantFactory(), per_session)
    cycle = whole_cycle()
    with pytest.raises(EnrolmentError, match="whole cycle"):
        enrol(ParticipantFactory(), cycle, cycle.sessions.get())
    with pytest.raises(EnrolmentError, match="another programme"):
        enrol(ParticipantFactory(), per_session, SessionFactory())


def test_cancelling_a_place_promotes_the_first_waitlisted_in_order(captured):
    programme = whole_cycle(capacity=1)
    first, second, third = (enrol(ParticipantFactory(), programme) for _ in range(3))
    mediator = user_with_role(Role.MEDIATOR)
    captured.clear()
    enrolment_cancel(enrolment=first, cancelled_by=mediator)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == EnrolmentStatus.CONFIRMED and second.promoted_at is not None
    assert (third.status, third.waitlist_position) == (EnrolmentStatus.WAITLISTED, 1)
    assert [(signal, pk) for signal, pk, *_rest in captured] == [
        (signals.enrolment_cancelled, first.pk),
        (signals.enrolment_promoted, second.pk),
    ]
    assert all(in_atomic for *_rest, in_atomic in captured)


def test_leaving_the_waitlist_moves_those_behind_forward():
    programme = whole_cycle(capacity=1)
    enrol(ParticipantFactory(), programme)
    waiting = [enrol(ParticipantFactory(), programme) for _ in range(4)]
    enrolment_cancel(enrolment=waiting[1], cancelled_by=None)
    positions = [Enrolment.objects.get(pk=e.pk).waitlist_position for e in waiting]
    assert positions == [1, None, 2, 3]


def test_a_new_request_does_not_jump_the_queue_when_capacity_grows():
    programme = whole_cycle(capacity=1)
    enrol(ParticipantFactory(), programme)
    waiting = enrol(ParticipantFactory(), programme)
    programme.capacity = 2
    programme.save()
    newcomer = enrol(ParticipantFactory(), programme)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED
    assert (newcomer.status, newcomer.waitlist_position) == (EnrolmentStatus.WAITLISTED, 1)


def test_family_cancels_until_the_deadline_mediator_at_any_time(time_machine):
    programme = ProgrammeFactory(cancellation_deadline_hours=24)
    start = timezone.now() + datetime.timedelta(days=3)
    session = SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    family = user_with_role(Role.FAMILY)
    early, late = (enrol(ParticipantFactory(), programme, session) for _ in range(2))
    time_machine.move_to(start - datetime.timedelta(hours=25))
    assert enrolment_cancel(enrolment=early, cancelled_by=family).status == "cancelled"
    time_machine.move_to(start - datetime.timedelta(hours=23))
    with pytest.raises(EnrolmentError) as error:
        enrolment_cancel(enrolment=late, cancelled_by=family)
    assert error.value.status == 409 and "Call the mediation service" in error.value.message
    assert Enrolment.objects.get(pk=late.pk).status == EnrolmentStatus.CONFIRMED
    mediator = user_with_role(Role.MEDIATOR)
    assert enrolment_cancel(enrolment=late, cancelled_by=mediator).cancelled_by == mediator


def test_family_may_leave_a_waitlist_after_the_deadline(time_machine):
    programme = whole_cycle(capacity=1, cancellation_deadline_hours=24)
    enrol(ParticipantFactory(), programme)
    waiting = enrol(ParticipantFactory(), programme)
    time_machine.move_to(programme.sessions.get().starts_at - datetime.timedelta(hours=1))
    assert (
        enrolment_cancel(enrolment=waiting, cancelled_by=user_with_role(Role.FAMILY)).status
        == EnrolmentStatus.CANCELLED
    )


def test_cancelling_twice_is_a_conflict():
    enrolment = enrol(ParticipantFactory(), whole_cycle())
    enrolment_cancel(enrolment=enrolment, cancelled_by=None)
    with pytest.raises(EnrolmentError) as error:
        enrolment_cancel(enrolment=enrolment, cancelled_by=None)
    assert error.value.status == 409


def test_referral_is_proposed_then_accepted_into_a_place(captured):
    programme = whole_cycle(capacity=1)
    partner = PartnerFactory()
    referral = referral_create(
        participant=ParticipantFactory(), programme=programme, partner=partner
    )
    assert (referral.status, referral.source) == (
        EnrolmentStatus.PROPOSED,
        EnrolmentSource.PARTNER_REFERRAL,
    )
    # A proposal takes no place.
    assert enrol(ParticipantFactory(), programme).status == EnrolmentStatus.CONFIRMED
    accepted = referral_accept(enrolment=referral, accepted_by=user_with_role(Role.MEDIATOR))
    assert (accepted.status, accepted.waitlist_position) == (EnrolmentStatus.WAITLISTED, 1)
    assert captured[0][0] is signals.referral_proposed
    with pytest.raises(EnrolmentError, match="already answered"):
        referral_accept(enrolment=referral, accepted_by=None)


def test_a_pending_referral_blocks_a_second_enrolment():
    participant = ParticipantFactory()
    programme = whole_cycle()
    referral_create(participant=participant, programme=programme, partner=PartnerFactory())
    with pytest.raises(EnrolmentError, match="waiting for acceptance"):
        enrol(participant, programme)


def test_household_activity_is_touched(time_machine):
    participant = ParticipantFactory()
    later = timezone.now() + datetime.timedelta(days=1)
    time_machine.move_to(later)
    enrol(participant, whole_cycle())
    participant.household.refresh_from_db()
    assert participant.household.last_activity_at >= later


@pytest.mark.parametrize(
    "row",
    [
        # The same participant twice in one programme.
        {"status": EnrolmentStatus.CONFIRMED},
        # Waitlisted without a position.
        {"status": EnrolmentStatus.WAITLISTED, "waitlist_position": None, "participant": None},
        # A position on a confirmed enrolment.
        {"status": EnrolmentStatus.CONFIRMED, "waitlist_position": 3, "participant": None},
    ],
)
def test_database_constraints_hold_when_services_are_bypassed(row):
    existing = EnrolmentFactory(programme__enrolment_mode=EnrolmentMode.WHOLE_CYCLE)
    fields = {"programme": existing.programme, "participant": existing.participant} | row
    if fields["participant"] is None:
        fields["participant"] = ParticipantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(**fields)


def test_two_waitlisted_cannot_share_a_position():
    programme = whole_cycle()
    EnrolmentFactory(programme=programme, status=EnrolmentStatus.WAITLISTED, waitlist_position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(
            programme=programme, status=EnrolmentStatus.WAITLISTED, waitlist_position=1
        )


def test_audience_parameter_sanity():
    # Guards the default factories the other tests rely on.
    assert ProgrammeFactory.audience == Audience.CHILDREN
