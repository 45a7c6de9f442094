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
