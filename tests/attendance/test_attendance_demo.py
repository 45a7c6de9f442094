"""The demo's registers and follow-up load once, whatever the number of loads."""

import datetime

import pytest
import time_machine

from attendance.models import Attendance, FollowUp
from attendance.selectors import programme_figures
from demo.services import load_demo_data
from programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_demo_has_past_registers_and_one_open_follow_up():
    today = datetime.date(2026, 11, 25)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 8, 0, tzinfo=datetime.UTC)):
        load_demo_data(today=today)
        counts = Attendance.objects.count(), FollowUp.objects.count()
        load_demo_data(today=today)
    assert counts == (Attendance.objects.count(), FollowUp.objects.count())
    assert Attendance.objects.count() == 15
    follow_up = FollowUp.objects.get()
    assert follow_up.is_open and follow_up.participant.first_name == "Yanis"
    assert follow_up.mediator.user.username == "mediatrice.educ"
    course = Programme.objects.get(slug="parcours-famille-parents-ecole")
    assert programme_figures(programme=course).overall.percent == 67
