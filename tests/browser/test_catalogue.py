"""A family on a phone finds a holiday activity in the catalogue and sees its coming sessions."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programmes.models import Kind
from tests.factories import ProgrammeFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_by_kind_then_open_a_programme_on_a_phone(phone_page):
    football = ProgrammeFactory(title="Foot des vacances", kind=Kind.HOLIDAY_ACTIVITY)
    ProgrammeFactory(title="Santé des femmes", kind=Kind.HEALTH_PREVENTION)
    ProgrammeFactory(title="Parents et école", kind=Kind.FAMILY_COURSE)
    first = (timezone.now() + datetime.timedelta(days=2)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    for day in range(3):
        starts_at = first + datetime.timedelta(days=day)
        SessionFactory(
            programme=football, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
        )
    past = timezone.now() - datetime.timedelta(days=3)
    SessionFactory(programme=football, starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    page = phone_page

    page.goto("/programmes/")
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 10, "site.css is served"
    cards = page.locator(".cards .card h2")
    expect(cards).to_have_count(3)

    page.select_option("#id_kind", Kind.HOLIDAY_ACTIVITY)
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"[?&]kind={Kind.HOLIDAY_ACTIVITY}(&|$)"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_text("Foot des vacances")
    # Nothing overflows sideways on a 390 px wide screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    cards.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foot des vacances")
    sessions = page.locator(".session-list li")
    expect(sessions).to_have_count(3)  # the past session is not listed
    expect(sessions.first.locator("time")).to_have_attribute(
        "datetime", timezone.localtime(first).isoformat()
    )
