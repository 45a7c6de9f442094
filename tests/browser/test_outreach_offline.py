"""A mediator records people met on outreach with no connection; the report shows them."""

import pytest

from accounts.roles import Role
from attendance.models import OutreachContact
from tests.browser.support import assert_accessible, log_in
from tests.factories import MediatorFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outreach_tallies_entered_offline_appear_in_the_report(phone_page, live_server):
    page = phone_page
    mediator = MediatorFactory()
    log_in(page, mediator.user, live_server.url)
    page.goto("/attendance/outreach/")
    assert_accessible(page)
    # The worker controls the page and keeps a copy of it for offline use.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()

    page.context.set_offline(True)
    page.fill("#outreach-place", "Fête de quartier")
    page.fill("#outreach-neighbourhood", "Les Martinets")
    page.check("#outreach-qpv")
    page.fill("#count-6-11-female", "4")
    page.fill("#count-26-64-male", "3")
    page.check("#outreach-referral")
    page.click("#outreach-save")
    page.wait_for_selector("#outreach-status.pending")
    assert not OutreachContact.objects.exists()

    page.reload()  # offline: the page comes from the worker's copy, the queue from the phone
    page.wait_for_selector("#outreach-status.pending")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#outreach-status.saved", timeout=20_000)
    contact = OutreachContact.objects.get()
    assert (contact.place, contact.in_qpv, contact.referral) == ("Fête de quartier", True, True)

    log_in(page, user_with_role(Role.COORDINATOR), live_server.url)
    day = contact.day.isoformat()
    page.goto(f"/reports/?start={day}&end={day}")
    assert page.text_content('[data-indicator="outreach_people"] dd').strip() == "7"
