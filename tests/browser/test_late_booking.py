"""A family books dates so close that they can no longer be cancelled online (the tester booked
today 14:00 and tomorrow 09:30 with a 24-hour deadline): the enrol page says so before booking,
and the family page offers the service's phone instead of a cancel button that cannot work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentStatus
from tests.browser.support import assert_french_page, log_in
from tests.factories import (
    GuardianFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dates_past_the_cancel_deadline_are_marked_and_the_family_is_told_whom_to_call(
    french_phone_page, live_server, settings
):
    page = french_phone_page
    settings.SERVICE_CONTACT = {
        "phone": "01 49 60 00 00",
        "hours": "9:00–17:00",
        "address": "1 place",
    }
    programme = ProgrammeFactory(
        title="Santé des femmes", min_age=None, max_age=None, cancellation_deadline_hours=24
    )
    now = timezone.now()
    today = SessionFactory(programme=programme, starts_at=now + datetime.timedelta(hours=3))
    tomorrow = SessionFactory(programme=programme, starts_at=now + datetime.timedelta(hours=22))
    later = SessionFactory(programme=programme, starts_at=now + datetime.timedelta(days=5))
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user, first_name="Nadia").household
    ParticipantFactory(household=household, first_name="Lina", last_name="Durand")
    log_in(page, user, live_server.url)

    page.goto(reverse("enrolment:enrol", args=[programme.slug]))
    for session in (today, tomorrow):
        label = page.locator(f"label:has(#session-{session.pk})")
        assert "ne pourra pas être annulée en ligne" in label.inner_text()
        assert "24 heures avant le début" in label.inner_text()
    assert "annulée" not in page.locator(f"label:has(#session-{later.pk})").inner_text()
    assert_french_page(page)

    page.get_by_label("Lina Durand").check()
    for session in (today, tomorrow, later):
        page.locator(f"#session-{session.pk}").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('workspace:family')}")
    assert Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED).count() == 3

    for session in (today, tomorrow):
        enrolment = Enrolment.objects.get(session=session)
        card = page.locator(".enrolment-list > li").filter(
            has=page.locator(
                f"time[datetime='{timezone.localtime(session.starts_at).isoformat()}']"
            )
        )
        assert card.count() == 1
        assert (
            card.locator(f"a[href='{reverse('enrolment:cancel', args=[enrolment.pk])}']").count()
            == 0
        )
        text = card.inner_text()
        assert "trop tard pour annuler en ligne" in text and "01 49 60 00 00" in text, text
        assert card.locator("a[href='tel:01 49 60 00 00']").count() == 1
    late = Enrolment.objects.get(session=later)
    assert page.locator(f"a[href='{reverse('enrolment:cancel', args=[late.pk])}']").count() == 1
    assert_french_page(page)
