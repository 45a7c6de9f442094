"""A partner gets a private calendar link on a phone, and the link serves the feed."""

import pytest

from accounts.roles import Role
from tests.browser.support import assert_accessible, log_in
from tests.factories import PartnerFactory, ProgrammeFactory, SessionFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_creates_a_link_and_subscribes(phone_page, live_server):
    partner = PartnerFactory(name="Centre social")
    programme = ProgrammeFactory(title="Atelier cuisine")
    programme.partners.add(partner)
    SessionFactory(programme=programme)
    user = user_with_role(Role.PARTNER)
    partner.members.add(user)
    log_in(phone_page, user, live_server.url)

    phone_page.goto("/calendars/")
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Create a link").or_(
        phone_page.get_by_role("button", name="Créer un lien")
    ).click()
    field = phone_page.locator("input.feed-url")
    url = field.input_value()
    assert "/calendars/partners/" in url and url.endswith(".ics")
    webcal = phone_page.locator("a[href^='webcal://']").get_attribute("href")
    assert webcal == "webcal://" + url.split("://", 1)[1]
    assert_accessible(phone_page)

    path = url.split("/calendars/", 1)[1]
    # Reloading the page that showed the link re-sends nothing: the link keeps working.
    phone_page.reload()
    assert phone_page.locator("input.feed-url").count() == 0
    response = phone_page.request.get(f"{live_server.url}/calendars/{path}")
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "Atelier cuisine" in response.text()
