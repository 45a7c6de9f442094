"""The safety sheet: a guardian or a mediator fills it, it is encrypted at rest, only the
people named may read it, a programme that requires it waits for it, and retention removes the
health details before the household."""

import datetime
import io

import pytest
import time_machine
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.roles import Role
from core.encryption import UnreadableCiphertext
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.services import enrolment_create
from households.models import Household, SafetySheet
from privacy.services import retention_anonymise, safety_sheets_health_remove
from programmes.models import EnrolmentMode, SafetySheetPart
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    fill_safety_sheet,
    user_with_role,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
SHEET = {
    "health": {
        "allergies": "Arachides (choc anaphylactique)",
        "diet": "Sans porc",
        "treatment": "",
        "has_pai": True,
        "pai_details": "Stylo dans le sac",
        "doctor_name": "Dr Martin",
        "doctor_phone": "01 46 70 00 00",
    },
    "emergency_contacts": [
        {"name": "Fatou Diallo", "relation": "mère", "phone": "06 00 00 00 01"},
        {"name": "Moussa Diallo", "relation": "père", "phone": "06 00 00 00 02"},
    ],
    "authorised_people": [{"name": "Awa Diallo", "relation": "tante", "phone": "06 11 22 33 44"}],
    "may_leave_alone": False,
    "leave_alone_signed_on": None,
    "image_rights": {"internal": True, "printed": False, "web": False, "social": False},
}


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def world():
    """A child enrolled in a holiday trip that requires the whole sheet, with the people
    around them."""
    family = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(user=family)
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    programme = ProgrammeFactory(safety_sheet_parts=list(SafetySheetPart.values))
    mediator = MediatorFactory()
    programme.mediators.add(mediator)
    session = SessionFactory(programme=programme)
    facilitator = MediatorFactory()
    session.facilitators.add(facilitator)
    EnrolmentFactory(participant=child, programme=programme, session=session)
    partner = PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    partner.members.add(partner_user)
    EnrolmentFactory(participant=child, programme=ProgrammeFactory(), referred_by_partner=partner)
    return {
        "family": family,
        "child": child,
        "programme": programme,
        "session": session,
        "mediator": mediator.user,
        "facilitator": facilitator.user,
        "coordinator": user_with_role(Role.COORDINATOR),
        "other_mediator": MediatorFactory().user,
        "other_family": GuardianFactory(user=user_with_role(Role.FAMILY)).user,
        "partner": partner_user,
    }


def put_sheet(client, child, body=SHEET):
    return client.put(
        f"{API}/participants/{child.pk}/safety-sheet", body, content_type="application/json"
    )


def test_guardian_fills_the_sheet_online_and_each_filling_is_a_new_version(client, world):
    client.force_login(world["family"])
    first = put_sheet(client, world["child"])
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 1
    assert first.json()["filled_as"] == "guardian"
    second = put_sheet(
        client,
        world["child"],
        SHEET | {"may_leave_alone": True, "leave_alone_signed_on": "2026-01-05"},
    )
    assert second.json()["version"] == 2
    assert second.json()["may_leave_alone"] is True
    assert sorted(second.json()["filled_parts"]) == sorted(SafetySheetPart.values)
    versions = list(SafetySheet.objects.filter(participant=world["child"]).order_by("version"))
    assert [v.superseded_at is None for v in versions] == [False, True]
    assert versions[0].health["allergies"].startswith("Arachides")
    read = client.get(f"{API}/participants/{world['child'].pk}/safety-sheet")
    assert read.json()["emergency_contacts"][0]["name"] == "Fatou Diallo"
    assert read.json()["health"]["has_pai"] is True


def test_a_mediator_filling_it_with_the_family_is_recorded_as_such(client, world):
    client.force_login(world["mediator"])
    response = put_sheet(client, world["child"])
    assert response.status_code == 200, response.content
    assert response.json()["filled_as"] == "mediator"
    assert response.json()["filled_by"] == world["mediator"].username


def test_bad_input_answers_400_naming_the_field_and_keeps_the_previous_version(client, world):
    client.force_login(world["family"])
    put_sheet(client, world["child"])
    bad = SHEET | {"authorised_people": [{"name": "Awa", "relation": "", "phone": "abc"}]}
    response = put_sheet(client, world["child"], bad)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "authorised_people.0.phone"
    no_date = SHEET | {"may_leave_alone": True}
    response = put_sheet(client, world["child"], no_date)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "leave_alone_signed_on"
    assert SafetySheet.objects.filter(participant=world["child"]).count() == 1


def test_the_sheet_is_unreadable_in_the_database_without_the_key(settings, world):
    fill_safety_sheet(world["child"], allergies="Arachides-SECRET", has_pai=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT health, contacts FROM enrolment_safetysheet")
        health, contacts = cursor.fetchone()
    assert "Arachides" not in health and "Diallo" not in contacts
    assert "adrénaline" not in health and "has_pai" not in health
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(health.encode())
    # The application without its key cannot read it either, and says so.
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UnreadableCiphertext):
        SafetySheet.objects.get(participant=world["child"])


def test_a_new_key_put_first_reads_old_sheets_and_encrypts_new_ones(settings, world):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    fill_safety_sheet(world["child"], allergies="Kiwi")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert SafetySheet.objects.get(participant=world["child"]).health["allergies"] == "Kiwi"
    call_command("safety_sheets_reencrypt", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert SafetySheet.objects.get(participant=world["child"]).health["allergies"] == "Kiwi"


@pytest.mark.parametrize("who", ["family", "mediator", "facilitator", "coordinator"])
def test_the_family_and_the_staff_named_read_it(client, world, who):
    fill_safety_sheet(world["child"])
    client.force_login(world[who])
    response = client.get(f"{API}/participants/{world['child'].pk}/safety-sheet")
    assert response.status_code == 200
    assert response.json()["health"]["allergies"] == "Arachides"


@pytest.mark.parametrize("who", ["other_mediator", "other_family", "partner", None])
def test_everyone_else_is_refused_and_changes_nothing(client, world, who):
    fill_safety_sheet(world["child"])
    if who is not None:
        client.force_login(world[who])
    url = f"{API}/participants/{world['child'].pk}/safety-sheet"
    assert client.get(url).status_code in (401, 403, 404)
    assert put_sheet(client, world["child"]).status_code in (401, 403, 404)
    assert SafetySheet.objects.filter(participant=world["child"]).count() == 1


def test_staff_reads_are_audited_and_the_familys_own_are_not(client, world):
    fill_safety_sheet(world["child"])
    client.force_login(world["facilitator"])
    client.get(f"{API}/participants/{world['child'].pk}/safety-sheet")
    client.force_login(world["family"])
    client.get(f"{API}/participants/{world['child'].pk}/safety-sheet")
    views = AuditEvent.objects.filter(action="view", object_type="households.safetysheet")
    assert [event.actor for event in views] == [world["facilitator"]]


def test_a_booking_that_requires_the_sheet_waits_for_it(client, world):
    programme = ProgrammeFactory(
        enrolment_mode=EnrolmentMode.PER_SESSION, safety_sheet_parts=["health", "collection"]
    )
    session = SessionFactory(
        programme=programme, starts_at=world["session"].starts_at + datetime.timedelta(days=1)
    )
    client.force_login(world["family"])
    response = client.post(
        f"{API}/enrolments",
        {
            "participant_id": world["child"].pk,
            "programme_id": programme.pk,
            "session_id": session.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["sheet_to_complete"] is True
    enrolment = Enrolment.objects.get(pk=response.json()["id"])
    assert enrolment.sheet_pending

    # Health alone is not enough: the programme also wants to know who collects the child.
    put_sheet(client, world["child"], SHEET | {"authorised_people": []})
    enrolment.refresh_from_db()
    assert enrolment.sheet_pending
    put_sheet(client, world["child"])
    enrolment.refresh_from_db()
    assert not enrolment.sheet_pending
    assert enrolment.status == EnrolmentStatus.CONFIRMED


def test_a_workshop_that_requires_nothing_does_not_wait(world):
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.PER_SESSION, safety_sheet_parts=[])
    session = SessionFactory(
        programme=programme, starts_at=world["session"].starts_at + datetime.timedelta(days=2)
    )
    enrolment = enrolment_create(participant=world["child"], programme=programme, session=session)
    assert enrolment.status == EnrolmentStatus.CONFIRMED and not enrolment.sheet_pending


def test_retention_removes_the_health_details_before_the_household(settings, world):
    settings.SAFETY_SHEET_RETENTION_DAYS = 365
    settings.PRIVACY_RETENTION_DAYS = 1095
    fill_safety_sheet(world["child"], allergies="Arachides")
    fill_safety_sheet(world["child"], allergies="Arachides, kiwi")
    household = world["child"].household
    last_session_end = world["session"].ends_at
    with time_machine.travel(last_session_end + datetime.timedelta(days=200), tick=False):
        assert safety_sheets_health_remove() == 0
    with time_machine.travel(last_session_end + datetime.timedelta(days=400), tick=False):
        assert safety_sheets_health_remove() == 2  # every version
        assert retention_anonymise() == 0
    sheets = SafetySheet.objects.filter(participant=world["child"])
    assert all(sheet.health is None and sheet.contacts is None for sheet in sheets)
    assert all(sheet.health_removed_at is not None for sheet in sheets)
    household.refresh_from_db()
    assert Household.objects.filter(pk=household.pk).exists()
    assert world["child"].household.guardians.exists()
    assert (
        AuditEvent.objects.filter(action="delete", object_type="households.safetysheet").count()
        == 2
    )


def test_a_sheet_of_a_child_still_expected_is_kept(settings, world):
    settings.SAFETY_SHEET_RETENTION_DAYS = 1
    fill_safety_sheet(world["child"])
    Household.objects.update(last_activity_at=timezone.now() - datetime.timedelta(days=30))
    assert safety_sheets_health_remove() == 0


def test_the_households_export_holds_the_sheet_and_erasure_removes_it(world):
    from core.personal_data import household_data

    fill_safety_sheet(world["child"], allergies="Kiwi")
    holder = next(h for h in household_data.holders() if h.key == "safety_sheets")
    exported = holder.export(world["child"].household)
    assert exported[0]["health"]["allergies"] == "Kiwi"
    holder.erase(world["child"].household, timezone.now())
    assert not SafetySheet.objects.exists()


def sheet_form(**overrides) -> dict:
    data = {
        "allergies": "Arachides",
        "diet": "",
        "treatment": "",
        "has_pai": "on",
        "pai_details": "Stylo dans le sac",
        "doctor_name": "Dr Martin",
        "doctor_phone": "01 46 70 00 00",
        "contact_1_name": "Fatou Diallo",
        "contact_1_relation": "mère",
        "contact_1_phone": "06 00 00 00 01",
        "authorised_1_name": "Awa Diallo",
        "authorised_1_relation": "tante",
        "authorised_1_phone": "06 11 22 33 44",
        "image_internal": "on",
    }
    return data | overrides


def test_guardian_fills_the_sheet_on_the_page_and_the_booking_stops_waiting(client, world):
    enrolment = Enrolment.objects.get(participant=world["child"], programme=world["programme"])
    enrolment.sheet_pending = True
    enrolment.save()
    client.force_login(world["family"])
    url = f"/my/participants/{world['child'].pk}/safety-sheet/"
    assert client.get(url).status_code == 200
    response = client.post(url, sheet_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    sheet = SafetySheet.objects.get(participant=world["child"])
    assert sheet.filled_as == "guardian" and sheet.health["has_pai"] is True
    assert sheet.authorised_people == [
        {"name": "Awa Diallo", "phone": "+33611223344", "relation": "tante"}
    ]
    enrolment.refresh_from_db()
    assert not enrolment.sheet_pending
    page = client.get(url).content.decode()
    assert 'value="Awa Diallo"' in page  # the next version starts from this one


def test_the_page_shows_a_refusal_beside_the_field_and_keeps_what_was_typed(client, world):
    client.force_login(world["family"])
    url = f"/my/participants/{world['child'].pk}/safety-sheet/"
    response = client.post(url, sheet_form(authorised_1_phone="?", may_leave_alone="on"))
    assert response.status_code == 200
    assert "This phone number is not valid" in response.content.decode()
    assert 'value="Awa Diallo"' in response.content.decode()
    assert not SafetySheet.objects.exists()


def test_the_page_refuses_control_characters_as_the_api_does(client, world):
    client.force_login(world["family"])
    url = f"/my/participants/{world['child'].pk}/safety-sheet/"
    response = client.post(url, sheet_form(allergies="noix\x01\x07", contact_1_name="Fa\x07tou"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"allergies", "contact_1_name"}
    assert "control characters" in errors["allergies"][0]
    assert not SafetySheet.objects.exists()


def test_the_sheet_stores_its_phones_in_e164_and_shows_them_as_written(client, world):
    client.force_login(world["family"])
    url = f"/my/participants/{world['child'].pk}/safety-sheet/"
    response = client.post(
        url,
        sheet_form(
            contact_1_phone="0612345678",
            contact_2_name="Moussa",
            contact_2_phone="+33 6 12 34 56 79",
            doctor_phone="01.46.70.00.00",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sheet = SafetySheet.objects.get(participant=world["child"])
    assert [person["phone"] for person in sheet.emergency_contacts] == [
        "+33612345678",
        "+33612345679",
    ]
    assert sheet.health["doctor_phone"] == "+33146700000"
    page = client.get(url).content.decode()
    assert 'value="06 12 34 56 78"' in page


def test_an_invalid_sheet_phone_is_said_not_valid_not_missing(client, world):
    client.force_login(world["family"])
    url = f"/my/participants/{world['child'].pk}/safety-sheet/"
    response = client.post(url, sheet_form(contact_1_phone="12"))
    errors = response.context["form"].errors
    assert list(errors) == ["contact_1_phone"]
    assert "not valid" in errors["contact_1_phone"][0]
    assert not SafetySheet.objects.exists()


def test_contact_3_alone_becomes_the_first_contact_and_its_errors_stay_on_row_3(client, world):
    client.force_login(world["family"])
    url = f"/my/participants/{world['child'].pk}/safety-sheet/"
    alone = {
        "contact_1_name": "",
        "contact_1_relation": "",
        "contact_1_phone": "",
        "contact_3_name": "Moussa Diallo",
        "contact_3_relation": "père",
    }
    response = client.post(url, sheet_form(**alone, contact_3_phone="12"))
    assert list(response.context["form"].errors) == ["contact_3_phone"]

    response = client.post(url, sheet_form(**alone, contact_3_phone="06 12 34 56 78"))
    assert response.status_code == 302
    sheet = SafetySheet.objects.get(participant=world["child"])
    assert sheet.emergency_contacts == [
        {"name": "Moussa Diallo", "phone": "+33612345678", "relation": "père"}
    ]
    page = client.get(url).content.decode()
    assert 'id="id_contact_1_name"' in page and 'value="Moussa Diallo"' in page


@pytest.mark.parametrize("who", ["other_mediator", "other_family", "partner"])
def test_the_page_is_closed_to_everyone_else(client, world, who):
    client.force_login(world[who])
    url = f"/my/participants/{world['child'].pk}/safety-sheet/"
    assert client.get(url).status_code == 404
    assert client.post(url, sheet_form()).status_code == 404
    assert not SafetySheet.objects.exists()


def test_the_mediator_sees_the_sheets_to_complete_on_their_home(
    client, world, django_assert_max_num_queries
):
    Enrolment.objects.filter(participant=world["child"]).update(sheet_pending=True)
    client.force_login(world["mediator"])
    with django_assert_max_num_queries(20):
        page = client.get("/").content.decode()
    assert "Safety sheets to complete" in page and "Lina" in page


def test_a_programme_that_starts_requiring_the_sheet_waits_for_it_from_then_on(world):
    from programmes.services import programme_save

    fill_safety_sheet(world["child"])
    workshop = ProgrammeFactory(safety_sheet_parts=[])
    enrolment = EnrolmentFactory(participant=ParticipantFactory(), programme=workshop)
    filled = EnrolmentFactory(participant=world["child"], programme=workshop)
    workshop.safety_sheet_parts = ["health"]
    programme_save(programme=workshop)
    enrolment.refresh_from_db()
    filled.refresh_from_db()
    assert enrolment.sheet_pending and not filled.sheet_pending
    workshop.safety_sheet_parts = []
    programme_save(programme=workshop)
    enrolment.refresh_from_db()
    assert not enrolment.sheet_pending


def test_a_misplaced_or_unknown_key_is_a_422_naming_it_and_the_sheet_is_kept(client, world):
    client.force_login(world["family"])
    assert put_sheet(client, world["child"]).status_code == 200
    # "allergies" at the top instead of inside "health": before, a 200 that emptied the sheet.
    misplaced = SHEET | {"health": None, "allergies": "Kiwi"}
    response = put_sheet(client, world["child"], misplaced)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["allergies"]
    misspelt = SHEET | {"health": SHEET["health"] | {"alergies": "Kiwi"}}
    response = put_sheet(client, world["child"], misspelt)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["health.alergies"]
    assert SafetySheet.objects.filter(participant=world["child"]).count() == 1
    read = client.get(f"{API}/participants/{world['child'].pk}/safety-sheet").json()
    assert read["health"]["allergies"].startswith("Arachides")


@pytest.mark.parametrize("part", list(SHEET))
def test_a_put_that_leaves_a_part_out_is_a_422_naming_it_not_an_erasure(client, world, part):
    client.force_login(world["family"])
    put_sheet(client, world["child"])
    body = {name: value for name, value in SHEET.items() if name != part}
    response = put_sheet(client, world["child"], body)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == [part]
    assert SafetySheet.objects.filter(participant=world["child"]).count() == 1


def test_a_health_part_without_one_of_its_fields_is_a_422_naming_it(client, world):
    client.force_login(world["family"])
    health = {name: value for name, value in SHEET["health"].items() if name != "diet"}
    response = put_sheet(client, world["child"], SHEET | {"health": health})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["health.diet"]
    assert not SafetySheet.objects.filter(participant=world["child"]).exists()
