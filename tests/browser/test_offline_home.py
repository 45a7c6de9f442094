"""A mediator on a phone loses the connection: her home (/, "Ma journée", where the app
opens) and the follow-ups page still open, from the copy kept by the register's worker, and
say from when they are."""

import re

import pytest
from django.utils import timezone

from tests.browser.support import log_in
from tests.browser.test_attendance_offline import wait_until
from tests.factories import build_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_and_follow_ups_open_offline_with_the_time_they_were_saved(
    french_phone_page, live_server
):
    page = french_phone_page
    session, mediator, _people = build_register(
        participants=1,
        starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0),
    )
    log_in(page, mediator.user, live_server.url)
    page.goto("/")
    home_heading = page.locator("main h1").inner_text()
    page.goto(f"/attendance/sessions/{session.pk}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    for url in ("/", "/attendance/follow-ups/"):
        wait_until(page, f"async () => !!(await caches.match('{url}'))")
    assert page.is_hidden("#offline-notice")

    page.context.set_offline(True)
    for url in ("/", "/attendance/follow-ups/"):
        page.goto(url)
        notice = page.locator("#offline-notice")
        assert notice.is_visible(), url
        assert re.fullmatch(r"Hors ligne — page enregistrée à \d\d:\d\d", notice.inner_text())
    page.goto("/")
    assert page.locator("main h1").inner_text() == home_heading

    page.context.set_offline(False)
    page.goto("/")
    assert page.is_hidden("#offline-notice")
