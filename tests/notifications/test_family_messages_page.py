"""On "How we contact you", a family sees the messages sent to its guardians only, never what
staff were told about it; dates are written in words, and the list comes in pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from core.time import short_datetime
from notifications.models import Message, MessageKind, MessageState
from tests.factories import GuardianFactory, MediatorFactory, SessionFactory, user_with_role

pytestmark = pytest.mark.django_db

SESSION_START = datetime.datetime(2027, 2, 9, 9, 0, tzinfo=datetime.UTC)  # 10:00 in Paris


@pytest.fixture
def durand():
    return GuardianFactory(user=user_with_role(Role.FAMILY), first_name="Nadia")


def _message(n: int, household, *, kind=MessageKind.ENROLMENT_CONFIRMED, **fields) -> Message:
    return Message.objects.create(
        key=f"test:{n}",
        kind=kind,
        channel="email",
        address=fields.pop("address", "nadia@example.org"),
        language="fr",
        recipient_name=fields.pop("recipient_name", "Nadia Durand"),
        household=household,
        state=MessageState.PENDING,
        **fields,
    )


def test_the_family_sees_its_own_messages_not_the_staffs(client, durand):
    household = durand.household
    session = SessionFactory(
        programme__title="Santé des femmes",
        starts_at=SESSION_START,
        ends_at=SESSION_START + datetime.timedelta(hours=2),
    )
    _message(1, household, session=session)
    sophie = MediatorFactory(user__first_name="Sophie", user__last_name="Lambert").user
    _message(
        2,
        household,
        kind=MessageKind.FAMILY_LEFT,
        address="sophie@example.org",
        recipient_name="Sophie Lambert",
        recipient_user=sophie,
    )
    client.force_login(durand.user)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "Enrolment confirmed" in html
    assert "A family left a programme" not in html and "Sophie Lambert" not in html
    # The session in words, not "2027-02-09 10:00".
    assert "Santé des femmes, 9 Feb. 2027, 10:00" in html
    assert "2027-02-09" not in html.replace('datetime="2027-02-09', "")


def test_the_list_is_paginated(client, durand):
    for n in range(25):
        _message(n, durand.household)
    client.force_login(durand.user)
    url = reverse("notifications:preferences")
    first = client.get(url).content.decode()
    assert first.count("Enrolment confirmed") == 10
    assert "Page 1 of 3" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count("Enrolment confirmed") == 5


def test_dates_are_french_and_short():
    with translation.override("fr"):
        assert short_datetime(SESSION_START) == "9 fév. 2027, 10:00"
