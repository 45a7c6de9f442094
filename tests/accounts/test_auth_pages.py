"""Signing in as families do: with the e-mail or phone they gave, in plain French, with
"Mot de passe oublié ?" that works and a way to get an account, on pages in the site's style."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role, has_role
from tests.factories import GuardianFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def family():
    user = user_with_role(Role.FAMILY, username="famille-durand", email="compte@example.org")
    GuardianFactory(user=user, phone="+33612345678", email="nadia.durand@example.org")
    return user


@pytest.mark.parametrize(
    "typed",
    [
        "famille-durand",
        "compte@example.org",
        "COMPTE@example.org",
        "nadia.durand@example.org",
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
    ],
)
def test_a_family_signs_in_with_what_it_knows(client, family, typed):
    response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(family.pk)


def test_the_sign_in_page_speaks_plain_french(client, family):
    with translation.override("fr"):
        page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")
        html = page.content.decode()
        assert "Adresse e-mail ou téléphone" in html
        assert "Nom d’utilisateur" not in html and "Nom d'utilisateur" not in html
        assert "Mot de passe oublié\u00a0?" in html
        assert reverse("password_reset") in html
        assert reverse("accounts:code-request") in html
        assert reverse("accounts:sign-up") in html
        assert "Administration de Django" not in html
        wrong = client.post(
            reverse("login"),
            {"username": "06 12 34 56 78", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    text = wrong.content.decode()
    assert "le téléphone ou le mot de passe n’est pas bon" in text
    assert "sensible à la casse" not in text


def test_the_lock_out_still_applies_to_an_identifier_typed_as_a_phone(client, settings, family):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        client.post(reverse("login"), {"username": "0612345678", "password": "nope"})
    response = client.post(reverse("login"), {"username": "0612345678", "password": PASSWORD})
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT).exists()


def test_forgotten_password_by_e_mail_end_to_end(client, family):
    with translation.override("fr"):
        page = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Administration de Django" not in page.content.decode()
    assert 'class="brand"' in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": "nadia.durand@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox[0].to == ["compte@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.startswith("http://") and "/accounts/reset/" in link
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.context["validlink"]
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "une-nouvelle-phrase-2026", "new_password2": "une-nouvelle-phrase-2026"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    client.logout()
    response = client.post(
        reverse("login"), {"username": "06 12 34 56 78", "password": "une-nouvelle-phrase-2026"}
    )
    assert response.status_code == 302


def test_a_family_that_signs_in_with_codes_can_still_choose_a_password(client):
    user = user_with_role(Role.FAMILY, email="")
    user.set_unusable_password()
    user.save()
    GuardianFactory(user=user, email="sans.mdp@example.org")
    client.post(reverse("password_reset"), {"email": "sans.mdp@example.org"})
    assert mail.outbox[0].to == ["sans.mdp@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    assert form.context["validlink"]
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "une-nouvelle-phrase-2026", "new_password2": "une-nouvelle-phrase-2026"},
    )
    response = client.post(
        reverse("login"),
        {"username": "sans.mdp@example.org", "password": "une-nouvelle-phrase-2026"},
    )
    assert response.status_code == 302


def test_the_reset_answer_does_not_tell_whether_an_account_exists(client, family):
    known = client.post(reverse("password_reset"), {"email": "compte@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_a_family_gets_an_account_then_registers_its_household(client):
    page = client.get(reverse("accounts:sign-up"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:sign-up"),
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "email": "Awa.Diallo@example.org",
            "password": "une-phrase-assez-longue",
        },
    )
    assert response["Location"] == reverse("households:family-register")
    user = UserFactory._meta.model.objects.get(email="awa.diallo@example.org")
    assert has_role(user, Role.FAMILY)
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": "awa.diallo@example.org", "password": "une-phrase-assez-longue"},
    )
    assert response.status_code == 302


def test_sign_up_refuses_a_weak_password_naming_the_field(client, family):
    response = client.post(
        reverse("accounts:sign-up"),
        {"first_name": "A", "last_name": "B", "email": "x@example.org", "password": "123"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
