"""A mediator takes a register on a phone, loses the connection, reloads, and loses nothing."""

import time

import pytest
from django.utils import timezone

from attendance.models import Attendance
from tests.browser.support import assert_french_page, log_in
from tests.factories import build_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until(page, predicate: str, seconds: float = 10) -> None:
    """Poll an async predicate (wait_for_function takes a promise for a truthy answer)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, predicate
        page.wait_for_timeout(100)


def tap(page, person, status):
    page.click(f'label[for="status-{person.pk}-{status}"]')


def test_register_taken_offline_reaches_the_server(phone_page, live_server):
    page = phone_page
    session, mediator, people = build_register(
        participants=8,
        starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0),
    )
    people = sorted(people, key=lambda person: (person.last_name, person.first_name, person.pk))

    page.goto("/accounts/login/?next=/attendance/")
    page.fill("#id_username", mediator.user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.click(f'a[href="/attendance/sessions/{session.pk}/"]')
    # The worker controls the page and a copy of it is kept for offline use.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until(page, "async () => !!(await caches.match(location.href))")

    tap(page, people[0], "present")
    tap(page, people[1], "late")
    tap(page, people[2], "absent")
    page.wait_for_selector("#sync-status.saved")
    assert Attendance.objects.filter(session=session).count() == 3

    page.context.set_offline(True)
    tap(page, people[3], "present")
    tap(page, people[4], "excused")
    tap(page, people[2], "present")  # a correction, offline
    page.wait_for_selector("#sync-status.pending")
    assert Attendance.objects.filter(session=session).count() == 3

    page.reload()
    assert page.is_checked(f"#status-{people[4].pk}-excused")
    assert page.is_checked(f"#status-{people[1].pk}-late")
    assert page.text_content('[data-figure="marked"]') == "5"
    assert page.text_content('[data-figure="rate"]') == "50 %"  # 4 of 8 present or late
    tap(page, people[5], "absent")
    page.wait_for_selector("#sync-status.pending")

    page.context.set_offline(False)
    page.wait_for_selector("#sync-status.saved", timeout=20_000)
    held = dict(Attendance.objects.filter(session=session).values_list("participant_id", "status"))
    assert held == {
        people[0].pk: "present",
        people[1].pk: "late",
        people[2].pk: "present",
        people[3].pk: "present",
        people[4].pk: "excused",
        people[5].pk: "absent",
    }
    assert page.evaluate(f"localStorage.getItem('attendance-queue-{session.pk}')") == "[]"


def test_a_walk_in_typed_offline_reaches_the_register_once(french_phone_page, live_server):
    """A mediator adds a walk-in offline, in French on a phone, and it syncs once."""
    page = french_phone_page
    session, mediator, people = build_register(
        participants=2,
        starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0),
    )
    walk_in_url = f"/attendance/sessions/{session.pk}/walk-in/"
    log_in(page, mediator.user, live_server.url)
    page.goto("/attendance/")
    page.click(f'a[href="/attendance/sessions/{session.pk}/"]')
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # The walk-in page is kept for offline use from the register, never opened online.
    wait_until(page, f"async () => !!(await caches.match('{walk_in_url}'))")

    page.context.set_offline(True)
    page.click(f'a[href="{walk_in_url}"]')
    assert_french_page(page)
    page.fill("#id_first_name", "Awa")
    page.fill("#id_last_name", "Diallo")
    page.click("#newcomer-form button[type=submit]")
    assert page.is_visible("#newcomer-error")  # no birth date: nothing sent, nothing lost
    assert page.input_value("#id_first_name") == "Awa"
    page.fill("#id_birth_date", "2015-04-02")
    page.click("#newcomer-form button[type=submit]")

    page.wait_for_url(f"**/attendance/sessions/{session.pk}/")
    assert "DIALLO Awa" in page.text_content("#pending-walk-ins")
    tap(page, people[0], "present")
    page.wait_for_selector("#sync-status.pending")
    assert_french_page(page)
    assert not Attendance.objects.filter(session=session).exists()

    page.context.set_offline(False)
    # Once sent, the page is drawn again by the server with the newcomer's row.
    page.wait_for_selector(".register-row .tag", timeout=20_000)
    page.wait_for_selector("#sync-status.saved", timeout=20_000)
    walk_ins = Attendance.objects.filter(session=session, walk_in=True)
    assert [(mark.participant.last_name, mark.status) for mark in walk_ins] == [
        ("Diallo", "present")
    ]
    assert Attendance.objects.filter(session=session).count() == 2
    assert page.evaluate(f"localStorage.getItem('attendance-walkins-{session.pk}')") == "[]"
