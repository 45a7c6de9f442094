"""A coordinator pastes a huge text into a programme: it is refused on its field, and messages
about the programme's sessions never carry more than a short extract."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import models
from django.template import Context
from django.urls import reverse

from accounts.roles import Role
from notifications.rendering import text_engine
from programmes.forms import ProgrammeForm
from programmes.models import (
    DESCRIPTION_MAX_LENGTH,
    WHAT_TO_BRING_MAX_LENGTH,
    Programme,
    Venue,
)
from tests.factories import ProgrammeFactory, VenueFactory, user_with_role
from tests.sessions.test_coordination import TODAY, programme_data

pytestmark = pytest.mark.django_db


@time_machine.travel(TODAY, tick=False)
def test_a_huge_description_and_what_to_bring_are_refused_on_their_fields(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    data = programme_data(
        VenueFactory(),
        title="Long desc",
        description="x" * 1_000_000,
        what_to_bring="y" * 100_000,
        action="save",
    )
    response = client.post(reverse("coordination:programme-create"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"description", "what_to_bring"}
    assert "5000" in errors["description"][0].replace("\u202f", "").replace(" ", "")
    assert not Programme.objects.filter(title="Long desc").exists()
    body = response.content.decode()
    assert f'maxlength="{DESCRIPTION_MAX_LENGTH}"' in body
    assert f'maxlength="{WHAT_TO_BRING_MAX_LENGTH}"' in body


def test_the_model_refuses_what_the_form_refuses():
    programme = ProgrammeFactory.build(what_to_bring="y" * (WHAT_TO_BRING_MAX_LENGTH + 1))
    with pytest.raises(ValidationError) as error:
        programme.full_clean(exclude=["venue", "slug"])
    assert "what_to_bring" in error.value.message_dict


def test_every_free_text_of_the_coordinator_forms_is_bounded():
    """Titles, descriptions, venue names and notes: no text field without a length limit."""
    for model in (Programme, Venue):
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField):
                assert field.max_length, f"{model.__name__}.{field.name}"
    for name, field in ProgrammeForm().fields.items():
        if hasattr(field, "max_length"):
            assert field.max_length, name


def test_a_message_carries_a_short_extract_of_what_to_bring():
    """Rows saved before the limit existed must not fill an e-mail either."""
    context = {
        "recipient": "Nadia",
        "participant": "Lina",
        "programme": "Atelier",
        "starts_at": datetime.datetime(2027, 2, 9, 9, tzinfo=datetime.UTC),
        "ends_at": datetime.datetime(2027, 2, 9, 10, tzinfo=datetime.UTC),
        "venue": "Salle",
        "address": "1 rue",
        "what_to_bring": "y" * 100_000,
    }
    text = (
        text_engine()
        .get_template("notifications/messages/reminder.email.txt")
        .render(Context(context))
    )
    assert len(text) < 1000
    assert "y" * 299 in text
