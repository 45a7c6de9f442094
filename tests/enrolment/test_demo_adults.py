"""The demo shows adults taking part, and every mediator account has a session today with
people expected, whatever the hour the demo is loaded at."""

import datetime

import pytest
import time_machine

from attendance.selectors import sessions_of_day
from demo.services import load_demo_data
from enrolment.models import Enrolment, EnrolmentStatus
from programmes.models import Audience
from programmes.selectors import age_on

pytestmark = pytest.mark.django_db
ADULT_PROGRAMMES = ["sante-des-femmes", "parcours-famille-ados", "seniors-bien-chez-soi"]


@pytest.mark.parametrize("hour_utc", [8, 17])
def test_adults_are_enrolled_and_each_mediator_has_a_session_today(hour_utc, django_user_model):
    today = datetime.date(2026, 11, 25)
    with time_machine.travel(datetime.datetime(2026, 11, 25, hour_utc, 0, tzinfo=datetime.UTC)):
        load_demo_data(today=today)
        load_demo_data(today=today)  # idempotent
        for slug in ADULT_PROGRAMMES:
            adults = Enrolment.objects.filter(
                programme__slug=slug, status=EnrolmentStatus.CONFIRMED
            )
            assert adults.exists(), slug
            assert all(age_on(e.participant.birth_date, today) >= 18 for e in adults)
        women = Enrolment.objects.filter(programme__slug="sante-des-femmes")
        assert women.first().programme.audience == Audience.WOMEN
        for username in ("mediatrice.educ", "mediatrice.sante", "mediateur.habitat"):
            user = django_user_model.objects.get(username=username)
            sessions = sessions_of_day(user=user, day=today)
            assert sessions, username
            session = sessions[0]
            in_cycle = session.programme.is_whole_cycle
            expected = Enrolment.objects.filter(
                status=EnrolmentStatus.CONFIRMED,
                programme=session.programme,
                session=None if in_cycle else session,
            )
            assert expected.exists(), username
