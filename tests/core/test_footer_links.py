"""Families never see the API links (the API and its tokens mean nothing to them); the staff
and partners, who connect calendars and tools, do."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import GuardianFactory, MediatorFactory, user_with_role

pytestmark = pytest.mark.django_db


def _links(client) -> tuple[bool, bool]:
    html = client.get("/").content.decode()
    return reverse("api-docs") in html, reverse("accounts:tokens") in html


def test_a_family_sees_no_api_link(client):
    user = user_with_role(Role.FAMILY)
    GuardianFactory(user=user)
    client.force_login(user)
    assert _links(client) == (False, False)


def test_a_family_signed_up_without_a_household_yet_sees_none_either(client):
    client.force_login(user_with_role(Role.FAMILY))
    assert _links(client) == (False, False)


def test_a_mediator_sees_the_api_and_their_tokens(client):
    client.force_login(MediatorFactory().user)
    assert _links(client) == (True, True)
