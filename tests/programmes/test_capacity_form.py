"""A coordinator who types a capacity of 0 reads why, in French, beside the field: not the name
of a database constraint."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from programmes.models import Programme
from tests.factories import ProgrammeFactory, VenueFactory, user_with_role
from tests.sessions.test_coordination import programme_data

pytestmark = pytest.mark.django_db
MESSAGE = "La capacité doit être d’au moins une place."


@pytest.fixture
def coordinator(client, settings):
    settings.LANGUAGE_CODE = "fr"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    client.force_login(user_with_role(Role.COORDINATOR))
    return client


@time_machine.travel(datetime.datetime(2026, 8, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_a_new_programme_for_zero_people_is_refused_in_french(coordinator):
    data = programme_data(VenueFactory(), capacity="0", action="save")
    response = coordinator.post(reverse("coordination:programme-create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert MESSAGE in body and "programme_capacity_positive" not in body
    assert 'id="id_capacity_error"' in body
    assert not Programme.objects.exists()


def test_editing_a_programme_down_to_zero_places_is_refused_in_french(coordinator):
    programme = ProgrammeFactory(capacity=12)
    url = reverse("programmes:edit", args=[programme.pk])
    data = programme_data(programme.venue, capacity="0")
    response = coordinator.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert MESSAGE in body and "programme_capacity_positive" not in body
    programme.refresh_from_db()
    assert programme.capacity == 12


def test_the_constraint_itself_speaks_french_where_a_form_is_bypassed():
    constraint = next(
        c for c in Programme._meta.constraints if c.name == "programme_capacity_positive"
    )
    with translation.override("fr"):
        assert str(constraint.get_violation_error_message()) == MESSAGE
