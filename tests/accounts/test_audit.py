import datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from accounts.audit import audit_record, audit_record_many
from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from tests.factories import ProgrammeFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def test_audit_record_takes_who_what_and_where_from_the_request():
    mediator = user_with_role(Role.MEDIATOR, username="med")
    programme = ProgrammeFactory()
    request = RequestFactory().get("/households/7/?tab=health", REMOTE_ADDR="192.0.2.10")
    request.user = mediator

    event = audit_record(
        action=AuditAction.VIEW, target=programme, request=request, summary="health notes"
    )

    event.refresh_from_db()
    assert event.actor == mediator
    assert event.actor_label == "med"
    assert event.action == AuditAction.VIEW
    assert event.object_type == "programmes.programme"
    assert event.object_id == str(programme.pk)
    assert event.ip_address == "192.0.2.10"
    assert event.path == "/households/7/?tab=health"
    assert event.summary == "health notes"


def test_audit_record_behind_trusted_proxies_uses_the_forwarded_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
    )
    request.user = UserFactory()
    event = audit_record(action=AuditAction.VIEW, object_type="x", request=request)
    # The left-most entry was written by the client and is not trusted.
    assert event.ip_address == "198.51.100.4"


def test_audit_record_without_request_or_with_anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(
        action=AuditAction.ANONYMISE,
        actor=AnonymousUser(),
        object_type="households.household",
        object_id=12,
        summary="x" * 400,
    )
    assert event.actor is None
    assert event.actor_label == ""
    assert event.object_id == "12"
    assert len(event.summary) == 255


def test_audit_record_many_is_one_query(django_assert_num_queries):
    programmes = ProgrammeFactory.create_batch(30)
    actor = UserFactory()
    with django_assert_num_queries(1):
        audit_record_many(action=AuditAction.EXPORT, targets=programmes, actor=actor)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 30


def test_audit_rows_cannot_be_changed_even_bypassing_the_code():
    event = audit_record(action=AuditAction.VIEW, object_type="x", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.summary = "rewritten"
        event.save()
    event.refresh_from_db()
    assert event.summary == ""


@pytest.mark.postgres
def test_audit_rows_cannot_be_deleted_on_postgresql():
    event = audit_record(action=AuditAction.VIEW, object_type="x", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_an_account_keeps_what_it_did():
    user = UserFactory(username="parti")
    audit_record(action=AuditAction.CHANGE, actor=user, object_type="x", object_id=1)
    user.delete()
    event = AuditEvent.objects.get()
    assert event.actor_label == "parti"


def test_admin_is_read_only_and_for_coordinators_and_administrators(client):
    event = audit_record(action=AuditAction.VIEW, object_type="x", object_id=1)
    coordinator = user_with_role(Role.COORDINATOR, is_staff=True)
    client.force_login(coordinator)
    assert client.get("/admin/accounts/auditevent/").status_code == 200
    assert client.get("/admin/accounts/auditevent/?q=x").status_code == 200
    change_page = client.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.content.decode()
    assert (
        client.post(
            f"/admin/accounts/auditevent/{event.pk}/change/", {"summary": "rewritten"}
        ).status_code
        == 403
    )
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert (
        client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    response = client.post(
        "/admin/accounts/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in {200, 302}

    staff_mediator = user_with_role(Role.MEDIATOR, is_staff=True)
    client.force_login(staff_mediator)
    assert client.get("/admin/accounts/auditevent/").status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FAMILY, 403),
        (Role.MEDIATOR, 403),
        (Role.PARTNER, 403),
        (Role.COORDINATOR, 200),
        (Role.ADMINISTRATOR, 200),
    ],
)
def test_staff_page_is_for_coordinators_and_administrators(client, role, status):
    client.force_login(user_with_role(role))
    assert client.get("/accounts/audit/").status_code == status


def test_staff_page_sends_anonymous_visitors_to_login(client):
    response = client.get("/accounts/audit/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_staff_page_filters_and_paginates(client, django_assert_max_num_queries):
    coordinator = user_with_role(Role.COORDINATOR)
    mediator = user_with_role(Role.MEDIATOR, username="mediatrice.sante")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=PARIS), tick=False):
        for number in range(60):
            audit_record(
                action=AuditAction.VIEW,
                actor=mediator,
                object_type="households.household",
                object_id=number,
            )
    with time_machine.travel(datetime.datetime(2026, 3, 5, 10, tzinfo=PARIS), tick=False):
        audit_record(
            action=AuditAction.EXPORT,
            actor=coordinator,
            object_type="households.household",
            object_id=7,
            summary="JSON export",
        )
    client.force_login(coordinator)

    with django_assert_max_num_queries(8):
        response = client.get("/accounts/audit/", {"actor": "MEDIATRICE.SANTE"})
    body = response.content.decode()
    assert "60 events" in body
    assert body.count("<tr>") == 51  # header + one page of 50
    assert "JSON export" not in body

    response = client.get("/accounts/audit/", {"action": "export", "object_id": "7"})
    assert "JSON export" in response.content.decode()
    assert "1 event" in response.content.decode()

    response = client.get("/accounts/audit/", {"since": "2026-03-03", "until": "2026-03-05"})
    assert "1 event" in response.content.decode()

    response = client.get("/accounts/audit/", {"actor": "mediatrice.sante", "page": 2})
    assert response.content.decode().count("<tr>") == 11

    response = client.get("/accounts/audit/", {"since": "2026-03-05", "until": "2026-03-01"})
    body = response.content.decode()
    # Django ties the error list to its field (aria-describedby, aria-invalid).
    assert 'aria-describedby="id_until_error"' in body
    assert 'id="id_until_error"' in body
