"""Export and erasure of a household's data; retention; health-note purge."""

import datetime
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.services import enrolment_create
from households.models import EmergencyContact, Guardian, HealthNote, Participant
from notifications.models import Message, MessageState
from privacy.models import Erasure, ErasureReason, RetentionWarning
from privacy.services import (
    PrivacyError,
    health_notes_purge,
    household_erase,
    household_export,
    retention_anonymise,
    retention_warn,
)
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    GuardianFactory,
    HealthNoteFactory,
    HouseholdFactory,
    MessageFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def _family(*, with_account: bool = True):
    household = HouseholdFactory(neighbourhood="Les Martinets", in_qpv=True)
    account = user_with_role(Role.FAMILY, username="famille.test") if with_account else None
    guardian = GuardianFactory(
        household=household,
        first_name="Nadia",
        last_name="Durand",
        phone="0612345678",
        email="nadia@example.org",
        user=account,
    )
    child = ParticipantFactory(
        household=household,
        first_name="Lina",
        last_name="Durand",
        birth_date=datetime.date(2016, 5, 17),
        school="École Pasteur",
        school_class="CM1",
    )
    HealthNoteFactory(participant=child, text="Asthme")
    EmergencyContact.objects.create(household=household, name="Mamie Durand", phone="0600000000")
    ConsentFactory(household=household, given_by=guardian)
    MessageFactory(
        address=guardian.phone,
        recipient_name="Nadia Durand",
        state=MessageState.SENT,
        sent_at=timezone.now(),
        body="Rappel: Lina…",
    )
    MessageFactory(
        address=guardian.email, channel="email", recipient_name="Nadia Durand", body="À venir"
    )
    return household, guardian, child


def test_export_holds_everything_stored_about_the_household():
    household, guardian, child = _family()
    enrolment = EnrolmentFactory(participant=child, note="vient avec sa tante")
    other_family_message = MessageFactory(address="0799999999")
    coordinator = user_with_role(Role.COORDINATOR)

    data = household_export(household=household, exported_by=coordinator)

    json.dumps(data)  # plain data, ready for a JSON download
    assert data["household"]["reference"] == household.reference
    assert data["guardians"][0]["last_name"] == "Durand"
    assert data["guardians"][0]["account"] == "famille.test"
    assert data["participants"][0]["school"] == "École Pasteur"
    assert data["participants"][0]["health_notes"][0]["text"] == "Asthme"
    assert data["enrolments"][0]["id"] == enrolment.pk
    assert data["enrolments"][0]["note"] == "vient avec sa tante"
    assert data["emergency_contacts"][0]["name"] == "Mamie Durand"
    assert data["consents"][0]["given_by"] == "Nadia Durand"
    assert {m["address"] for m in data["messages"]} == {"0612345678", "nadia@example.org"}
    assert other_family_message.pk not in {m["id"] for m in data["messages"]}
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type, event.object_id) == (
        coordinator,
        "households.household",
        str(household.pk),
    )


def test_export_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    household, _guardian, child = _family()
    for _ in range(10):
        extra = ParticipantFactory(household=household)
        HealthNoteFactory(participant=extra)
        EnrolmentFactory(participant=extra, session=SessionFactory())
        GuardianFactory(household=household, is_primary=False)
    coordinator = UserFactory()
    # The household, its erasure, then a fixed number per section that an app registered
    # (enrolments and PAI documents are sections of their own since the households app).
    with django_assert_max_num_queries(19):
        household_export(household=household, exported_by=coordinator)


def test_erasure_removes_personal_data_and_keeps_the_counts():
    household, guardian, child = _family()
    past = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=30, hours=-2),
    )
    enrolment = EnrolmentFactory(
        participant=child, programme=past.programme, session=past, note="vient avec sa tante"
    )
    account = guardian.user
    coordinator = user_with_role(Role.COORDINATOR)

    erasure = household_erase(household=household, erased_by=coordinator)

    assert erasure.reason == ErasureReason.REQUEST
    assert not Guardian.objects.filter(household=household).exists()
    assert not EmergencyContact.objects.filter(household=household).exists()
    assert not HealthNote.objects.filter(participant__household=household).exists()
    child.refresh_from_db()
    assert child.first_name == "***" and child.last_name == ""
    assert child.school == "" and child.school_class == ""
    # Age bands stay true: only the day of birth goes.
    assert child.birth_date == datetime.date(2016, 5, 1)
    # What reports count stays: the participant, its enrolment, the household's QPV flag.
    assert Participant.objects.filter(household=household).count() == 1
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED and enrolment.note == ""
    household.refresh_from_db()
    assert household.in_qpv and household.neighbourhood == "Les Martinets"
    # The family's account can no longer log in and no longer names anyone.
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password()
    assert account.username == f"erased-{account.pk}" and account.email == ""
    # Messages keep no address or text; the one still pending is not sent.
    messages = Message.objects.order_by("pk")
    assert {m.address for m in messages} == {""}
    assert {m.body for m in messages} == {""}
    assert [m.state for m in messages] == [MessageState.SENT, MessageState.CANCELLED]
    dump = json.dumps(list(Participant.objects.values()), default=str) + json.dumps(
        list(Message.objects.values()), default=str
    )
    for personal in ("Nadia", "Durand", "Lina", "0612345678", "nadia@example.org", "Asthme"):
        assert personal not in dump
    event = AuditEvent.objects.get(action=AuditAction.ERASE)
    assert event.actor == coordinator and event.object_id == str(household.pk)


def test_erasure_frees_running_places_for_the_waiting_list():
    session = SessionFactory(programme=ProgrammeFactory(capacity=1))
    household, _guardian, child = _family(with_account=False)
    enrolment_create(
        participant=child,
        programme=session.programme,
        session=session,
        created_by=None,
        source="mediator",
    )
    waiting_child = ParticipantFactory()
    waiting = enrolment_create(
        participant=waiting_child,
        programme=session.programme,
        session=session,
        created_by=None,
        source="mediator",
    )
    assert waiting.status == EnrolmentStatus.WAITLISTED

    household_erase(household=household, erased_by=UserFactory())

    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED
    assert Enrolment.objects.get(participant=child).status == EnrolmentStatus.CANCELLED


def test_erasure_happens_once():
    household, _guardian, _child = _family(with_account=False)
    household_erase(household=household, erased_by=None)
    with pytest.raises(PrivacyError):
        household_erase(household=household, erased_by=None)
    assert Erasure.objects.count() == 1


def _inactive_household(last: datetime.datetime):
    household, guardian, child = _family(with_account=False)
    session = SessionFactory(starts_at=last - datetime.timedelta(hours=2), ends_at=last)
    EnrolmentFactory(participant=child, programme=session.programme, session=session)
    type(household).objects.filter(pk=household.pk).update(last_activity_at=last)
    return household


def test_retention_warns_a_month_before_then_anonymises(
    settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_RETENTION_DAYS = 3 * 365
    coordinator = user_with_role(Role.COORDINATOR, email="coordination@example.org")
    last_session = datetime.datetime(2023, 3, 1, 16, tzinfo=PARIS)
    household = _inactive_household(last_session)
    recent = _inactive_household(datetime.datetime(2025, 6, 1, 16, tzinfo=PARIS))
    due = last_session + datetime.timedelta(days=3 * 365)

    # Two months before: nothing yet.
    with time_machine.travel(due - datetime.timedelta(days=60), tick=False):
        assert retention_warn() == 0
    # A month before: coordinators are told, once, by reference only.
    with (
        time_machine.travel(due - datetime.timedelta(days=29), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert retention_warn() == 1
        assert retention_warn() == 0
        assert retention_anonymise() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [coordinator.email]
    assert household.reference in mail.outbox[0].body
    assert "Durand" not in mail.outbox[0].body
    assert RetentionWarning.objects.get().household == household
    # Due, and warned more than a month ago: anonymised.
    with time_machine.travel(due + datetime.timedelta(days=2), tick=False):
        assert retention_anonymise() == 1
    assert Erasure.objects.get().household == household
    assert Erasure.objects.get().reason == ErasureReason.RETENTION
    assert not Erasure.objects.filter(household=recent).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.ANONYMISE, object_id=str(household.pk)
    ).exists()


def test_retention_needs_a_warning_a_month_ahead(settings):
    """A household found already overdue (e.g. data imported) still gets its month."""
    household = _inactive_household(datetime.datetime(2020, 1, 10, 16, tzinfo=PARIS))
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=PARIS), tick=False):
        assert retention_anonymise() == 0
        assert retention_warn() == 1
        assert retention_anonymise() == 0
    with time_machine.travel(datetime.datetime(2026, 4, 1, 12, tzinfo=PARIS), tick=False):
        assert retention_anonymise() == 1
    assert Erasure.objects.get().household == household


def test_activity_after_the_warning_cancels_it():
    household = _inactive_household(datetime.datetime(2020, 1, 10, 16, tzinfo=PARIS))
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=PARIS), tick=False):
        retention_warn()
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=PARIS), tick=False):
        # The family enrols again.
        type(household).objects.filter(pk=household.pk).update(last_activity_at=timezone.now())
    with time_machine.travel(datetime.datetime(2026, 4, 15, 12, tzinfo=PARIS), tick=False):
        assert retention_anonymise() == 0
    assert not Erasure.objects.exists()


def test_a_future_session_keeps_a_household(settings):
    household = _inactive_household(datetime.datetime(2020, 1, 10, 16, tzinfo=PARIS))
    child = Participant.objects.get(household=household)
    # Enrolled in a whole-cycle programme whose last session lies ahead.
    programme = ProgrammeFactory()
    SessionFactory(
        programme=programme,
        starts_at=datetime.datetime(2026, 6, 1, 14, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 6, 1, 16, tzinfo=PARIS),
    )
    EnrolmentFactory(participant=child, programme=programme)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=PARIS), tick=False):
        assert retention_warn() == 0


def test_health_notes_go_when_their_programme_ends_unless_renewed():
    now = datetime.datetime(2026, 7, 10, 12, tzinfo=PARIS)
    old = now - datetime.timedelta(days=200)
    ended = ProgrammeFactory()
    SessionFactory(
        programme=ended,
        starts_at=now - datetime.timedelta(days=20),
        ends_at=now - datetime.timedelta(days=20, hours=-2),
    )
    running = ProgrammeFactory()
    SessionFactory(
        programme=running,
        starts_at=now + datetime.timedelta(days=20),
        ends_at=now + datetime.timedelta(days=20, hours=2),
    )
    done = EnrolmentFactory(programme=ended).participant
    going_on = EnrolmentFactory(programme=running).participant
    gone = HealthNoteFactory(participant=done, created_at=old)
    kept_running = HealthNoteFactory(participant=going_on, created_at=old)
    renewed = HealthNoteFactory(
        participant=done, created_at=old, expires_on=datetime.date(2026, 12, 31)
    )
    expired = HealthNoteFactory(
        participant=going_on, created_at=old, expires_on=datetime.date(2026, 7, 1)
    )
    fresh = HealthNoteFactory(participant=ParticipantFactory(), created_at=now)

    with time_machine.travel(now, tick=False):
        assert health_notes_purge() == 2

    remaining = set(HealthNote.objects.values_list("pk", flat=True))
    assert remaining == {kept_running.pk, renewed.pk, fresh.pk}
    assert gone.pk not in remaining and expired.pk not in remaining
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.DELETE, object_type="households.healthnote"
        ).count()
        == 2
    )


def test_erased_accounts_cannot_log_in(client):
    household, guardian, _child = _family()
    household_erase(household=household, erased_by=None)
    assert not client.login(username="famille.test", password="correct-horse-battery")
    assert not get_user_model().objects.filter(username="famille.test").exists()
