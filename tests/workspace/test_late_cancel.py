"""A whole cycle that starts within its cancellation deadline: the enrol page says it could
not be cancelled online, and the family page offers the service's phone, not a cancel button."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import EnrolmentStatus
from programmes.models import EnrolmentMode
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize("hours_before_start, too_late", [(10, True), (72, False)])
def test_a_cycle_starting_within_the_deadline(client, settings, hours_before_start, too_late):
    settings.SERVICE_CONTACT = {"phone": "01 49 60 00 00", "hours": "9:00–17:00", "address": "1 pl"}
    programme = ProgrammeFactory(
        enrolment_mode=EnrolmentMode.WHOLE_CYCLE,
        cancellation_deadline_hours=24,
        min_age=None,
        max_age=None,
    )
    start = timezone.now() + datetime.timedelta(hours=hours_before_start)
    SessionFactory(programme=programme, starts_at=start)
    SessionFactory(programme=programme, starts_at=start + datetime.timedelta(days=7))
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user).household
    child = ParticipantFactory(household=household, first_name="Lina")
    client.force_login(user)

    page = client.get(reverse("enrolment:enrol", args=[programme.slug])).content.decode()
    assert ('id="cycle-cancel-closed"' in page) is too_late

    enrolment = EnrolmentFactory(
        participant=child, programme=programme, session=None, status=EnrolmentStatus.CONFIRMED
    )
    page = client.get(reverse("workspace:family")).content.decode()
    cancel_link = reverse("enrolment:cancel", args=[enrolment.pk])
    assert (cancel_link in page) is not too_late
    assert ('href="tel:01 49 60 00 00"' in page) is too_late
