"""On a phone in French: a mediator registering a family the service knows is offered its
household and opens it rather than creating a second one; a family whose session was cancelled
sees it cancelled, with no cancel button. Every page on the way is axe-audited and checked for
French typography."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.models import Household
from programmes.models import EnrolmentMode
from sessions.services import session_cancel
from tests.browser.support import assert_french_page, log_in
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mediator_opens_the_household_of_a_family_the_service_knows(
    french_phone_page, live_server
):
    page = french_phone_page
    mediator = MediatorFactory()
    known = HouseholdFactory(created_by=mediator.user)
    GuardianFactory(household=known, first_name="Awa", last_name="Traoré", phone="+33611223344")
    log_in(page, mediator.user, live_server.url)

    page.goto(reverse("households:household-create"))
    assert_french_page(page)
    page.fill("#id_first_name", "Awa")
    page.fill("#id_last_name", "Traore")
    page.fill("#id_phone", "06 11 22 33 44")
    page.locator("main form button[type=submit]").last.click()

    assert_french_page(page)
    assert page.locator(".duplicates").is_visible()
    page.locator(
        f".duplicates a[href^='{reverse('households:household', args=[known.pk])}']"
    ).click()
    assert page.url.endswith(reverse("households:household", args=[known.pk]))
    assert_french_page(page)
    assert Household.objects.count() == 1


def test_a_family_sees_a_cancelled_session_and_no_cancel_button(french_phone_page, live_server):
    page = french_phone_page
    user = user_with_role(Role.FAMILY)
    lina = ParticipantFactory(household=GuardianFactory(user=user).household, first_name="Lina")
    programme = ProgrammeFactory(title="Atelier jeux", enrolment_mode=EnrolmentMode.PER_SESSION)
    rainy = SessionFactory(programme=programme)
    sunny = SessionFactory(
        programme=programme, starts_at=rainy.starts_at + datetime.timedelta(days=7)
    )
    cancelled = EnrolmentFactory(participant=lina, programme=programme, session=rainy)
    kept = EnrolmentFactory(participant=lina, programme=programme, session=sunny)
    session_cancel(session=rainy, reason_code="weather")
    log_in(page, user, live_server.url)

    page.goto(reverse("workspace:family"))
    assert_french_page(page)
    assert "Séance annulée" in page.locator("main").inner_text()
    assert (
        page.locator(f"a[href='{reverse('enrolment:cancel', args=[cancelled.pk])}']").count() == 0
    )
    assert page.locator(f"a[href='{reverse('enrolment:cancel', args=[kept.pk])}']").is_visible()
