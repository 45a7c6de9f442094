"""The chosen language is remembered for the account and used again at the next login."""

import pytest
from django.urls import reverse

from accounts.models import Profile
from accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_switching_language_is_saved_on_the_account(client):
    user = user_with_role(Role.FAMILY)
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/programmes/"})
    assert response.status_code == 302
    assert Profile.objects.get(user=user).language == "en"
    assert '<html lang="en">' in client.get("/programmes/").content.decode()


def test_the_account_language_wins_over_the_browser_at_login(client):
    user = user_with_role(Role.FAMILY, username="nadia")
    Profile.objects.update_or_create(user=user, defaults={"language": "en"})
    response = client.post(
        reverse("login"),
        {"username": "nadia", "password": "correct-horse-battery"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    page = client.get("/programmes/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in page


def test_anonymous_switch_uses_the_cookie_only(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/programmes/"})
    assert response.cookies["django_language"].value == "en"
    assert not Profile.objects.exists()


def test_an_unknown_language_changes_nothing(client):
    user = user_with_role(Role.FAMILY)
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/programmes/"})
    assert not Profile.objects.filter(user=user, language="xx").exists()
