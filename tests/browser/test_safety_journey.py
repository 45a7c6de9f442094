"""On a phone: a guardian fills the safety sheet; the facilitator, offline, sees the flags,
checks one child out to an authorised person and another to someone not on the list with a
note; back online both reach the server and the coordinator is alerted."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from attendance.models import CheckOut
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from households.models import SafetySheet
from notifications.delivery import message_deliver
from notifications.models import Message, MessageKind
from programmes.models import EnrolmentMode, SafetySheetPart
from tests.browser.support import assert_accessible
from tests.factories import (
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    fill_safety_sheet,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def wait_until(page, predicate: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, predicate
        page.wait_for_timeout(100)


def log_in(page, user, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def test_sheet_flags_and_check_outs_offline_then_synced(phone_page, live_server):
    page = phone_page
    now = timezone.localtime()
    programme = ProgrammeFactory(
        enrolment_mode=EnrolmentMode.PER_SESSION, safety_sheet_parts=list(SafetySheetPart.values)
    )
    responsible = MediatorFactory(
        user=user_with_role(Role.MEDIATOR, email="mediatrice@example.org")
    )
    programme.mediators.add(responsible)
    session = SessionFactory(
        programme=programme,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=1),
    )
    facilitator = MediatorFactory()
    session.facilitators.add(facilitator)
    coordinator = user_with_role(Role.COORDINATOR, email="coordination@example.org")
    family = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(user=family, first_name="Fatou", last_name="Diallo")
    lina = ParticipantFactory(household=guardian.household, first_name="Lina", last_name="Diallo")
    noah = ParticipantFactory(first_name="Noah", last_name="Martin")
    for child in (lina, noah):
        Enrolment.objects.create(
            participant=child,
            programme=programme,
            session=session,
            status=EnrolmentStatus.CONFIRMED,
            sheet_pending=True,
            source=EnrolmentSource.MEDIATOR,
        )
    fill_safety_sheet(noah, allergies="")

    # The guardian fills Lina's sheet on her phone.
    log_in(page, family, "/my/family/")
    page.click(f'a[href="/my/participants/{lina.pk}/safety-sheet/"]')
    page.fill("#id_allergies", "Arachides : trousse d'urgence dans le sac")
    page.check("#id_has_pai")
    page.fill("#id_pai_details", "Stylo d'adrénaline, appeler le 15")
    page.fill("#id_doctor_name", "Dr Martin")
    page.fill("#id_doctor_phone", "01 46 70 00 00")
    page.fill("#id_contact_1_name", "Fatou Diallo")
    page.fill("#id_contact_1_relation", "mère")
    page.fill("#id_contact_1_phone", "06 00 00 00 01")
    page.fill("#id_authorised_1_name", "Awa Diallo")
    page.fill("#id_authorised_1_relation", "tante")
    page.fill("#id_authorised_1_phone", "06 11 22 33 44")
    page.check("#id_image_internal")
    assert_accessible(page)
    page.click("main button[type=submit]")
    page.wait_for_url("**/my/family/")
    sheet = SafetySheet.objects.get(participant=lina)
    assert sheet.filled_as == "guardian" and sheet.health["has_pai"] is True
    assert not Enrolment.objects.get(participant=lina).sheet_pending
    page.context.clear_cookies()

    # The facilitator opens the register; a copy is kept for offline use.
    log_in(page, facilitator.user, "/attendance/")
    page.goto(f"/attendance/sessions/{session.pk}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until(page, "async () => !!(await caches.match(location.href))")
    assert_accessible(page)

    page.context.set_offline(True)
    page.reload()
    lina_row = page.locator(f'li:has(fieldset[data-participant="{lina.pk}"])')
    flags = lina_row.locator(".safety-flags").inner_text()
    assert "Allergy" in flags and "PAI" in flags and "May not leave alone" in flags
    lina_row.locator(".safety-details summary").click()
    assert "Arachides" in lina_row.locator(".safety-details").inner_text()
    page.click(f'label[for="status-{lina.pk}-present"]')
    page.click(f'label[for="status-{noah.pk}-present"]')

    lina_row.locator(".check-out-form summary").click()
    lina_row.get_by_label("Awa Diallo (tante)").check()
    lina_row.locator(f'[data-check-out="{lina.pk}"]').click()
    noah_row = page.locator(f'li:has(fieldset[data-participant="{noah.pk}"])')
    noah_row.locator(".check-out-form summary").click()
    noah_row.locator(f"#collector-{noah.pk}-other").check()
    noah_row.locator(f"#other-name-{noah.pk}").fill("Karim Benali")
    noah_row.locator(f"#other-note-{noah.pk}").fill("Voisin envoyé par le père, carte vue")
    noah_row.locator(f'[data-check-out="{noah.pk}"]').click()
    assert "not sent yet" in page.text_content(f"#check-out-status-{noah.pk}")
    page.wait_for_selector("#sync-status.pending")
    assert not CheckOut.objects.exists()

    # Back online: marks, check-outs and the opening of the details reach the server.
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sync-status.saved", timeout=15_000)
    check_outs = {c.participant_id: c for c in CheckOut.objects.all()}
    assert check_outs[lina.pk].collected_by == "authorised"
    assert check_outs[lina.pk].collector_name == "Awa Diallo"
    assert check_outs[noah.pk].collected_by == "other"
    assert "carte vue" in check_outs[noah.pk].note
    assert "not sent yet" not in page.text_content(f"#check-out-status-{noah.pk}")
    alerts = Message.objects.filter(kind=MessageKind.CHECK_OUT_UNLISTED)
    assert coordinator in {message.recipient_user for message in alerts}
    assert responsible.user in {message.recipient_user for message in alerts}
    alert = alerts.get(recipient_user=coordinator)
    assert "Karim Benali" in str(alert.context)
    # The worker delivers it: the coordinator's e-mail names the child and the person, no
    # health detail.
    assert message_deliver(message_id=alert.pk) == "sent"
    sent = [email for email in mail.outbox if email.to == ["coordination@example.org"]]
    assert "Noah Martin" in sent[-1].subject
    assert "Karim Benali" in sent[-1].body and "Arachides" not in sent[-1].body
