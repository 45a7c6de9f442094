"""On a phone: a family enrols its child from the programme page; a mediator registers a family
in the field and enrols its child on its behalf. Selectors avoid translated text: the French
catalogue may change wording, not the journey."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from households.models import Household
from programmes.models import EnrolmentMode
from tests.browser.support import assert_accessible
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def log_in_with_the_form(page, user) -> None:
    page.goto(reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_family_enrols_a_child_from_the_programme_page_then_cancels(phone_page):
    page = phone_page
    programme = ProgrammeFactory(title="Sport et culture", min_age=6, max_age=11)
    session = SessionFactory(programme=programme)
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user, first_name="Nadia").household
    ParticipantFactory(household=household, first_name="Lina", last_name="Durand")

    log_in_with_the_form(page, user)
    page.locator(f"main a[href='{reverse('workspace:family')}']").click()
    assert_accessible(page)

    page.goto(programme.get_absolute_url())
    page.locator(f"a[href='{reverse('enrolment:enrol', args=[programme.slug])}']").click()
    assert_accessible(page)
    page.get_by_label("Lina Durand").check()
    page.locator(f"input[name=sessions][value='{session.pk}']").check()
    page.locator("main form button[type=submit]").click()

    assert page.url.endswith(reverse("workspace:family"))
    card = page.locator(".enrolment-list li", has_text="Sport et culture")
    assert card.locator(".badge-ok").is_visible()
    assert page.locator(".message-success").is_visible()
    enrolment = Enrolment.objects.get()
    assert (enrolment.status, enrolment.source) == (
        EnrolmentStatus.CONFIRMED,
        EnrolmentSource.FAMILY_ONLINE,
    )
    assert_accessible(page)

    card.locator(f"a[href='{reverse('enrolment:cancel', args=[enrolment.pk])}']").click()
    page.locator("main form button[type=submit]").click()
    assert page.locator(".enrolment-list li .badge-danger").is_visible()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED


def test_mediator_registers_a_family_and_enrols_its_child_on_its_behalf(phone_page):
    page = phone_page
    programme = ProgrammeFactory(
        title="Parcours", enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=1
    )
    SessionFactory(programme=programme)
    EnrolmentFactory(programme=programme)  # the only place is taken
    mediator = MediatorFactory()
    programme.mediators.add(mediator)

    log_in_with_the_form(page, mediator.user)
    page.locator(f"main a[href='{reverse('workspace:mediation')}']").click()
    assert_accessible(page)
    page.goto(reverse("enrolment:programme-people", args=[programme.pk]))
    page.locator(f"main a[href$='?enrol_in={programme.slug}']").first.click()
    page.locator(f"a[href^='{reverse('households:household-create')}']").click()
    assert_accessible(page)
    page.fill("#id_first_name", "Awa")
    page.fill("#id_last_name", "Traoré")
    page.fill("#id_phone", "06 11 22 33 44")
    page.fill("#id_neighbourhood", "Les Martinets")
    page.check("#id_in_qpv")
    page.fill("#id_child_first_name", "Issa")
    page.fill(
        "#id_child_birth_date",
        (timezone.localdate().replace(day=1) - datetime.timedelta(days=9 * 365)).isoformat(),
    )
    page.locator("main form button[type=submit]").click()

    household = Household.objects.get(guardians__first_name="Awa")
    assert household.in_qpv and household.created_by == mediator.user
    page.locator(f"main a[href^='{reverse('enrolment:enrol', args=[programme.slug])}']").click()
    page.get_by_label("Issa Traoré").check()
    page.locator("main form button[type=submit]").click()

    assert page.url.endswith(reverse("households:household", args=[household.pk]))
    assert page.locator(".message-warning").is_visible()
    enrolment = Enrolment.objects.get(participant__household=household)
    assert (enrolment.status, enrolment.waitlist_position, enrolment.source) == (
        EnrolmentStatus.WAITLISTED,
        1,
        EnrolmentSource.MEDIATOR,
    )
    assert_accessible(page)

    page.goto(reverse("enrolment:programme-people", args=[programme.pk]))
    assert page.locator("table", has_text="Issa Traoré").is_visible()
    assert_accessible(page)


def test_other_enrolment_pages_pass_axe_on_a_phone(phone_page, live_server):
    page = phone_page
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE)
    SessionFactory(programme=programme)
    partner_user = user_with_role(Role.PARTNER)
    partner = programme.partners.create(name="Centre social", kind="social_centre")
    partner.members.add(partner_user)
    referral = EnrolmentFactory(
        programme=programme,
        status=EnrolmentStatus.PROPOSED,
        source=EnrolmentSource.PARTNER_REFERRAL,
        referred_by_partner=partner,
    )
    household = referral.participant.household
    GuardianFactory(household=household)
    mediator = MediatorFactory()
    programme.mediators.add(mediator)

    log_in_with_the_form(page, partner_user)
    for url in (
        reverse("workspace:partner"),
        reverse("enrolment:partner-refer") + f"?programme={programme.pk}",
    ):
        page.goto(url)
        assert_accessible(page)
    page.locator("main form button[type=submit]").click()  # empty: errors tied to fields
    assert page.locator("[aria-invalid=true]").count() > 0
    assert_accessible(page)

    page.context.clear_cookies()
    log_in_with_the_form(page, mediator.user)
    for url in (
        reverse("workspace:mediation") + "?q=" + household.guardians.first().last_name,
        reverse("households:consents", args=[household.pk]),
        reverse("households:child-add", args=[household.pk]),
        reverse("enrolment:cancel", args=[referral.pk]),
    ):
        page.goto(url)
        assert_accessible(page)
