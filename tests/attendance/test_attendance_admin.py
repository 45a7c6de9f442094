"""Admin of registers and follow-ups: lists load for staff, marks are read-only there."""

import pytest
from django.urls import reverse

from attendance.models import Attendance
from tests.factories import UserFactory, build_register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["attendance", "attendancecorrection", "anonymousheadcount", "followup"]
)
def test_changelists_load_with_search_and_filters(client, model):
    session, _mediator, people = build_register(participants=3)
    Attendance.objects.bulk_create(
        [Attendance(session=session, participant=person, status="present") for person in people]
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:attendance_{model}_changelist")
    assert client.get(url, {"q": people[0].last_name}).status_code == 200


def test_marks_cannot_be_edited_in_the_admin(client):
    session, _mediator, people = build_register(participants=1)
    mark = Attendance.objects.create(session=session, participant=people[0], status="present")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:attendance_attendance_change", args=[mark.pk]), {"status": "absent"}
    )
    assert response.status_code in (200, 403)
    mark.refresh_from_db()
    assert mark.status == "present"


def test_check_outs_are_listed_for_a_coordinator_without_the_collectors_name(client):
    from django.utils import timezone

    from accounts.models import AuditEvent
    from accounts.roles import Role
    from attendance.models import CheckOut, CollectedBy
    from tests.factories import user_with_role

    session, _mediator, people = build_register(participants=2)
    for person in people:
        Attendance.objects.create(session=session, participant=person, status="present")
    check_out = CheckOut.objects.create(
        session=session,
        participant=people[0],
        collected_by=CollectedBy.OTHER,
        collector_name="Karim Benali",
        note="voisin, pièce d'identité vue",
        checked_out_at=timezone.now(),
    )
    client.force_login(user_with_role(Role.COORDINATOR, is_staff=True))
    listing = client.get(reverse("admin:attendance_checkout_changelist")).content.decode()
    assert people[0].last_name in listing
    assert "Karim Benali" not in listing
    change = reverse("admin:attendance_checkout_change", args=[check_out.pk])
    assert "Karim Benali" in client.get(change).content.decode()
    assert AuditEvent.objects.filter(
        object_type="attendance.checkout", object_id=str(check_out.pk)
    ).exists()
    client.post(change, {"collector_name": "Quelqu'un d'autre"})
    check_out.refresh_from_db()
    assert check_out.collector_name == "Karim Benali"
    client.force_login(user_with_role(Role.MEDIATOR, is_staff=True))
    assert client.get(reverse("admin:attendance_checkout_changelist")).status_code == 403
