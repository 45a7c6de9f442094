"""A partner that refers a family the service already knows learns nothing it did not type,
unless the family agreed to share with partners; a withdrawn referral opens nothing at all."""

import pytest

from accounts.models import ApiToken
from accounts.roles import Role
from enrolment.models import EnrolmentSource, EnrolmentStatus
from households.models import ConsentKind
from households.services import consent_give, consent_withdraw
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_family_referred():
    partner_user = user_with_role(Role.PARTNER)
    partner = PartnerFactory()
    partner.members.add(partner_user)
    guardian = GuardianFactory(first_name="Karim", email="karim.b@example.org")
    child = ParticipantFactory(household=guardian.household, first_name="Yanis")
    programme = ProgrammeFactory()
    programme.partners.add(partner)
    referral = EnrolmentFactory(
        participant=child,
        programme=programme,
        session=None,
        status=EnrolmentStatus.PROPOSED,
        source=EnrolmentSource.PARTNER_REFERRAL,
        referred_by_partner=partner,
    )
    _token, raw = ApiToken.generate(user=partner_user, name="t")
    return {
        "auth": {"HTTP_AUTHORIZATION": f"Bearer {raw}"},
        "household": guardian.household,
        "guardian": guardian,
        "child": child,
        "referral": referral,
    }


def read(client, world, path):
    return client.get(path, **world["auth"])


def test_without_the_familys_consent_the_partner_reads_nothing_of_a_known_family(
    client, known_family_referred
):
    world = known_family_referred
    household, child = world["household"], world["child"]
    assert read(client, world, f"/api/v1/households/{household.pk}").status_code == 404
    answer = read(client, world, f"/api/v1/participants/{child.pk}")
    assert answer.status_code == 404
    assert "karim" not in answer.content.decode().lower()
    # Its own referral stays readable: it is what the partner did.
    assert read(client, world, f"/api/v1/enrolments/{world['referral'].pk}").status_code == 200


def test_with_consent_the_referring_partner_reads_the_family_until_the_consent_ends(
    client, known_family_referred
):
    world = known_family_referred
    household = world["household"]
    consent = consent_give(
        household=household,
        kind=ConsentKind.PARTNER_SHARING,
        version="2026",
        given_by=world["guardian"],
    )
    assert read(client, world, f"/api/v1/households/{household.pk}").status_code == 200
    consent_withdraw(consent=consent)
    assert read(client, world, f"/api/v1/households/{household.pk}").status_code == 404


def test_a_refusal_to_share_keeps_the_family_closed(client, known_family_referred):
    world = known_family_referred
    consent_give(
        household=world["household"],
        kind=ConsentKind.PARTNER_SHARING,
        version="2026",
        given_by=world["guardian"],
        answer="refused",
    )
    assert read(client, world, f"/api/v1/households/{world['household'].pk}").status_code == 404


def test_a_withdrawn_referral_opens_nothing(client, known_family_referred):
    world = known_family_referred
    consent_give(
        household=world["household"],
        kind=ConsentKind.PARTNER_SHARING,
        version="2026",
        given_by=world["guardian"],
    )
    referral = world["referral"]
    referral.status = EnrolmentStatus.CANCELLED
    referral.save(update_fields=["status"])
    assert read(client, world, f"/api/v1/households/{world['household'].pk}").status_code == 404
    assert read(client, world, f"/api/v1/participants/{world['child'].pk}").status_code == 404
