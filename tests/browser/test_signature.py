"""A participant signs the register with a finger on the mediator's phone."""

import pytest
from django.utils import timezone

from attendance.models import RegisterSignature
from tests.browser.support import assert_accessible, log_in
from tests.factories import build_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_signature_drawn_on_a_phone_is_stored_and_shown(phone_page, live_server):
    page = phone_page
    session, mediator, people = build_register(
        participants=3,
        starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0),
    )
    person = sorted(people, key=lambda p: (p.last_name, p.first_name, p.pk))[0]
    log_in(page, mediator.user, live_server.url)
    page.goto(f"/attendance/sessions/{session.pk}/")
    page.click(f'a[href="/attendance/sessions/{session.pk}/sign/{person.pk}/"]')
    assert_accessible(page)

    # Saving an empty box is refused on the phone, before anything is sent.
    page.click("#signature-save")
    page.wait_for_selector("#signature-status:not(:empty)")
    assert not RegisterSignature.objects.exists()

    box = page.locator("#signature-pad").bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 20, y + (15 if step % 2 else -15))
    page.mouse.up()
    page.click("#signature-save")
    page.wait_for_url(f"**/attendance/sessions/{session.pk}/")

    signature = RegisterSignature.objects.get()
    assert (signature.session_id, signature.participant_id) == (session.pk, person.pk)
    assert signature.image.startswith("data:image/png;base64,")
    shown = page.locator(f'img[data-signed="{person.pk}"]')
    assert shown.is_visible()
    assert (
        page.evaluate(f"document.querySelector('img[data-signed=\"{person.pk}\"]').naturalWidth")
        > 0
    )
    assert_accessible(page)
