"""The links that let a person in: a visitor without an account finds the sign-up page; a
family on an adults' programme adds an adult of the household (not a child) and comes back to
the programme it was enrolling in."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.models import Guardian
from programmes.models import Audience
from tests.factories import GuardianFactory, ProgrammeFactory, SessionFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_a_visitor_is_told_how_to_get_an_account(client):
    programme = ProgrammeFactory(audience=Audience.CHILDREN)
    SessionFactory(programme=programme)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f'href="{reverse("accounts:sign-up")}"' in page
    assert "Create one" in page


@pytest.mark.parametrize(
    ("audience", "adult_link", "child_link"),
    [
        (Audience.WOMEN, True, False),
        (Audience.SENIORS, True, False),
        (Audience.CHILDREN, False, True),
        (Audience.PARENT_AND_CHILD, True, True),
    ],
)
def test_the_enrol_page_offers_to_add_whom_the_programme_is_for(
    client, audience, adult_link, child_link
):
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user).household
    programme = ProgrammeFactory(audience=audience, min_age=None, max_age=None)
    SessionFactory(programme=programme)
    client.force_login(user)
    page = client.get(reverse("enrolment:enrol", args=[programme.slug])).content.decode()
    assert (reverse("households:guardian-add", args=[household.pk]) in page) is adult_link
    assert (reverse("households:child-add", args=[household.pk]) in page) is child_link


def test_an_adult_added_from_the_enrol_page_comes_back_to_it(client):
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user).household
    programme = ProgrammeFactory(audience=Audience.WOMEN, min_age=18, max_age=None)
    SessionFactory(programme=programme)
    client.force_login(user)
    enrol_page = reverse("enrolment:enrol", args=[programme.slug])
    add = f"{reverse('households:guardian-add', args=[household.pk])}?next={enrol_page}"
    answer = client.post(
        add,
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "phone": "06 12 34 56 70",
            "email": "",
            "preferred_channel": "sms",
            "language": "fr",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert answer["Location"] == enrol_page
    assert Guardian.objects.filter(household=household, first_name="Awa").exists()
    assert "Awa" in client.get(enrol_page).content.decode()


def test_an_outside_next_is_not_followed_after_adding_an_adult(client):
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user).household
    client.force_login(user)
    add = f"{reverse('households:guardian-add', args=[household.pk])}?next=https://evil.example/"
    answer = client.post(
        add,
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "phone": "06 12 34 56 71",
            "email": "",
            "preferred_channel": "sms",
            "language": "fr",
        },
    )
    assert answer.status_code == 302
    assert "evil.example" not in answer["Location"]
