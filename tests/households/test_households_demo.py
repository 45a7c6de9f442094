import datetime

import pytest
import time_machine

from demo.services import load_demo_data
from enrolment.models import Enrolment, EnrolmentStatus
from households.models import Guardian, Household

pytestmark = pytest.mark.django_db


def test_demo_households_enrolments_waitlist_and_referral():
    with time_machine.travel(datetime.datetime(2026, 11, 25, 8, 0, tzinfo=datetime.UTC)):
        load_demo_data(today=datetime.date(2026, 11, 25))
    durand = Guardian.objects.get(user__username="famille.durand").household
    assert sorted(durand.participants.values_list("first_name", flat=True)) == ["Lina", "Sami"]
    assert Household.objects.filter(in_qpv=True).count() >= 3
    assert Household.objects.filter(in_qpv=False).exists()
    spring = Enrolment.objects.filter(programme__slug="vacances-printemps-citoyennete")
    assert spring.filter(status=EnrolmentStatus.CONFIRMED).count() == 6
    assert sorted(
        spring.filter(status=EnrolmentStatus.WAITLISTED).values_list("waitlist_position", flat=True)
    ) == [1, 2]
    assert (
        Enrolment.objects.filter(
            participant__household=durand, status=EnrolmentStatus.CONFIRMED
        ).count()
        == 3
    )
    assert Enrolment.objects.filter(status=EnrolmentStatus.PROPOSED).count() == 1
