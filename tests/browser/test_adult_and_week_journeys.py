"""On a phone in French: a mother joins "Santé des femmes" herself; a family books three dates
of a holiday week in one submission; a family leaves a started cycle and the mediator sees it; a partner refers a family the
service knows and is offered its household. Every page on the way is axe-audited and checked for French
typography. Selectors avoid translated text where they can."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentStatus
from programmes.models import Audience
from tests.browser.support import assert_french_page, french_typography_faults, log_in
from tests.factories import (
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_typography_check_catches_what_it_should():
    assert french_typography_faults("Lina , Sami")
    assert french_typography_faults("à partir de 18 ans .")
    assert french_typography_faults("Date : mardi")
    assert french_typography_faults("Date: mardi")
    assert not french_typography_faults("Date\u00a0: mardi 1 septembre 2026, 14:00")
    assert not french_typography_faults("https://example.org")


@pytest.fixture
def durand():
    user = user_with_role(Role.FAMILY)
    mother = GuardianFactory(user=user, first_name="Nadia", last_name="Durand")
    child = ParticipantFactory(
        household=mother.household,
        first_name="Lina",
        last_name="Durand",
        birth_date=datetime.date(2018, 3, 10),
    )
    return {"user": user, "mother": mother, "child": child}


def test_a_mother_joins_the_womens_health_workshop(french_phone_page, live_server, durand):
    page = french_phone_page
    programme = ProgrammeFactory(
        title="Santé des femmes",
        slug="sante-des-femmes",
        audience=Audience.WOMEN,
        min_age=18,
        max_age=None,
    )
    session = SessionFactory(programme=programme)
    log_in(page, durand["user"], live_server.url)

    page.goto(programme.get_absolute_url())
    assert_french_page(page)
    page.locator(f"a[href='{reverse('enrolment:enrol', args=[programme.slug])}']").click()
    assert_french_page(page)
    # Her daughter is listed with the reason, not offered.
    assert page.locator(f"input[value='p-{durand['child'].pk}']").count() == 0
    assert page.locator(".unfit-members").is_visible()
    page.locator(f"input[value='g-{durand['mother'].pk}']").check()
    page.locator("#id_birth_date").fill("1988-05-04")
    page.locator(f"input[name=sessions][value='{session.pk}']").check()
    page.locator("main form button[type=submit]").click()

    assert page.url.endswith(reverse("workspace:family"))
    assert_french_page(page)
    assert (
        page.locator(".enrolment-list li", has_text="Santé des femmes")
        .locator(".badge-ok")
        .is_visible()
    )
    enrolment = Enrolment.objects.get()
    assert enrolment.participant.guardian_record_id == durand["mother"].pk
    assert enrolment.status == EnrolmentStatus.CONFIRMED


def test_a_family_books_three_dates_of_a_holiday_week_at_once(
    french_phone_page, live_server, durand
):
    page = french_phone_page
    programme = ProgrammeFactory(
        title="Vacances sport et culture", min_age=6, max_age=11, capacity=1, waitlist_enabled=True
    )
    monday = (timezone.now() + datetime.timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    days = [
        SessionFactory(programme=programme, starts_at=monday + datetime.timedelta(days=n))
        for n in range(5)
    ]
    full = days[2]
    ParticipantFactory.create(first_name="Autre")  # someone else's household
    Enrolment.objects.create(
        participant=ParticipantFactory(birth_date=datetime.date(2018, 1, 1)),
        programme=programme,
        session=full,
        status=EnrolmentStatus.CONFIRMED,
        source="mediator",
    )
    log_in(page, durand["user"], live_server.url)

    page.goto(reverse("enrolment:enrol", args=[programme.slug]))
    assert_french_page(page)
    # The mother does not fit a children's activity: listed with the reason.
    assert page.locator(f"input[value='g-{durand['mother'].pk}']").count() == 0
    page.locator(f"input[value='p-{durand['child'].pk}']").check()
    for session in days[:3]:
        page.locator(f"input[name=sessions][value='{session.pk}']").check()
    box = page.locator(f"label:has(input[value='{days[0].pk}'])").bounding_box()
    assert box and box["height"] >= 44
    page.locator("main form button[type=submit]").click()

    assert page.url.endswith(reverse("workspace:family"))
    assert_french_page(page)
    assert page.locator(".message-success").count() == 2
    assert page.locator(".message-warning").count() == 1
    mine = Enrolment.objects.filter(participant=durand["child"]).order_by("session__starts_at")
    assert [(e.session_id, e.status) for e in mine] == [
        (days[0].pk, EnrolmentStatus.CONFIRMED),
        (days[1].pk, EnrolmentStatus.CONFIRMED),
        (full.pk, EnrolmentStatus.WAITLISTED),
    ]
    # Back on the form, the booked dates are marked.
    page.goto(reverse("enrolment:enrol", args=[programme.slug]))
    assert page.locator("label:has(input[name=sessions]) .meta").count() == 3


def test_a_family_leaves_a_started_cycle_and_the_mediator_sees_it(
    french_phone_page, live_server, durand
):
    page = french_phone_page
    programme = ProgrammeFactory(
        title="Parcours famille",
        enrolment_mode="whole_cycle",
        audience=Audience.PARENT_AND_CHILD,
        min_age=6,
        max_age=14,
    )
    SessionFactory(programme=programme, starts_at=timezone.now() - datetime.timedelta(days=7))
    SessionFactory(programme=programme, starts_at=timezone.now() + datetime.timedelta(days=7))
    enrolment = Enrolment.objects.create(
        participant=durand["child"],
        programme=programme,
        status=EnrolmentStatus.CONFIRMED,
        source="family_online",
        confirmed_at=timezone.now() - datetime.timedelta(days=20),
    )
    mediator = MediatorFactory()
    programme.mediators.add(mediator)
    log_in(page, durand["user"], live_server.url)

    page.goto(reverse("workspace:family"))
    assert_french_page(page)
    page.locator(f"a[href='{reverse('enrolment:cancel', args=[enrolment.pk])}']").click()
    assert_french_page(page)
    page.locator("#id_reason").fill("Horaires incompatibles avec le travail.")
    page.locator("main form button[type=submit]").click()
    assert page.url.endswith(reverse("workspace:family"))
    assert_french_page(page)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED

    page.context.clear_cookies()
    log_in(page, mediator.user, live_server.url)
    page.goto(reverse("enrolment:programme-people", args=[programme.pk]))
    assert_french_page(page)
    left = page.locator(".left-list li", has_text="Lina")
    assert left.is_visible()
    assert "Horaires incompatibles" in left.inner_text()


def test_a_partner_refers_a_known_family_and_is_offered_its_household(
    french_phone_page, live_server, durand
):
    page = french_phone_page
    programme = ProgrammeFactory(
        title="Remobilisation",
        enrolment_mode="whole_cycle",
        audience=Audience.CHILDREN,
        min_age=6,
        max_age=12,
    )
    SessionFactory(programme=programme)
    durand["mother"].phone = "+33612000001"
    durand["mother"].save()
    partner = PartnerFactory()
    member = user_with_role(Role.PARTNER)
    partner.members.add(member)
    log_in(page, member, live_server.url)

    page.goto(reverse("enrolment:partner-refer") + f"?programme={programme.pk}")
    assert_french_page(page)
    page.locator("#id_first_name").fill("Lina")
    page.locator("#id_last_name").fill("Durand")
    page.locator("#id_birth_date").fill("2018-03-10")
    page.locator("#id_guardian_first_name").fill("Nadia")
    page.locator("#id_guardian_last_name").fill("Durand")
    page.locator("#id_guardian_phone").fill("06 12 00 00 01")
    page.locator("main form button[type=submit]").click()

    assert_french_page(page)
    offered = page.locator(f"input[name=use_household][value='{durand['mother'].household_id}']")
    assert offered.is_checked()
    page.locator("main form button[type=submit]").click()
    assert page.url.endswith(reverse("workspace:partner"))
    assert_french_page(page)
    referral = Enrolment.objects.get()
    assert referral.participant == durand["child"]
    assert referral.status == EnrolmentStatus.PROPOSED
