import pytest

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from privacy.models import Erasure
from privacy.services import retention_warn
from tests.factories import (
    GuardianFactory,
    HealthNoteFactory,
    HouseholdFactory,
    ParticipantFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    household = HouseholdFactory()
    GuardianFactory(household=household, last_name="Benali", phone="0611111111")
    child = ParticipantFactory(household=household, first_name="Yanis")
    HealthNoteFactory(participant=child, text="Diabète <script>alert(1)</script>")
    return household


@pytest.mark.parametrize("role", [Role.FAMILY, Role.MEDIATOR, Role.PARTNER])
def test_only_coordinators_and_administrators_export_or_erase(client, household, role):
    client.force_login(user_with_role(role))
    for url in [
        f"/privacy/households/{household.pk}/export/",
        f"/privacy/households/{household.pk}/export.json",
        f"/privacy/households/{household.pk}/erase/",
        "/privacy/",
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Benali" not in response.content
    assert (
        client.post(
            f"/privacy/households/{household.pk}/erase/", {"reference": household.reference}
        ).status_code
        == 403
    )
    assert not Erasure.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client, household):
    response = client.get(f"/privacy/households/{household.pk}/export.json")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_export_page_and_json(client, household):
    client.force_login(user_with_role(Role.COORDINATOR))
    page = client.get(f"/privacy/households/{household.pk}/export/")
    body = page.content.decode()
    assert page.status_code == 200
    # The page shows the number as people read it (core phones filter).
    assert "Benali" in body and "06 11 11 11 11" in body
    assert "<script>alert(1)</script>" not in body  # escaped like any typed text
    assert "&lt;script&gt;" in body

    download = client.get(f"/privacy/households/{household.pk}/export.json")
    assert download["Content-Type"].startswith("application/json")
    assert "attachment" in download["Content-Disposition"]
    assert download.json()["guardians"][0]["last_name"] == "Benali"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2
    assert client.get("/privacy/households/999999/export/").status_code == 404


def test_erasure_asks_for_the_reference(client, household):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    url = f"/privacy/households/{household.pk}/erase/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reference": "F-WRONG"})
    assert response.status_code == 200
    assert 'id="id_reference_error"' in response.content.decode()
    assert "id_reference_error" in response.content.decode().split('name="reference"')[1][:300]
    assert not Erasure.objects.exists()

    response = client.post(url, {"reference": household.reference.lower()})
    assert response.status_code == 302
    assert Erasure.objects.get().household == household
    assert AuditEvent.objects.get(action=AuditAction.ERASE).path == url
    # Twice is harmless: the page says it is done.
    assert "was erased" in client.get(url).content.decode()


def test_overview_lists_upcoming_anonymisations(client, household, django_assert_max_num_queries):
    import datetime

    from django.utils import timezone

    type(household).objects.update(
        last_activity_at=timezone.now() - datetime.timedelta(days=4 * 365)
    )
    for _ in range(15):
        HouseholdFactory(last_activity_at=timezone.now() - datetime.timedelta(days=4 * 365))
    retention_warn()
    client.force_login(user_with_role(Role.COORDINATOR))
    with django_assert_max_num_queries(10):
        response = client.get("/privacy/")
    assert response.status_code == 200
    assert household.reference in response.content.decode()
