"""A mediator invites a guardian the service registered; the guardian claims their access from
the link, attached to their household — never a second one. Signed, single use, time-limited,
audited."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, Invitation
from accounts.roles import Role, has_role
from accounts.services import AccountError, invitation_claim
from households.models import Guardian, Household
from notifications.sign_in import InvitationError, guardian_invite
from tests.factories import GuardianFactory, HouseholdFactory, user_with_role

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def mediator():
    return user_with_role(Role.MEDIATOR)


@pytest.fixture
def guardian(mediator):
    household = HouseholdFactory(created_by=mediator)
    return GuardianFactory(
        household=household,
        user=None,
        first_name="Fatou",
        last_name="Keita",
        phone="+33687654321",
        email="fatou.keita@example.org",
    )


def _token(text: str) -> str:
    return re.search(r"/accounts/claim/([^/\s]+)/", text).group(1)


def test_a_mediator_sends_an_sms_invitation_from_the_household_page(
    client, mediator, guardian, sms_outbox
):
    client.force_login(mediator)
    page = client.get(reverse("households:household", args=[guardian.household_id]))
    assert reverse("notifications:guardian-invite", args=[guardian.pk]) in page.content.decode()
    response = client.post(
        reverse("notifications:guardian-invite", args=[guardian.pk]), {"channel": "sms"}
    )
    assert response["Location"] == reverse("households:household", args=[guardian.household_id])
    assert [sms.to for sms in sms_outbox] == ["+33687654321"]
    assert "Fatou" in sms_outbox[0].body
    event = AuditEvent.objects.get(action=AuditAction.INVITATION)
    assert (event.actor, event.object_type, event.object_id) == (
        mediator,
        "households.guardian",
        str(guardian.pk),
    )


def test_claiming_attaches_the_new_account_to_the_existing_household(client, guardian, mediator):
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    token = _token(mail.outbox[0].body)
    page = client.get(reverse("accounts:claim", args=[token]))
    assert page.status_code == 200 and "Fatou" in page.content.decode()
    response = client.post(reverse("accounts:claim", args=[token]), {"way": "code"})
    assert response["Location"] == reverse("home")
    guardian.refresh_from_db()
    assert guardian.user is not None and has_role(guardian.user, Role.FAMILY)
    assert not guardian.user.has_usable_password()
    assert client.session["_auth_user_id"] == str(guardian.user_id)
    assert Household.objects.count() == 1 and Guardian.objects.count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITATION_CLAIM, actor=guardian.user
    ).exists()
    # The family page shows their household.
    home = client.get(reverse("workspace:family"))
    assert home.status_code == 200 and "Fatou" in home.content.decode()


def test_claiming_with_a_password_lets_the_guardian_sign_in_with_their_phone(
    client, guardian, mediator
):
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    token = _token(mail.outbox[0].body)
    client.post(
        reverse("accounts:claim", args=[token]),
        {"way": "password", "password": "une-phrase-assez-longue"},
    )
    client.logout()
    response = client.post(
        reverse("login"), {"username": "06 87 65 43 21", "password": "une-phrase-assez-longue"}
    )
    assert response.status_code == 302


def test_an_invitation_works_once(client, guardian, mediator):
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    token = _token(mail.outbox[0].body)
    invitation_claim(token=token)
    with pytest.raises(AccountError):
        invitation_claim(token=token)
    assert client.get(reverse("accounts:claim", args=[token])).status_code == 404


def test_an_invitation_expires(client, guardian, mediator, settings):
    settings.INVITATION_DAYS = 7
    with time_machine.travel(NOW, tick=False):
        guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    token = _token(mail.outbox[0].body)
    with time_machine.travel(NOW + datetime.timedelta(days=7, seconds=1), tick=False):
        assert client.get(reverse("accounts:claim", args=[token])).status_code == 404
    with time_machine.travel(NOW + datetime.timedelta(days=6), tick=False):
        assert client.get(reverse("accounts:claim", args=[token])).status_code == 200


def test_a_newer_invitation_replaces_the_older_one(guardian, mediator):
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    first, second = (_token(message.body) for message in mail.outbox)
    with pytest.raises(AccountError):
        invitation_claim(token=first)
    invitation_claim(token=second)


def test_a_tampered_link_is_refused(client, guardian, mediator):
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    token = _token(mail.outbox[0].body)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("accounts:claim", args=[forged])).status_code == 404
    assert client.get(reverse("accounts:claim", args=["nonsense"])).status_code == 404


def test_the_token_is_stored_only_hashed(guardian, mediator):
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    token = _token(mail.outbox[0].body)
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and invitation.token_hash not in token


def test_a_guardian_with_a_code_only_account_is_signed_into_that_account(client, mediator):
    account = user_with_role(Role.FAMILY)
    account.set_unusable_password()
    account.save()
    guardian = GuardianFactory(
        household=HouseholdFactory(created_by=mediator), user=account, email="x@example.org"
    )
    guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    client.post(reverse("accounts:claim", args=[_token(mail.outbox[0].body)]), {"way": "code"})
    assert client.session["_auth_user_id"] == str(account.pk)
    assert Guardian.objects.get(pk=guardian.pk).user == account


def test_a_channel_the_guardian_has_no_address_for_is_refused(guardian, mediator):
    guardian.email = ""
    guardian.save()
    with pytest.raises(InvitationError) as refused:
        guardian_invite(guardian=guardian, channel="email", invited_by=mediator)
    assert refused.value.field == "channel"
    assert not Invitation.objects.exists()


def test_a_mediator_cannot_invite_a_guardian_of_a_household_they_cannot_see(client, sms_outbox):
    stranger = GuardianFactory(user=None, phone="+33611223344")
    client.force_login(user_with_role(Role.MEDIATOR))
    response = client.post(
        reverse("notifications:guardian-invite", args=[stranger.pk]), {"channel": "sms"}
    )
    assert response.status_code == 404
    assert sms_outbox == []


def test_a_family_cannot_send_invitations(client, guardian, sms_outbox):
    family = user_with_role(Role.FAMILY)
    GuardianFactory(household=guardian.household, user=family, is_primary=False)
    client.force_login(family)
    response = client.post(
        reverse("notifications:guardian-invite", args=[guardian.pk]), {"channel": "sms"}
    )
    assert response.status_code == 403
    assert sms_outbox == []
