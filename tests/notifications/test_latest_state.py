"""Messages about a session still unsent when it changes again are replaced by one giving its
latest state: a family on SMS, told at night, gets one message in the morning, not four."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from enrolment.services import enrolment_create
from notifications import delivery
from notifications.models import Message, MessageKind, MessageState
from sessions.services import session_cancel, session_move
from tests.factories import GuardianFactory, ParticipantFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


START = paris(2026, 12, 9, 10, 0)


@pytest.fixture
def night(celery_eager, django_capture_on_commit_callbacks, sms_outbox):
    """Acts at night, one every ten minutes from 23:00, each delivered at once (so held)."""
    moments = iter(paris(2026, 12, 8, 23, 0) + datetime.timedelta(minutes=10 * i)
                   for i in range(20))

    def act(action):
        with time_machine.travel(next(moments), tick=False), \
                django_capture_on_commit_callbacks(execute=True):
            return action()

    return act


def morning(sms_outbox) -> list[str]:
    with time_machine.travel(paris(2026, 12, 9, 8, 0), tick=False):
        for pk in Message.objects.filter(state=MessageState.PENDING, due_at__lte=paris(
                2026, 12, 9, 8, 0)).values_list("pk", flat=True):
            delivery.message_deliver(message_id=pk)
    return [sms.body for sms in sms_outbox]


@pytest.fixture
def session():
    programme = ProgrammeFactory(reminder_offsets=["3d"])
    return SessionFactory(programme=programme, starts_at=START,
                          ends_at=START + datetime.timedelta(hours=2))


def _enrol(session):
    guardian = GuardianFactory(phone="06 12 34 56 78", preferred_channel="sms")
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    return enrolment_create(participant=child, programme=session.programme, session=session)


def _move(session, hour):
    return lambda: session_move(session=session, starts_at=paris(2026, 12, 9, hour),
                                ends_at=paris(2026, 12, 9, hour + 2))


def test_confirmed_moved_twice_and_cancelled_at_night_gives_one_sms(night, session, sms_outbox):
    night(lambda: _enrol(session))
    night(_move(session, 14))
    night(_move(session, 16))
    night(lambda: session_cancel(session=session, reason="Intervenant malade"))
    assert sms_outbox == [], "nothing goes during the quiet hours"
    (sms,) = morning(sms_outbox)
    assert "annul" in sms.lower() or "cancel" in sms.lower()
    rows = {(m.kind, m.state): m for m in Message.objects.exclude(kind=MessageKind.REMINDER)}
    assert set(rows) == {(MessageKind.ENROLMENT_CONFIRMED, MessageState.CANCELLED),
                         (MessageKind.SESSION_CANCELLED, MessageState.SENT)}, (
        "the moves updated the unsent confirmation; the cancellation replaced it")
    replaced = rows[(MessageKind.ENROLMENT_CONFIRMED, MessageState.CANCELLED)]
    assert "latest state" in replaced.cancel_reason


def test_confirmed_then_moved_twice_gives_the_confirmation_at_the_last_time(night, session,
                                                                            sms_outbox):
    night(lambda: _enrol(session))
    night(_move(session, 14))
    night(_move(session, 16))
    (sms,) = morning(sms_outbox)
    assert "16:00" in sms and "14:00" not in sms and "10:00" not in sms
    sent = Message.objects.get(state=MessageState.SENT)
    assert sent.kind == MessageKind.ENROLMENT_CONFIRMED


def test_moved_twice_after_a_sent_confirmation_gives_one_move_from_the_time_they_knew(
        night, session, sms_outbox, celery_eager, django_capture_on_commit_callbacks):
    with time_machine.travel(paris(2026, 12, 8, 12, 0), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        _enrol(session)
    assert len(sms_outbox) == 1 and "10:00" in sms_outbox[0].body
    night(_move(session, 14))
    night(_move(session, 16))
    bodies = morning(sms_outbox)
    assert len(bodies) == 2, bodies
    assert "16:00" in bodies[1] and "14:00" not in bodies[1]
    move = Message.objects.get(kind=MessageKind.SESSION_MOVED, state=MessageState.SENT)
    assert datetime.datetime.fromisoformat(move.context["previous_starts_at"]) == START


def test_a_message_already_taken_by_a_worker_is_not_replaced(night, session, sms_outbox):
    night(lambda: _enrol(session))
    Message.objects.filter(kind=MessageKind.ENROLMENT_CONFIRMED).update(
        state=MessageState.SENDING, claimed_by="a-worker")
    night(_move(session, 14))
    confirmation = Message.objects.get(kind=MessageKind.ENROLMENT_CONFIRMED)
    assert confirmation.state == MessageState.SENDING
    assert "T09:00:00" in confirmation.context["starts_at"], "left as it was being sent"
    assert Message.objects.filter(kind=MessageKind.SESSION_MOVED,
                                  state=MessageState.PENDING).count() == 1
