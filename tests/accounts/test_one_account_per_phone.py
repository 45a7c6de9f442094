"""One sign-in identity per phone. A family that registers with the number of a household that
has an account is refused, whatever form the number is stored in; a code typed for a number is
never sent to an arbitrary account; and a number behind two accounts sends nothing and says to
call the service, while a number nobody has keeps the neutral answer."""

import pytest
from django.urls import reverse

from accounts.models import SignInCode
from accounts.roles import Role
from households.models import Guardian, Household
from tests.factories import GuardianFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def nadia():
    """The Durand household as the demo loads it: the phone kept as typed, national form."""
    return GuardianFactory(
        user=user_with_role(Role.FAMILY, email="famille.durand@example.org"),
        first_name="Nadia",
        last_name="Durand",
        phone="0612000001",
    )


def _register(client, phone: str):
    return client.post(
        reverse("households:family-register"),
        {
            "first_name": "Fatou",
            "last_name": "Diallo",
            "phone": phone,
            "email": "",
            "preferred_channel": "sms",
            "language": "fr",
            "neighbourhood": "",
        },
    )


def test_a_family_cannot_register_a_number_another_account_has(client, nadia):
    fatou = user_with_role(Role.FAMILY, email="fatou.diallo@example.org")
    client.force_login(fatou)
    response = _register(client, "06 12 00 00 01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This phone number already belongs to another family" in html
    assert 'id="phone-error"' in html or "errorlist" in html
    assert not Guardian.objects.filter(user=fatou).exists()
    assert Household.objects.count() == 1


def test_the_api_refuses_it_too_naming_the_field(client, nadia):
    client.force_login(user_with_role(Role.FAMILY, email="fatou.diallo@example.org"))
    response = client.post(
        "/api/v1/households",
        {"first_name": "Fatou", "last_name": "Diallo", "phone": "+33612000001"},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["field"] == "phone"


def test_a_code_for_a_number_stored_in_national_form_reaches_its_account(client, nadia, sms_outbox):
    response = client.post(reverse("accounts:code-request"), {"identifier": "06 12 00 00 01"})
    assert response.status_code == 302
    assert [sms.to for sms in sms_outbox] == ["+33612000001"]
    assert SignInCode.objects.get().user == nadia.user


def test_a_number_behind_two_accounts_sends_nothing_and_says_to_call(client, nadia, sms_outbox):
    # How it happened before: a second household, with an account, got Nadia's number in E.164.
    GuardianFactory(
        user=user_with_role(Role.FAMILY, email="fatou.diallo@example.org"), phone="+33612000001"
    )
    response = client.post(reverse("accounts:code-request"), {"identifier": "06 12 00 00 01"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "No code was sent" in html
    assert "01 49 60 00 00" in html  # the service's number
    assert sms_outbox == []
    # Nobody can sign in with a code for that number.
    assert not SignInCode.objects.filter(user__isnull=False).exists()


def test_a_number_nobody_has_keeps_the_neutral_answer(client, nadia, sms_outbox):
    response = client.post(reverse("accounts:code-request"), {"identifier": "06 99 88 77 66"})
    assert response.status_code == 302
    assert sms_outbox == []


def test_a_family_cannot_change_its_number_to_another_accounts(client, nadia):
    fatou = GuardianFactory(
        user=user_with_role(Role.FAMILY, email="fatou.diallo@example.org"), phone="+33655443322"
    )
    client.force_login(fatou.user)
    response = client.patch(
        f"/api/v1/households/{fatou.household_id}/guardians/{fatou.pk}",
        {"phone": "06 12 00 00 01"},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["field"] == "phone"
    fatou.refresh_from_db()
    assert fatou.phone == "+33655443322"


def test_a_number_shared_before_the_rule_does_not_block_other_changes(client, nadia):
    GuardianFactory(user=user_with_role(Role.FAMILY), phone="+33612000001")
    client.force_login(nadia.user)
    response = client.post(
        reverse("notifications:preferences"),
        {"preferred_channel": "sms", "language": "fr"},
    )
    assert response.status_code == 302
