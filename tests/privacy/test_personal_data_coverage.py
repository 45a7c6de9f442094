"""Every field that holds personal data is exported and erased by the app that holds it.

The walk covers every model of the project's apps: a field whose name says it holds a name, a
phone, an e-mail, a birth date, a note, an address or free text about a person must be covered by
a holder registered in ``core.personal_data.household_data``, or be listed below as not about a
household, with the reason. A personal field added tomorrow fails here until its app registers it.
"""

import datetime
import re

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from attendance.models import Attendance
from core.encryption import EncryptedJSONBlobField
from core.personal_data import HouseholdDataHolder, HouseholdDataRegistry, household_data
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    ParticipantFactory,
    SessionFactory,
)

PERSONAL_NAME = re.compile(
    r"(^|_)(name|first_name|last_name|phone|email|birth|birth_date|note|notes|address|text|body"
    r"|school|relationship|comment|reason|subject|context|error)(_|$)"
)
PROJECT_APPS = {
    "accounts",
    "jobs",
    "programmes",
    "workshop_sessions",
    "enrolment",
    "attendance",
    "notifications",
    "allocation",
    "reports",
    "privacy",
    "workspace",
    "demo",
    "core",
}

# Fields whose names look personal but that hold nothing about a household.
NOT_ABOUT_A_HOUSEHOLD = {
    ("accounts.ApiToken", "name"): "what a staff member calls their script",
    ("accounts.AuditEvent", "ip_address"): "the audit trail is kept whole (append-only) by law",
    ("accounts.AuditEvent", "summary"): "the audit trail is kept whole (append-only) by law",
    ("accounts.SignInCode", "ip_address"): "rate limits of sign-in codes; rows deleted after a day",
    ("programmes.Partner", "name"): "an organisation",
    ("programmes.Partner", "contact_name"): "a partner's professional contact, not a family",
    ("programmes.Partner", "contact_email"): "a partner's professional contact, not a family",
    ("programmes.Partner", "contact_phone"): "a partner's professional contact, not a family",
    ("programmes.Venue", "name"): "a place",
    ("programmes.Venue", "address"): "a public place",
    ("programmes.Venue", "accessibility_notes"): "about a place",
    ("programmes.Mediator", "phone"): "a staff member's work phone",
    ("workshop_sessions.Session", "status_reason"): "why a session moved, told to everyone",
    ("workshop_sessions.Session", "status_reason_code"): "a reason code, told to everyone",
    ("attendance.HeldDeclaration", "reason"): "why a session has no register, about the session",
    ("notifications.Message", "cancel_reason"): "a reason code, not text about a person",
    ("notifications.MessageTemplate", "subject"): "a template, not a message",
    ("notifications.MessageTemplate", "body"): "a template, not a message",
    ("privacy.Erasure", "reason"): "a reason code (request, retention)",
    ("jobs.BackgroundJob", "message"): "progress of staff work",
}


def personal_fields(models_to_walk) -> set[tuple[str, str]]:
    found = set()
    for model in models_to_walk:
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.is_relation:
                continue
            if isinstance(field, models.BooleanField):
                continue
            # An encrypted field is there because it is personal, whatever its name.
            if PERSONAL_NAME.search(field.name) or isinstance(
                field, (models.EmailField, EncryptedJSONBlobField)
            ):
                found.add((model._meta.label, field.name))
    return found


def uncovered(models_to_walk, registry: HouseholdDataRegistry) -> set[tuple[str, str]]:
    return personal_fields(models_to_walk) - registry.covered_fields() - set(NOT_ABOUT_A_HOUSEHOLD)


def project_models():
    return [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]


def test_every_personal_field_is_exported_and_erased_by_its_app():
    assert uncovered(project_models(), household_data) == set()


def test_the_exemptions_name_fields_that_exist():
    """An exemption left behind by a renamed field would hide the new name."""
    existing = {
        (model._meta.label, field.name)
        for model in project_models()
        for field in model._meta.get_fields()
    }
    assert set(NOT_ABOUT_A_HOUSEHOLD) <= existing


@isolate_apps("households")
def test_control_a_new_personal_field_without_a_holder_is_caught():
    class SiblingNote(models.Model):
        household = models.ForeignKey("households.Household", on_delete=models.CASCADE)
        carer_phone = models.CharField(max_length=32)
        comment = models.TextField()

        class Meta:
            app_label = "households"

        def __str__(self) -> str:
            return self.comment

    assert uncovered([SiblingNote], household_data) == {
        ("households.SiblingNote", "carer_phone"),
        ("households.SiblingNote", "comment"),
    }

    registered = HouseholdDataRegistry()
    registered.register(
        HouseholdDataHolder(
            key="sibling_notes",
            covers={SiblingNote: ("carer_phone", "comment")},
            export=lambda household: [],
            erase=lambda household, now: 0,
        )
    )
    assert uncovered([SiblingNote], registered) == set()


@pytest.mark.django_db
def test_every_holder_exports_and_erases_what_it_covers():
    """Each holder's covered fields appear in its export and are gone after its erasure."""
    household = HouseholdFactory()
    GuardianFactory(
        household=household,
        first_name="Nadia",
        last_name="Durand",
        phone="+33612345678",
        email="nadia@example.org",
    )
    participant = ParticipantFactory(household=household, first_name="Lina", school="Pasteur")
    enrolment = EnrolmentFactory(participant=participant, note="vient avec sa tante")
    Attendance.objects.create(
        session=SessionFactory(programme=enrolment.programme),
        participant=participant,
        status="late",
        note="arrivée en retard, bus",
    )
    now = datetime.datetime.now(datetime.UTC)
    exported = {holder.key: holder.export(household) for holder in household_data.holders()}
    text = repr(exported)
    for value in (
        "Nadia",
        "nadia@example.org",
        "Lina",
        "Pasteur",
        "vient avec sa tante",
        "arrivée en retard, bus",
    ):
        assert value in text
    for holder in reversed(household_data.holders()):
        holder.erase(household, now)
    after = repr({holder.key: holder.export(household) for holder in household_data.holders()})
    for value in (
        "Nadia",
        "nadia@example.org",
        "Lina",
        "Pasteur",
        "vient avec sa tante",
        "arrivée en retard, bus",
    ):
        assert value not in after
