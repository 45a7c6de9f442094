"""One journey per role on a phone, end to end, with an axe audit of every page visited.

Elements are found by their names, values and addresses rather than their text, so that the
journeys pass in French and in English alike.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from attendance.models import Attendance
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from programmes.models import EnrolmentMode, Mediator
from sessions.models import Schedule, Session, SessionStatus
from tests.browser.support import assert_accessible
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    VenueFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def sign_in(page, username: str) -> None:
    page.goto(reverse("login"))
    assert_accessible(page)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")
    assert_accessible(page)


def test_coordinator_creates_a_programme_with_a_previewed_schedule_and_cancels_a_session(
    phone_page,
):
    page = phone_page
    user_with_role(Role.COORDINATOR, username="claire")
    venue = VenueFactory(name="Centre social")
    first_day = timezone.localdate() + datetime.timedelta(days=1)
    sign_in(page, "claire")

    page.locator(f"main a[href='{reverse('coordination:programme-create')}']").first.click()
    assert_accessible(page)
    page.fill("#id_title", "Atelier parents")
    page.select_option("#id_kind", "family_course")
    page.select_option("#id_field", "socio_educational")
    page.select_option("#id_audience", "parents")
    page.select_option("#id_enrolment_mode", "whole_cycle")
    page.fill("#id_capacity", "12")
    page.select_option("#id_venue", str(venue.pk))
    page.select_option("#id_status", "published")
    page.select_option("#id_schedule-kind", "weekly")
    for index in range(7):  # every day of the week: the preview cannot be empty
        page.check(f"#id_schedule-weekdays_{index}")
    page.fill("#id_schedule-start_date", first_day.isoformat())
    page.fill("#id_schedule-end_date", (first_day + datetime.timedelta(days=13)).isoformat())
    page.fill("#id_schedule-start_time", "14:00")
    page.fill("#id_schedule-end_time", "16:00")

    page.click("button[name=action][value=preview]")
    preview = page.locator("#preview")
    preview.wait_for()
    assert preview.locator(".preview-dates li").count() >= 1
    assert not Schedule.objects.exists()  # the preview saved nothing
    assert_accessible(page)

    page.click("button[name=action][value=save]")
    page.wait_for_url("**/coordination/programmes/*/")
    assert_accessible(page)
    session = (
        Session.objects.filter(programme__title="Atelier parents").order_by("starts_at").first()
    )
    assert session is not None
    EnrolmentFactory(programme=session.programme)  # someone to tell

    page.click(f"a[href='{reverse('coordination:session-cancel', args=[session.pk])}']")
    assert_accessible(page)
    assert page.locator(".message-warning").inner_text().startswith("1")
    page.select_option("#id_reason_code", "other")
    page.fill("#id_reason", "Salle indisponible")
    page.click("main form button[type=submit].button-danger")
    page.wait_for_url("**/coordination/programmes/*/")
    assert_accessible(page)
    session.refresh_from_db()
    assert (session.status, session.status_reason) == (
        SessionStatus.CANCELLED,
        "Salle indisponible",
    )


def test_family_enrols_a_child_and_cancels(phone_page):
    page = phone_page
    programme = ProgrammeFactory(title="Sport et culture", what_to_bring="Une gourde")
    session = SessionFactory(programme=programme)
    family = user_with_role(Role.FAMILY, username="nadia")
    household = GuardianFactory(user=family).household
    ParticipantFactory(household=household, first_name="Lina", last_name="Durand")
    sign_in(page, "nadia")

    page.click(f"main a[href='{reverse('catalogue:list')}']")
    assert_accessible(page)
    page.click(f"main a[href='{programme.get_absolute_url()}']")
    assert_accessible(page)
    page.click(f"main a[href='{reverse('enrolment:enrol', args=[programme.slug])}']")
    assert_accessible(page)
    page.get_by_label("Lina Durand").check()
    page.check(f"input[name=sessions][value='{session.pk}']")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('workspace:family')}")
    assert_accessible(page)
    enrolment = Enrolment.objects.get()
    assert enrolment.status == EnrolmentStatus.CONFIRMED

    page.goto("/")  # the home shows the session, who goes, and what to bring
    assert page.locator("main", has_text="Une gourde").is_visible()
    assert_accessible(page)
    page.click(f"main a[href='{reverse('workspace:family')}']")
    page.click(f"a[href='{reverse('enrolment:cancel', args=[enrolment.pk])}']")
    assert_accessible(page)  # the confirmation
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('workspace:family')}")
    assert_accessible(page)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED


def test_mediator_enrols_a_family_and_takes_attendance(phone_page):
    page = phone_page
    mediator = Mediator.objects.create(
        user=user_with_role(Role.MEDIATOR, username="amina"), field="socio_educational"
    )
    programme = ProgrammeFactory(title="Aide aux devoirs", enrolment_mode=EnrolmentMode.WHOLE_CYCLE)
    programme.mediators.add(mediator)
    now = timezone.now()
    session = SessionFactory(
        programme=programme, starts_at=now, ends_at=now + datetime.timedelta(minutes=1)
    )
    EnrolmentFactory.create_batch(2, programme=programme)
    household = GuardianFactory(last_name="Traoré", household__created_by=mediator.user).household
    ParticipantFactory(household=household, first_name="Issa", last_name="Traoré")
    sign_in(page, "amina")

    page.click(f"main a[href='{reverse('workspace:mediation')}']")
    assert_accessible(page)
    page.goto(f"{reverse('workspace:mediation')}?enrol_in={programme.slug}&q=Traoré")
    assert_accessible(page)
    page.click(f"main a[href^='{reverse('enrolment:enrol', args=[programme.slug])}']")
    assert_accessible(page)
    page.get_by_label("Issa Traoré").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('households:household', args=[household.pk])}*")
    assert_accessible(page)
    enrolment = Enrolment.objects.get(participant__household=household)
    assert (enrolment.status, enrolment.source) == (
        EnrolmentStatus.CONFIRMED,
        EnrolmentSource.MEDIATOR,
    )

    page.goto("/")
    page.click("a[data-register]")
    page.wait_for_url(f"**{reverse('attendance:register', args=[session.pk])}")
    assert_accessible(page)
    page.click("#all-present")
    page.wait_for_function(
        "() => document.querySelectorAll('input[value=present]:checked').length === 3"
    )
    assert_accessible(page)
    deadline = timezone.now() + datetime.timedelta(seconds=10)
    while Attendance.objects.filter(session=session).count() < 3 and timezone.now() < deadline:
        page.wait_for_timeout(200)
    assert Attendance.objects.filter(session=session, status="present").count() == 3


def test_partner_refers_a_pupil_and_copies_its_feed_url(phone_page):
    page = phone_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    partner = PartnerFactory(name="Collège Jean Perrin")
    partner.members.add(user_with_role(Role.PARTNER, username="julie"))
    programme = ProgrammeFactory(
        title="Remobilisation", enrolment_mode=EnrolmentMode.WHOLE_CYCLE, min_age=11, max_age=16
    )
    programme.partners.add(partner)
    SessionFactory(programme=programme)
    sign_in(page, "julie")

    page.click(f"main a[href='{reverse('workspace:partner')}']")
    assert_accessible(page)
    page.select_option("main form.filters select", str(programme.pk))
    page.locator("main form.filters button[type=submit]").click()
    page.wait_for_url(f"**{reverse('enrolment:partner-refer')}*")
    assert_accessible(page)
    page.fill("#id_first_name", "Yanis")
    page.fill("#id_last_name", "Martin")
    page.fill(
        "#id_birth_date", (timezone.localdate() - datetime.timedelta(days=13 * 366)).isoformat()
    )
    page.fill("#id_guardian_first_name", "Sarah")
    page.fill("#id_guardian_last_name", "Martin")
    page.fill("#id_guardian_phone", "06 12 34 56 78")
    page.fill("#id_note", "Absences répétées depuis octobre.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('workspace:partner')}")
    assert_accessible(page)
    referral = Enrolment.objects.get(referred_by_partner=partner)
    assert referral.status == EnrolmentStatus.PROPOSED

    page.goto("/")
    assert_accessible(page)
    page.click(f"main a[href='{reverse('calendars:mine')}']")
    assert_accessible(page)
    page.click("main form button[name=action][value=issue]")
    address = page.locator("input.feed-url").first
    address.wait_for()
    assert_accessible(page)
    page.click("button[data-copy]")
    page.locator("[id$=-copied]").first.wait_for(state="visible")
    assert page.evaluate("navigator.clipboard.readText()") == address.input_value()
    assert "/calendars/" in address.input_value()
