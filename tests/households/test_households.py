import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment
from households.errors import HouseholdError
from households.models import Channel, Consent, ConsentKind, Guardian, HealthNote, Language
from households.selectors import enrolment_contact, with_contacts
from households.services import (
    consent_give,
    consent_withdraw,
    guardian_create,
    guardian_link_account,
    guardian_make_primary,
    health_note_create,
    household_register,
    participant_create,
    participant_enrol_guardian,
)
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    """Assertions read the English messages; pages answer in the browser's language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_a_mediator_registers_a_household_without_an_account():
    mediator = user_with_role(Role.MEDIATOR)
    household = household_register(
        created_by=mediator,
        first_name=" Awa ",
        last_name="Traoré",
        phone="06 12 34 56 78",
        neighbourhood="Les Martinets",
        in_qpv=True,
    )
    guardian = household.guardians.get()
    assert (guardian.first_name, guardian.is_primary, guardian.user) == ("Awa", True, None)
    assert household.created_by == mediator and household.reference.startswith("F-")


def test_a_family_registers_itself_once():
    family = user_with_role(Role.FAMILY)
    household_register(
        created_by=family,
        first_name="Nadia",
        last_name="Durand",
        email="n@example.org",
        preferred_channel=Channel.EMAIL,
        link_account=True,
    )
    assert Guardian.objects.get(user=family).is_primary
    with pytest.raises(HouseholdError) as error:
        household_register(
            created_by=family,
            first_name="Nadia",
            last_name="Durand",
            email="n@example.org",
            preferred_channel=Channel.EMAIL,
            link_account=True,
        )
    assert error.value.status == 409


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "", "email": "a@example.org", "preferred_channel": Channel.SMS}, "phone"),
        ({"phone": "0600000000", "email": "", "preferred_channel": Channel.EMAIL}, "email"),
        ({"first_name": " "}, "first_name"),
    ],
)
def test_guardian_needs_a_way_to_be_reached(kwargs, field):
    fields = {
        "household": HouseholdFactory(),
        "first_name": "Awa",
        "last_name": "Traoré",
        "phone": "0600000000",
    } | kwargs
    with pytest.raises(HouseholdError) as error:
        guardian_create(**fields)
    assert error.value.field == field


def test_one_primary_guardian_per_household():
    household = HouseholdFactory()
    first = guardian_create(household=household, first_name="A", last_name="B", phone="0611111111")
    second = guardian_create(household=household, first_name="C", last_name="D", phone="0733333333")
    assert (first.is_primary, second.is_primary) == (True, False)
    guardian_make_primary(guardian=second)
    first.refresh_from_db()
    assert not first.is_primary
    with pytest.raises(IntegrityError), transaction.atomic():
        GuardianFactory(household=household, is_primary=True)


def test_linking_an_account_to_an_invited_guardian():
    guardian = GuardianFactory()
    user = UserFactory()
    guardian_link_account(guardian=guardian, user=user)
    with pytest.raises(HouseholdError):
        guardian_link_account(guardian=GuardianFactory(), user=user)


def test_participant_birth_date_is_checked(time_machine):
    time_machine.move_to(datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC))
    household = HouseholdFactory()
    with pytest.raises(HouseholdError) as error:
        participant_create(
            household=household, first_name="A", last_name="B", birth_date=datetime.date(2026, 9, 2)
        )
    assert error.value.field == "birth_date"
    with pytest.raises(HouseholdError, match="year looks wrong"):
        participant_create(
            household=household, first_name="A", last_name="B", birth_date=datetime.date(1890, 1, 1)
        )
    with pytest.raises(HouseholdError, match="another household"):
        participant_create(
            household=household,
            first_name="A",
            last_name="B",
            birth_date=datetime.date(1990, 1, 1),
            guardian_record=GuardianFactory(),
        )


def test_consents_are_versioned_never_edited():
    household = HouseholdFactory()
    guardian = GuardianFactory(household=household)
    v1 = consent_give(
        household=household, kind=ConsentKind.IMAGE_RIGHTS, version="2025", given_by=guardian
    )
    v2 = consent_give(
        household=household, kind=ConsentKind.IMAGE_RIGHTS, version="2026", given_by=guardian
    )
    v1.refresh_from_db()
    assert (v1.version, v1.is_current, v1.superseded_by) == ("2025", False, v2)
    assert v2.is_current and v2.supersedes == v1
    consent_withdraw(consent=v2)
    assert (
        Consent.objects.filter(withdrawn_at__isnull=True, superseded_at__isnull=True).count() == 0
    )
    with pytest.raises(HouseholdError):
        consent_withdraw(consent=v2)
    # A child's own consent lives beside the household's.
    child = ParticipantFactory(household=household)
    consent_give(
        household=household, participant=child, kind=ConsentKind.IMAGE_RIGHTS, version="2026"
    )
    consent_give(household=household, kind=ConsentKind.IMAGE_RIGHTS, version="2026")
    with pytest.raises(HouseholdError):
        consent_give(
            household=household,
            participant=ParticipantFactory(),
            kind=ConsentKind.IMAGE_RIGHTS,
            version="2026",
        )


def test_health_notes_are_written_only_by_those_who_may_read_them():
    enrolment = EnrolmentFactory()
    participant = enrolment.participant
    mediator = MediatorFactory()
    with pytest.raises(HouseholdError) as error:
        health_note_create(participant=participant, text="Asthme", author=mediator.user)
    assert error.value.status == 403
    assert not HealthNote.objects.exists()
    enrolment.programme.mediators.add(mediator)
    note = health_note_create(
        participant=participant,
        text="Asthme",
        author=mediator.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    assert note.author == mediator.user


def test_contact_is_the_adult_participant_else_the_primary_guardian(
    django_assert_max_num_queries,
):
    household = HouseholdFactory()
    GuardianFactory(household=household, is_primary=False, first_name="Second")
    primary = GuardianFactory(
        household=household,
        is_primary=True,
        first_name="Awa",
        preferred_channel=Channel.EMAIL,
        language=Language.ENGLISH,
        opt_out_email=True,
    )
    child = ParticipantFactory(household=household)
    mother = participant_enrol_guardian(guardian=primary, birth_date=datetime.date(1988, 5, 4))
    assert (
        participant_enrol_guardian(guardian=primary, birth_date=datetime.date(1988, 5, 4)) == mother
    )
    other_adult = GuardianFactory(household=household, is_primary=False, first_name="Moussa")
    adult = participant_enrol_guardian(guardian=other_adult, birth_date=datetime.date(1985, 1, 1))
    for participant in (child, adult):
        EnrolmentFactory(participant=participant)
    for _ in range(5):
        EnrolmentFactory()
    with django_assert_max_num_queries(3):
        contacts = {
            e.participant_id: enrolment_contact(e) for e in with_contacts(Enrolment.objects.all())
        }
    assert contacts[child.pk].name.startswith("Awa")
    assert contacts[child.pk].language == "en"
    # E-mail is preferred but refused: the SMS is the way left.
    assert contacts[child.pk].reachable_channel == Channel.SMS
    assert contacts[adult.pk].name.startswith("Moussa")
