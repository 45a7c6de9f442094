"""A household asks what the service holds about it: the coordinator finds the export on the
household's page and hands it over as a page, a PDF or a JSON file, all in plain French —
statuses and channels in words, dates and times in Europe/Paris written out, and the audit
trail in sentences."""

import datetime
import shutil
import subprocess
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from accounts.roles import Role
from enrolment.models import EnrolmentStatus
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# 12:00 UTC on a Tuesday of summer time: 14:00 in Paris.
STARTS_AT = datetime.datetime(2026, 9, 1, 12, 0, tzinfo=datetime.UTC)
IN_WORDS = "mardi 1 septembre 2026, 14:00"


@pytest.fixture
def household():
    household = HouseholdFactory()
    GuardianFactory(household=household, last_name="Benali", preferred_channel="sms")
    child = ParticipantFactory(household=household, first_name="Yanis")
    programme = ProgrammeFactory(title="Atelier cuisine")
    session = SessionFactory(
        programme=programme, starts_at=STARTS_AT, ends_at=STARTS_AT + datetime.timedelta(hours=2)
    )
    EnrolmentFactory(
        participant=child, programme=programme, session=session, status=EnrolmentStatus.CONFIRMED
    )
    return household


@pytest.fixture
def coordinator_in_french(client):
    coordinator = user_with_role(Role.COORDINATOR, first_name="Awa", last_name="Diallo")
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return coordinator


def _no_codes(text: str) -> None:
    for code in (
        "confirmed",
        "2026-09-01T",
        "12:00",
        "enrolment.household",
        "households.household",
        "sms · fr",
    ):
        assert code not in text, code


def test_the_household_page_links_to_the_export_for_those_who_handle_requests(client, household):
    client.force_login(user_with_role(Role.COORDINATOR))
    page = client.get(f"/my/mediation/households/{household.pk}/").content.decode()
    assert f'href="/privacy/households/{household.pk}/export/"' in page

    mediator = user_with_role(Role.MEDIATOR)
    household.created_by = mediator
    household.save()
    client.force_login(mediator)
    page = client.get(f"/my/mediation/households/{household.pk}/")
    assert page.status_code == 200
    assert "/privacy/households/" not in page.content.decode()


def test_the_export_page_reads_in_plain_french(client, household, coordinator_in_french):
    client.get(f"/my/mediation/households/{household.pk}/")  # a read, for the audit trail
    with time_machine.travel(datetime.datetime(2026, 9, 2, 8, 30, tzinfo=PARIS), tick=False):
        page = client.get(f"/privacy/households/{household.pk}/export/").content.decode()
    assert IN_WORDS in page
    assert "Confirmée" in page or "Confirmé" in page
    assert ">SMS<" in page and "Français" in page
    assert "mercredi 2 septembre 2026, 08:30" in page  # when the export was made
    # The audit trail in sentences: who, what, which household.
    assert "a consulté\u00a0: foyer Benali" in page
    assert "fiche du foyer" in page
    _no_codes(page)
    assert f'href="/privacy/households/{household.pk}/export.pdf"' in page


def test_the_json_download_is_in_words_too(client, household, coordinator_in_french):
    response = client.get(f"/privacy/households/{household.pk}/export.json")
    assert response["Content-Disposition"].startswith('attachment; filename="foyer-')
    data = response.json()
    enrolment = data["enrolments"][0]
    assert enrolment["participant"].startswith("Yanis")
    assert enrolment["session_starts_at"] == IN_WORDS
    assert enrolment["status"].startswith("Confirm")
    assert data["guardians"][0]["preferred_channel"] == "SMS"
    assert data["guardians"][0]["language"] == "Français"
    assert data["sections"]["participants"] == "Participants"
    body = response.content.decode()
    for code in ('"confirmed"', '"sms"', '"fr"', "2026-09-01T", "+00:00"):
        assert code not in body, code


@pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="needs pdftotext (Debian's poppler-utils; `make browser` installs it)",
)
def test_the_pdf_download_says_what_the_page_says(
    client, household, coordinator_in_french, tmp_path
):
    response = client.get(f"/privacy/households/{household.pk}/export.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(text.split())
    assert "Benali" in text and "Yanis" in text and "Atelier cuisine" in text
    assert IN_WORDS in text
    _no_codes(text)


def test_the_audit_page_names_kinds_and_summaries_in_words(client, household):
    coordinator = user_with_role(Role.COORDINATOR)
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.get(f"/my/mediation/households/{household.pk}/")
    page = client.get("/accounts/audit/").content.decode()
    assert "foyer n° " in page and "fiche du foyer" in page
    assert ">enrolment.household<" not in page and "household detail" not in page
