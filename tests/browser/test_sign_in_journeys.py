"""On a phone in French: a family signs in with a code received by e-mail, and by SMS (the file
backend); a guardian invited by a mediator claims their access and lands on their family's
page; "Mot de passe oublié ?" sets a new password. Every page on the way is axe-audited and
checked for French typography."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail

from accounts.roles import Role
from tests.browser.support import assert_french_page, log_in
from tests.factories import GuardianFactory, HouseholdFactory, ParticipantFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sms_files(settings, tmp_path) -> Path:
    settings.SMS_BACKEND = "notifications.sms.filebased.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


@pytest.fixture
def code_family():
    """A family that never chose a password."""
    user = user_with_role(Role.FAMILY, email="", first_name="Nadia")
    user.set_unusable_password()
    user.save()
    guardian = GuardianFactory(
        user=user,
        first_name="Nadia",
        last_name="Durand",
        phone="+33612345678",
        email="nadia.durand@example.org",
        language="fr",
    )
    ParticipantFactory(
        household=guardian.household,
        first_name="Lina",
        last_name="Durand",
        birth_date=datetime.date(2018, 3, 10),
    )
    return guardian


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _sms_texts(folder: Path) -> list[str]:
    return [path.read_text() for path in sorted(folder.glob("*.txt"))] if folder.exists() else []


def _ask_for_a_code(page, identifier: str) -> None:
    page.goto("/accounts/login/")
    assert_french_page(page)
    page.get_by_role("link", name="Recevoir un code par SMS ou par e-mail").click()
    assert_french_page(page)
    page.get_by_label("Adresse e-mail ou téléphone").fill(identifier)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/code/enter/")
    assert_french_page(page)
    field = page.get_by_label("Code reçu")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    box = page.locator("main form button[type=submit]").bounding_box()
    assert box["height"] >= 44


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_a_family_signs_in_with_a_code_received_by_e_mail(
    french_phone_page, live_server, code_family, sms_files
):
    page = french_phone_page
    _ask_for_a_code(page, "nadia.durand@example.org")
    _no_horizontal_scroll(page)
    assert _sms_texts(sms_files) == []
    message = mail.outbox[-1]
    assert message.to == ["nadia.durand@example.org"]
    page.get_by_label("Code reçu").fill(_code(message.subject))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    assert_french_page(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Nadia"


def test_a_family_signs_in_with_a_code_received_by_sms(
    french_phone_page, live_server, code_family, sms_files
):
    page = french_phone_page
    _ask_for_a_code(page, "06 12 34 56 78")
    (text,) = _sms_texts(sms_files)
    assert text.startswith("To: +33612345678")
    assert mail.outbox == []
    # A wrong code first: a plain message, the field named, nothing lost.
    wrong = f"{(int(_code(text)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code reçu").fill(wrong)
    page.locator("main form button[type=submit]").click()
    assert page.locator(".has-error").is_visible()
    assert "n’est pas bon" in page.locator("main").inner_text()
    assert_french_page(page)
    page.get_by_label("Code reçu").fill(_code(text))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    assert_french_page(page)
    page.goto("/my/family/")
    assert "Lina" in page.locator("main").inner_text()


def test_a_guardian_invited_by_a_mediator_claims_the_account(
    browser, french_phone_page, live_server, sms_files
):
    mediator = user_with_role(Role.MEDIATOR)
    household = HouseholdFactory(created_by=mediator)
    guardian = GuardianFactory(
        household=household,
        user=None,
        first_name="Fatou",
        last_name="Keita",
        phone="+33687654321",
        email="",
        language="fr",
    )
    ParticipantFactory(
        household=household,
        first_name="Moussa",
        last_name="Keita",
        birth_date=datetime.date(2017, 6, 1),
    )
    page = french_phone_page
    log_in(page, mediator, live_server.url)
    page.goto(f"/my/mediation/households/{household.pk}/")
    assert_french_page(page)
    form = page.locator(f"form[action='/notifications/invitations/guardians/{guardian.pk}/']")
    form.get_by_label("Inviter à se connecter par").select_option("sms")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/my/mediation/households/{household.pk}/")
    assert "L’invitation a été envoyée par SMS à Fatou Keita." in page.locator("main").inner_text()

    (text,) = _sms_texts(sms_files)
    assert text.startswith("To: +33687654321")
    link = re.search(r"https?://\S+/accounts/claim/\S+/", text).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # On Fatou's own phone.
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto(path)
        assert_french_page(phone)
        _no_horizontal_scroll(phone)
        phone.get_by_label(
            "Avec un code envoyé à chaque fois sur mon téléphone ou par e-mail"
        ).check()
        phone.locator("main form button[type=submit]").click()
        phone.wait_for_url(live_server.url + "/")
        assert_french_page(phone)
        assert "Bienvenue" in phone.locator("body").inner_text()
        phone.goto("/my/family/")
        assert_french_page(phone)
        main = phone.locator("main").inner_text()
        assert "Moussa" in main and "Fatou" in main
        # The same link does not work twice.
        phone.goto(path)
        assert phone.get_by_role("heading", level=1).inner_text() == "Invitation non valable"
    finally:
        context.close()
    guardian.refresh_from_db()
    assert guardian.user is not None
    from households.models import Household

    assert Household.objects.count() == 1


def test_a_forgotten_password_is_reset_by_e_mail(french_phone_page, live_server):
    user = user_with_role(Role.FAMILY, email="awa.diallo@example.org", first_name="Awa")
    GuardianFactory(user=user, first_name="Awa", phone="+33699887766", email="")
    page = french_phone_page
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Mot de passe oublié\u00a0?").click()
    assert_french_page(page)
    assert "Administration de Django" not in page.content()
    page.get_by_label("Adresse e-mail").fill("awa.diallo@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/password_reset/done/")
    assert_french_page(page)

    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert_french_page(page)
    page.locator("input[name=new_password1]").fill("une-phrase-toute-neuve")
    page.locator("input[name=new_password2]").fill("une-phrase-toute-neuve")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/reset/done/")
    assert_french_page(page)

    page.locator("main a.button").click()
    page.get_by_label("Adresse e-mail ou téléphone").fill("06 99 88 77 66")
    page.locator("#id_password").fill("une-phrase-toute-neuve")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Awa"
