"""After the service cancels a session, the family's pages say so: no "Confirmed" place and no
"Cancel" button for it, while the other dates keep theirs."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from programmes.models import EnrolmentMode
from sessions.services import session_cancel
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lina_on_two_dates(client, english):
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user).household
    lina = ParticipantFactory(household=household, first_name="Lina")
    programme = ProgrammeFactory(title="Atelier", enrolment_mode=EnrolmentMode.PER_SESSION)
    rainy = SessionFactory(programme=programme)
    sunny = SessionFactory(
        programme=programme, starts_at=rainy.starts_at + datetime.timedelta(days=7)
    )
    cancelled = EnrolmentFactory(participant=lina, programme=programme, session=rainy)
    kept = EnrolmentFactory(participant=lina, programme=programme, session=sunny)
    session_cancel(session=rainy, reason_code="weather")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return {"client": client, "cancelled": cancelled, "kept": kept}


def test_the_family_page_shows_the_session_cancelled_without_a_cancel_button(lina_on_two_dates):
    page = lina_on_two_dates["client"].get(reverse("workspace:family")).content.decode()
    assert "Session cancelled" in page
    assert "The weather does not allow it." in page
    assert reverse("enrolment:cancel", args=[lina_on_two_dates["cancelled"].pk]) not in page
    assert reverse("enrolment:cancel", args=[lina_on_two_dates["kept"].pk]) in page
    assert page.count('class="badge badge-ok"') == 1


def test_the_family_home_shows_no_confirmed_place_in_a_cancelled_session(lina_on_two_dates):
    page = lina_on_two_dates["client"].get(reverse("home")).content.decode()
    assert page.count('class="badge badge-ok"') == 1
    assert 'class="badge badge-danger"' in page
