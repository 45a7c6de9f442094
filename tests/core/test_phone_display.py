"""Phones are stored in E.164 and shown as people read them: "06 12 34 56 78" for French numbers."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.roles import Role
from tests.factories import GuardianFactory, HouseholdFactory, user_with_role


def _render(value) -> str:
    return Template("{% load phones %}{{ value|phone }}").render(Context({"value": value}))


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+33149600000", "01 49 60 00 00"),
        ("+447911123456", "+44 7911 123456"),
        ("", ""),
        (None, ""),
        ("nadia@example.org", "nadia@example.org"),
    ],
)
def test_the_phone_filter(stored, shown):
    assert _render(stored) == shown


@pytest.mark.django_db
def test_a_mediator_reads_a_guardians_number_in_national_format(client):
    mediator = user_with_role(Role.MEDIATOR)
    guardian = GuardianFactory(
        household=HouseholdFactory(created_by=mediator), phone="+33612345678"
    )
    client.force_login(mediator)
    page = client.get(reverse("households:household", args=[guardian.household_id]))
    assert "06 12 34 56 78" in page.content.decode()
