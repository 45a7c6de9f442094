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


def test_a_contact_without_a_place_is_refused_before_it_is_queued_and_nothing_is_lost(
    phone_page, live_server
):
    page = phone_page
    mediator = MediatorFactory()
    log_in(page, mediator.user, live_server.url)
    page.goto("/attendance/outreach/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()

    page.context.set_offline(True)
    page.fill("#outreach-neighbourhood", "Les Martinets")
    page.fill("#count-6-11-female", "4")
    page.click("#outreach-save")
    page.wait_for_selector("#outreach-place-error")
    assert page.get_attribute("#outreach-place", "aria-invalid") == "true"
    assert page.input_value("#count-6-11-female") == "4"
    assert page.input_value("#outreach-neighbourhood") == "Les Martinets"
    assert page.evaluate("JSON.parse(localStorage.getItem('outreach-queue') || '[]').length") == 0
    assert_accessible(page)

    page.fill("#outreach-place", "Marché")
    page.click("#outreach-save")
    page.wait_for_selector("#outreach-status.pending")
    assert page.locator("#outreach-place-error").count() == 0
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#outreach-status.saved", timeout=20_000)
    assert OutreachContact.objects.get().place == "Marché"


def test_a_contact_the_server_refuses_comes_back_into_the_form(phone_page, live_server):
    page = phone_page
    mediator = MediatorFactory()
    log_in(page, mediator.user, live_server.url)
    page.goto("/attendance/outreach/")
    # Queued by an older page, offline, with a place of spaces only: the server refuses it.
    page.evaluate(
        """() => localStorage.setItem("outreach-queue", JSON.stringify([{
            client_id: "7d8f0c1e-4a7b-4c39-9a51-2f0a3c8e9b10", day: "2026-01-05",
            place: "   ", neighbourhood: "Les Martinets", in_qpv: true,
            theme: "health_prevention", referral: false,
            counts: [{age_band: "6-11", sex: "female", count: 4}]
        }]))"""
    )
    page.reload()
    page.wait_for_selector("#outreach-status.error")
    assert page.input_value("#outreach-neighbourhood") == "Les Martinets"
    assert page.input_value("#count-6-11-female") == "4"
    assert page.locator("#outreach-place-error").count() == 1
    assert not OutreachContact.objects.exists()

    page.fill("#outreach-place", "Marché")
    page.click("#outreach-save")
    page.wait_for_selector("#outreach-status.saved", timeout=20_000)
    contact = OutreachContact.objects.get()
    assert (contact.place, contact.neighbourhood) == ("Marché", "Les Martinets")
    assert page.evaluate("JSON.parse(localStorage.getItem('outreach-refused') || '[]').length") == 0
