"""A mediator's register offline: one entry the server refuses must not hold back the others.

The tester's case: a newcomer's birth date typed as 0201-05-04 on a phone date picker, queued
offline with marks before and after it. The server refuses the whole batch for that one date
(422, naming ``walk_ins.0.birth_date``); the page used to resend the same batch for ever.
"""

import json
import uuid

import pytest
from django.utils import timezone

from attendance.models import Attendance
from households.models import Participant
from tests.browser.support import assert_french_page, log_in
from tests.browser.test_attendance_offline import tap, wait_until
from tests.factories import build_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_register(page, session, mediator, live_server):
    log_in(page, mediator.user, live_server.url)
    page.goto("/attendance/")
    page.click(f'a[href="/attendance/sessions/{session.pk}/"]')
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    walk_in_url = f"/attendance/sessions/{session.pk}/walk-in/"
    wait_until(page, f"async () => !!(await caches.match('{walk_in_url}'))")


def sorted_people(people):
    return sorted(people, key=lambda person: (person.last_name, person.first_name, person.pk))


def test_a_mistyped_birth_date_is_refused_when_typed(french_phone_page, live_server):
    page = french_phone_page
    session, mediator, _people = build_register(
        participants=1,
        starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0),
    )
    open_register(page, session, mediator, live_server)
    page.context.set_offline(True)
    page.click(f'a[href="/attendance/sessions/{session.pk}/walk-in/"]')
    page.fill("#id_first_name", "Awa")
    page.fill("#id_last_name", "Diallo")
    page.fill("#id_birth_date", "0201-05-04")
    page.click("#newcomer-form button[type=submit]")

    error = page.text_content("#newcomer-error")
    assert "date de naissance" in error and "aujourd’hui" in error, error
    assert page.evaluate(f"localStorage.getItem('attendance-walkins-{session.pk}')") is None
    assert page.input_value("#id_first_name") == "Awa"  # nothing typed is lost
    assert_french_page(page)


def test_one_refused_walk_in_does_not_hold_back_the_marks(french_phone_page, live_server):
    page = french_phone_page
    session, mediator, people = build_register(
        participants=5,
        starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0),
    )
    people = sorted_people(people)
    open_register(page, session, mediator, live_server)

    tap(page, people[0], "present")
    page.wait_for_selector("#sync-status.saved")

    page.context.set_offline(True)
    tap(page, people[1], "present")
    tap(page, people[2], "late")
    # The newcomer as a page without the date check queued it (a phone that kept the old
    # script, or any value the server refuses), then one more mark after it.
    bad = {
        "client_id": str(uuid.uuid4()),
        "first_name": "Bébé",
        "last_name": "Koné",
        "birth_date": "0201-05-04",
        "neighbourhood": "",
        "in_qpv": False,
        "registered_at": timezone.now().isoformat(),
    }
    page.evaluate(
        "([key, item]) => localStorage.setItem(key, JSON.stringify([item]))",
        [f"attendance-walkins-{session.pk}", bad],
    )
    tap(page, people[3], "absent")
    page.wait_for_selector("#sync-status.pending")

    page.context.set_offline(False)
    page.wait_for_selector("#held-items:not([hidden])", timeout=20_000)
    wait_until(page, "() => !document.querySelector('#sync-status.pending')", seconds=20)

    # Every good mark reached the server, the last one too.
    held = dict(Attendance.objects.filter(session=session).values_list("participant_id", "status"))
    assert held == {
        people[0].pk: "present",
        people[1].pk: "present",
        people[2].pk: "late",
        people[3].pk: "absent",
    }
    assert not Participant.objects.filter(last_name="Koné").exists()
    # The newcomer is kept on the phone, named, with what to correct in plain French.
    message = page.text_content("#held-list")
    assert "KONÉ Bébé" in message and "date de naissance" in message, message
    assert "walk_ins" not in page.text_content("body")
    assert "corriger" in page.text_content("#sync-status")
    assert_french_page(page)
    stored = json.loads(page.evaluate(f"localStorage.getItem('attendance-held-{session.pk}')"))
    assert [entry["item"]["client_id"] for entry in stored] == [bad["client_id"]]

    # She corrects the year; the same newcomer (same client id) is sent and drawn on the page.
    page.click("#held-list .held-fix-button")
    page.fill(f"#held-birth-{bad['client_id']}", "2019-05-04")
    page.click("#held-list .held-resend")
    page.wait_for_selector(".register-row .tag", timeout=20_000)
    page.wait_for_selector("#sync-status.saved", timeout=20_000)
    assert page.is_hidden("#held-items")
    newcomer = Participant.objects.get(last_name="Koné")
    assert str(newcomer.birth_date) == "2019-05-04"
    assert Attendance.objects.get(participant=newcomer).registration_client_id == uuid.UUID(
        bad["client_id"]
    )


def test_a_refused_mark_is_named_and_can_be_deleted(french_phone_page, live_server):
    """A 422 on one mark (here a status the server does not know, as an older page could
    queue): the other marks go out, the refused one is named and can be deleted."""
    page = french_phone_page
    session, mediator, people = build_register(
        participants=3,
        starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0),
    )
    people = sorted_people(people)
    open_register(page, session, mediator, live_server)
    page.context.set_offline(True)
    tap(page, people[0], "present")
    page.evaluate(
        "([key, item]) => { const queue = JSON.parse(localStorage.getItem(key)) || [];"
        " queue.unshift(item); localStorage.setItem(key, JSON.stringify(queue)); }",
        [
            f"attendance-queue-{session.pk}",
            {
                "client_id": str(uuid.uuid4()),
                "participant_id": people[1].pk,
                "status": "gone",
                "note": "",
                "client_marked_at": timezone.now().isoformat(),
                "reason": "",
            },
        ],
    )
    tap(page, people[2], "late")
    page.context.set_offline(False)
    page.wait_for_selector("#held-items:not([hidden])", timeout=20_000)
    wait_until(page, "() => !document.querySelector('#sync-status.pending')", seconds=20)
    held = dict(Attendance.objects.filter(session=session).values_list("participant_id", "status"))
    assert held == {people[0].pk: "present", people[2].pk: "late"}
    assert people[1].full_name in page.text_content("#held-list")
    assert "statut" in page.text_content("#held-list")

    page.click("#held-list .held-delete")
    page.wait_for_selector("#sync-status.saved")
    assert page.is_hidden("#held-items")
    assert page.evaluate(f"localStorage.getItem('attendance-held-{session.pk}')") == "[]"
