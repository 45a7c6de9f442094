"""The safety sheet in the admin: a coordinator sees who filled which version and when, never a
health detail or a person the sheet names; nobody edits a version there."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.roles import Role
from households.models import SafetySheet
from tests.factories import ParticipantFactory, fill_safety_sheet, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets():
    children = ParticipantFactory.create_batch(3)
    for child in children:
        fill_safety_sheet(child, allergies="Arachides", has_pai=True)
    fill_safety_sheet(children[0], allergies="Kiwi")  # a second version
    return children


def _coordinator(client):
    client.force_login(user_with_role(Role.COORDINATOR, is_staff=True))


def test_a_coordinator_lists_the_versions_without_their_health_details(
    client, sheets, django_assert_max_num_queries
):
    _coordinator(client)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:households_safetysheet_changelist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("/change/") >= SafetySheet.objects.count()
    for secret in ("Arachides", "Kiwi", "adrénaline", "Awa Diallo", "Fatou", "Dr Martin"):
        assert secret not in body
    assert AuditEvent.objects.filter(
        action="view", object_type="households.safetysheet", summary="admin list"
    ).exists()


def test_a_version_opens_read_only_without_its_health_details_and_the_read_is_audited(
    client, sheets
):
    _coordinator(client)
    sheet = SafetySheet.objects.filter(participant=sheets[0], superseded_at__isnull=True).get()
    url = reverse("admin:households_safetysheet_change", args=[sheet.pk])
    body = client.get(url).content.decode()
    assert "Kiwi" not in body and "Awa Diallo" not in body
    assert AuditEvent.objects.filter(
        action="view", object_type="households.safetysheet", object_id=str(sheet.pk)
    ).exists()
    client.post(url, {"version": 9})
    sheet.refresh_from_db()
    assert sheet.version == 2
    assert client.get(reverse("admin:households_safetysheet_add")).status_code == 403


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARTNER])
def test_other_staff_accounts_do_not_reach_it(client, sheets, role):
    client.force_login(user_with_role(role, is_staff=True))
    assert client.get(reverse("admin:households_safetysheet_changelist")).status_code == 403
