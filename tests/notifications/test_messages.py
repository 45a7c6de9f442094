"""Messages sent at once: enrolment events, session changes, digests, follow-ups."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from accounts.roles import Role
from enrolment.services import enrolment_cancel, enrolment_create
from notifications.models import Message, MessageKind, MessageState
from notifications.services import digests_create, follow_up_notify
from sessions.services import session_cancel, session_move
from tests.factories import (
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)  # Monday 10:00 in Paris


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _session(**kwargs):
    start = datetime.datetime(2026, 11, 11, 13, 0, tzinfo=datetime.UTC)  # Wednesday 14:00
    return SessionFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2), **kwargs)


def test_confirmation_is_written_with_the_enrolment_and_sent_after_commit(
    family, sms_outbox, deliver_now
):
    guardian, child = family
    session = _session()
    with deliver_now():
        enrolment = enrolment_create(
            participant=child, programme=session.programme, session=session
        )
        message = Message.objects.get(kind=MessageKind.ENROLMENT_CONFIRMED)
        assert message.state == MessageState.PENDING and sms_outbox == []
    (sms,) = sms_outbox
    assert sms.to == "06 12 34 56 78" or sms.to.endswith("612345678")
    assert "Lina" in sms.body and session.programme.title in sms.body
    assert "mercredi 11 novembre" in sms.body and "14:00" in sms.body
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert (message.household_id, message.participant_id, message.enrolment_id) == (
        guardian.household_id,
        child.pk,
        enrolment.pk,
    )


def test_a_rolled_back_enrolment_leaves_no_message(family, sms_outbox, deliver_now):
    _guardian, child = family
    session = _session()
    with deliver_now(), transaction.atomic():
        enrolment_create(participant=child, programme=session.programme, session=session)
        transaction.set_rollback(True)
    assert not Message.objects.exists() and sms_outbox == []


def test_waitlist_cancellation_and_promotion_are_told(family, sms_outbox, deliver_now):
    _guardian, first = family
    session = _session(programme=ProgrammeFactory(capacity=1))
    other_guardian = GuardianFactory(language="en", preferred_channel="email")
    second = ParticipantFactory(household=other_guardian.household, first_name="Sami")
    with deliver_now():
        confirmed = enrolment_create(
            participant=first, programme=session.programme, session=session
        )
        waiting = enrolment_create(participant=second, programme=session.programme, session=session)
    (waitlisted_mail,) = mail.outbox
    assert waitlisted_mail.subject.startswith("On the waiting list")
    assert "number 1 on the waiting list" in waitlisted_mail.body
    with deliver_now():
        enrolment_cancel(enrolment=confirmed, cancelled_by=None)
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert {MessageKind.ENROLMENT_CANCELLED, MessageKind.ENROLMENT_PROMOTED} <= kinds
    promoted = mail.outbox[-1]
    assert promoted.subject.startswith("A place is free") and "Sami" in promoted.body
    assert Message.objects.get(kind=MessageKind.ENROLMENT_PROMOTED).enrolment_id == waiting.pk
    # The first family reads French, the second English: each is told in its own language.
    assert any("annulée pour" in sms.body for sms in sms_outbox)


def test_opted_out_guardians_get_nothing_and_staff_see_why(family, sms_outbox, deliver_now):
    guardian, child = family
    guardian.opt_out_sms = guardian.opt_out_email = True
    guardian.save()
    session = _session()
    with deliver_now():
        enrolment_create(participant=child, programme=session.programme, session=session)
    message = Message.objects.get()
    assert message.state == MessageState.CANCELLED and "opted out" in message.cancel_reason
    assert sms_outbox == [] and mail.outbox == []


def test_an_sms_opt_out_falls_back_to_email(family, sms_outbox, deliver_now):
    guardian, child = family
    guardian.opt_out_sms = True
    guardian.save()
    session = _session()
    with deliver_now():
        enrolment_create(participant=child, programme=session.programme, session=session)
    assert sms_outbox == [] and mail.outbox[0].to == ["nadia@example.org"]


def test_a_cancelled_session_tells_each_family_once_and_cancels_pending_reminders(
    family, sms_outbox, deliver_now
):
    guardian, lina = family
    sami = ParticipantFactory(household=guardian.household, first_name="Sami")
    session = _session()
    with deliver_now():
        for child in (lina, sami):
            enrolment_create(participant=child, programme=session.programme, session=session)
    pending = Message.objects.create(
        key="reminder:x",
        kind=MessageKind.REMINDER,
        channel="sms",
        address="+33612345678",
        language="fr",
        session=session,
        due_at=NOW + datetime.timedelta(days=7),
    )
    sms_outbox.clear()
    with deliver_now():
        session_cancel(session=session, reason="La salle est fermée.")
    (sms,) = sms_outbox
    assert "Annulé" in sms.body or "Cancelled" in sms.body
    assert "La salle est fermée." in sms.body
    message = Message.objects.get(kind=MessageKind.SESSION_CANCELLED)
    assert sorted(message.context["participants"]) == ["Lina", "Sami"]
    pending.refresh_from_db()
    assert pending.state == MessageState.CANCELLED


def test_a_moved_session_tells_the_new_time_and_place(family, sms_outbox, deliver_now):
    _guardian, child = family
    session = _session()
    with deliver_now():
        enrolment_create(participant=child, programme=session.programme, session=session)
    sms_outbox.clear()
    new_start = datetime.datetime(2026, 11, 12, 16, 30, tzinfo=datetime.UTC)  # Thu 17:30
    with deliver_now():
        session_move(
            reason_code="venue_unavailable",
            session=session,
            starts_at=new_start,
            ends_at=new_start + datetime.timedelta(hours=1),
        )
    (sms,) = sms_outbox
    assert "jeudi 12 novembre" in sms.body and "17:30" in sms.body
    assert session.venue.address in sms.body


def test_daily_digest_goes_to_facilitators_and_coordinators_with_headcounts(
    family, deliver_now, django_assert_max_num_queries
):
    _guardian, child = family
    mediator = MediatorFactory()
    session = _session()
    session.facilitators.add(mediator)
    other = _session()
    coordinator = user_with_role(Role.COORDINATOR)
    with deliver_now():
        enrolment_create(participant=child, programme=session.programme, session=session)
    mail.outbox.clear()
    with deliver_now(), django_assert_max_num_queries(12):
        assert digests_create(day=datetime.date(2026, 11, 11)) == 2
    by_recipient = {email.to[0]: email for email in mail.outbox}
    mediator_mail = by_recipient[mediator.user.email]
    assert "1 enrolled for 10 places" in mediator_mail.body
    assert other.programme.title not in mediator_mail.body
    assert other.programme.title in by_recipient[coordinator.email].body
    with deliver_now():
        assert digests_create(day=datetime.date(2026, 11, 11)) == 0  # already written


def test_follow_up_tells_the_mediator(deliver_now):
    mediator = MediatorFactory()
    programme = ProgrammeFactory(title="Remobilisation")
    with deliver_now():
        follow_up_notify(
            key="follow-up:1:opened",
            mediator_user=mediator.user,
            participant_name="Yanis",
            programme=programme,
            absences=2,
            session_dates=[NOW],
            guardian="Nadia Durand",
            guardian_phone="0612345678",
        )
    (email,) = mail.outbox
    assert email.to == [mediator.user.email] and "Yanis" in email.subject
    assert "0612345678" in email.body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", "Le lieu n’est pas disponible. Travaux dans la salle"),
        ("en", "The venue is not available. Travaux dans la salle"),
    ],
)
def test_the_reason_of_a_move_is_told_in_the_family_language(
    family, sms_outbox, deliver_now, language, words
):
    guardian, child = family
    type(guardian).objects.filter(pk=guardian.pk).update(language=language)
    session = _session()
    with deliver_now():
        enrolment_create(participant=child, programme=session.programme, session=session)
    sms_outbox.clear()
    new_start = datetime.datetime(2026, 11, 12, 16, 30, tzinfo=datetime.UTC)
    with deliver_now():
        session_move(
            reason_code="venue_unavailable",
            reason="Travaux dans la salle",
            session=session,
            starts_at=new_start,
            ends_at=new_start + datetime.timedelta(hours=1),
        )
    (sms,) = sms_outbox
    assert words in sms.body
