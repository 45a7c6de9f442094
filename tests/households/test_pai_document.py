"""The PAI document: a guardian attaches it to the safety sheet; it is kept encrypted, served
only to those who may read the sheet (staff openings audited), refused with a clear message when
too large or of another kind, and exported, erased and removed by retention with the sheet."""

import base64
import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import AuditEvent
from accounts.roles import Role
from core.personal_data import household_data
from households.models import PaiDocument, SafetySheet
from privacy.services import safety_sheets_health_remove
from programmes.models import SafetySheetPart
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nLina: stylo d'adrenaline\n%%EOF"


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def world():
    family = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(user=family)
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    programme = ProgrammeFactory(safety_sheet_parts=list(SafetySheetPart.values))
    mediator = MediatorFactory()
    programme.mediators.add(mediator)
    session = SessionFactory(programme=programme)
    EnrolmentFactory(participant=child, programme=programme, session=session)
    partner = PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    partner.members.add(partner_user)
    EnrolmentFactory(participant=child, programme=ProgrammeFactory(), referred_by_partner=partner)
    return {
        "family": family,
        "child": child,
        "session": session,
        "mediator": mediator.user,
        "coordinator": user_with_role(Role.COORDINATOR),
        "other_mediator": MediatorFactory().user,
        "other_family": GuardianFactory(user=user_with_role(Role.FAMILY)).user,
        "partner": partner_user,
    }


def sheet_form(**overrides) -> dict:
    data = {
        "allergies": "Arachides",
        "has_pai": "on",
        "pai_details": "Stylo dans le sac",
        "contact_1_name": "Fatou Diallo",
        "contact_1_relation": "mère",
        "contact_1_phone": "06 00 00 00 01",
        "image_internal": "on",
    }
    return data | overrides


def page(child) -> str:
    return f"/my/participants/{child.pk}/safety-sheet/"


def document_url(child) -> str:
    return f"/my/participants/{child.pk}/safety-sheet/pai/"


def upload(client, world, content=PDF, name="pai-lina.pdf", **overrides):
    client.force_login(world["family"])
    return client.post(
        page(world["child"]),
        sheet_form(pai_document=SimpleUploadedFile(name, content), **overrides),
    )


def test_a_guardian_attaches_the_pai_and_it_is_unreadable_in_the_database(client, world):
    response = upload(client, world)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = PaiDocument.objects.get()
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM households_paidocument")
        (stored,) = cursor.fetchone()
    assert b"%PDF" not in stored.encode() and "adrenaline" not in stored
    assert SafetySheet.objects.get().pai_document == document
    assert "Open the current PAI document" in client.get(page(world["child"])).content.decode()


def test_the_childs_mediator_opens_it_and_the_opening_is_audited(client, world):
    upload(client, world)
    client.force_login(world["mediator"])
    response = client.get(document_url(world["child"]))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        action="view", object_type="households.safetysheet", summary__contains="PAI"
    ).exists()


@pytest.mark.parametrize("who", ["other_mediator", "other_family", "partner"])
def test_everyone_else_gets_404(client, world, who):
    upload(client, world)
    client.force_login(world[who])
    assert client.get(document_url(world["child"])).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, world):
    upload(client, world)
    client.logout()
    response = client.get(document_url(world["child"]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_new_version_without_a_file_keeps_the_document_and_a_new_file_replaces_it(client, world):
    upload(client, world)
    first = PaiDocument.objects.get()
    client.post(page(world["child"]), sheet_form(allergies="Arachides, kiwi"))
    assert SafetySheet.objects.get(superseded_at__isnull=True).pai_document == first
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload(client, world, content=png, name="pai.png")
    current = SafetySheet.objects.get(superseded_at__isnull=True)
    assert current.pai_document.content_type == "image/png"
    assert current.version == 3


def test_unticking_the_pai_drops_the_document_from_the_new_version(client, world):
    upload(client, world)
    data = sheet_form()
    del data["has_pai"]
    client.post(page(world["child"]), data)
    assert SafetySheet.objects.get(superseded_at__isnull=True).pai_document is None
    client.force_login(world["mediator"])
    assert client.get(document_url(world["child"])).status_code == 404


def test_a_file_too_large_is_refused_on_its_field_and_nothing_is_saved(client, world, monkeypatch):
    monkeypatch.setattr("households.services.safety.PAI_MAX_BYTES", 10)
    response = upload(client, world)
    assert response.status_code == 200
    body = response.content.decode()
    assert "too large" in body and "5 MB" in body
    assert 'value="Fatou Diallo"' in body  # what was typed is kept
    assert not SafetySheet.objects.exists() and not PaiDocument.objects.exists()


def test_a_file_of_another_kind_is_refused_whatever_its_name(client, world):
    response = upload(client, world, content=b"MZ\x90\x00 not a pdf", name="pai.pdf")
    assert response.status_code == 200
    assert "PDF, JPEG or PNG" in response.content.decode()
    assert not PaiDocument.objects.exists()


def test_the_households_export_holds_the_file_and_erasure_removes_it(client, world):
    upload(client, world)
    household = world["child"].household
    holder = next(h for h in household_data.holders() if h.key == "pai_documents")
    exported = holder.export(household)
    assert base64.b64decode(exported[0]["content_base64"]) == PDF
    assert exported[0]["name"] == "pai-lina.pdf"
    holder.erase(household, datetime.datetime.now(tz=datetime.UTC))
    assert not PaiDocument.objects.exists()


def test_retention_removes_the_document_with_the_health_details(client, world, settings):
    settings.SAFETY_SHEET_RETENTION_DAYS = 365
    upload(client, world)
    with time_machine.travel(world["session"].ends_at + datetime.timedelta(days=400), tick=False):
        assert safety_sheets_health_remove() == 1
    assert not PaiDocument.objects.exists()
    assert SafetySheet.objects.get().pai_document is None


def test_key_rotation_re_encrypts_the_documents_too(client, world, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from households.services import pai_document_content

    upload(client, world)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("safety_sheets_reencrypt", stdout=out)
    assert "1 PAI documents" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert pai_document_content(PaiDocument.objects.get()) == PDF
