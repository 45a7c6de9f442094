"""What the households app holds about a household, for export and erasure (see
core/personal_data.py). Enrolments are exported and erased by the enrolment app."""

import base64
import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.services import account_anonymise
from core.personal_data import HouseholdDataHolder, household_data
from core.reads import register_personal_container
from programmes.models import SafetySheetPart

from .models import (
    Consent,
    EmergencyContact,
    Guardian,
    HealthNote,
    Household,
    PaiDocument,
    Participant,
    SafetySheet,
)
from .services import pai_document_content

# What an erased name becomes: neutral in every language, and obviously not a name.
ERASED_NAME = "***"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _guardians(household: Household) -> list[dict[str, Any]]:
    return [
        {
            "id": guardian.pk,
            "first_name": guardian.first_name,
            "last_name": guardian.last_name,
            "phone": guardian.phone,
            "email": guardian.email,
            "preferred_channel": guardian.preferred_channel,
            "language": guardian.language,
            "opt_out_sms": guardian.opt_out_sms,
            "opt_out_email": guardian.opt_out_email,
            "is_primary": guardian.is_primary,
            "account": guardian.user.get_username() if guardian.user else None,
            "created_at": _iso(guardian.created_at),
        }
        for guardian in household.guardians.select_related("user").order_by("pk")
    ]


def _erase_guardians(household: Household, now: datetime.datetime) -> int:
    guardians = list(household.guardians.select_related("user"))
    for guardian in guardians:
        if guardian.user is not None:
            account_anonymise(user=guardian.user)
    Guardian.objects.filter(household=household).delete()
    return len(guardians)


def _participants(household: Household) -> list[dict[str, Any]]:
    participants = (
        Participant.objects.filter(household=household)
        .order_by("pk")
        .prefetch_related(
            Prefetch("health_notes", queryset=HealthNote.objects.order_by("created_at")),
        )
    )
    return [
        {
            "id": participant.pk,
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "birth_date": _iso(participant.birth_date),
            "sex": participant.sex,
            "school": participant.school,
            "school_class": participant.school_class,
            "created_at": _iso(participant.created_at),
            "health_notes": [
                {
                    "id": note.pk,
                    "text": note.text,
                    "created_at": _iso(note.created_at),
                    "expires_on": _iso(note.expires_on),
                }
                for note in participant.health_notes.all()
            ],
        }
        for participant in participants
    ]


def _erase_participants(household: Household, now: datetime.datetime) -> int:
    """Participants stay, anonymised, so that reports keep their counts: the birth date reduced
    to its month (age bands stay), sex kept."""
    HealthNote.objects.filter(participant__household=household).delete()
    participants = list(Participant.objects.filter(household=household))
    for participant in participants:
        participant.first_name = ERASED_NAME
        participant.last_name = ""
        participant.birth_date = participant.birth_date.replace(day=1)
        participant.school = participant.school_class = ""
        participant.guardian_record = None
        participant.save(
            update_fields=[
                "first_name",
                "last_name",
                "birth_date",
                "school",
                "school_class",
                "guardian_record",
            ]
        )
    return len(participants)


def _consents(household: Household) -> list[dict[str, Any]]:
    return [
        {
            "id": consent.pk,
            "kind": consent.kind,
            "version": consent.version,
            "participant_id": consent.participant_id,
            "given_at": _iso(consent.given_at),
            "answer": consent.answer,
            "given_by": consent.given_by.full_name if consent.given_by else None,
            "recorded_by": consent.recorded_by.get_full_name() if consent.recorded_by else None,
            "withdrawn_at": _iso(consent.withdrawn_at),
            "superseded_at": _iso(consent.superseded_at),
        }
        for consent in Consent.objects.filter(household=household)
        .select_related("given_by", "recorded_by")
        .order_by("given_at")
    ]


def _erase_consents(household: Household, now: datetime.datetime) -> int:
    # A consent names no one once its guardian is gone (given_by is set to null); the record of
    # what was consented to, and when, is kept as proof.
    return 0


def _emergency_contacts(household: Household) -> list[dict[str, Any]]:
    return [
        {
            "id": contact.pk,
            "name": contact.name,
            "relationship": contact.relationship,
            "phone": contact.phone,
        }
        for contact in EmergencyContact.objects.filter(household=household).order_by("pk")
    ]


def _erase_emergency_contacts(household: Household, now: datetime.datetime) -> int:
    deleted, _per_model = EmergencyContact.objects.filter(household=household).delete()
    return deleted


def _safety_sheets(household: Household) -> list[dict[str, Any]]:
    """Every version, decrypted: the household's own export is the one place they leave."""
    return [
        {
            "id": sheet.pk,
            "participant_id": sheet.participant_id,
            "version": sheet.version,
            "health": sheet.health,
            "contacts": sheet.contacts,
            "may_leave_alone": sheet.may_leave_alone,
            "leave_alone_signed_on": _iso(sheet.leave_alone_signed_on),
            "image_rights": {
                "internal": sheet.image_internal,
                "printed": sheet.image_printed,
                "web": sheet.image_web,
                "social": sheet.image_social,
            },
            "filled_parts": sheet.filled_parts,
            "filled_as": sheet.filled_as,
            "filled_at": _iso(sheet.filled_at),
            "superseded_at": _iso(sheet.superseded_at),
            "health_removed_at": _iso(sheet.health_removed_at),
            "pai_document_id": sheet.pai_document_id,
        }
        for sheet in SafetySheet.objects.filter(participant__household=household).order_by(
            "participant_id", "version"
        )
    ]


def _erase_safety_sheets(household: Household, now: datetime.datetime) -> int:
    deleted, _per_model = SafetySheet.objects.filter(participant__household=household).delete()
    return deleted


def _pai_documents(household: Household) -> list[dict[str, Any]]:
    """Each PAI document with its file, decrypted (base64), as the family sent it."""
    return [
        {
            "id": document.pk,
            "participant_id": document.participant_id,
            "name": document.name,
            "content_type": document.content_type,
            "size": document.size,
            "uploaded_at": _iso(document.uploaded_at),
            "content_base64": base64.b64encode(pai_document_content(document)).decode(),
        }
        for document in PaiDocument.objects.filter(participant__household=household).order_by("pk")
    ]


def _erase_pai_documents(household: Household, now: datetime.datetime) -> int:
    deleted, _per_model = PaiDocument.objects.filter(participant__household=household).delete()
    return deleted


def register() -> None:
    # A household is read with its guardians and children: its lists are personal reads.
    register_personal_container(Household)
    for holder in (
        HouseholdDataHolder(
            key="guardians",
            covers={Guardian: ("first_name", "last_name", "phone", "email")},
            export=_guardians,
            erase=_erase_guardians,
            title=_("Guardians"),
            codes={
                "preferred_channel": Guardian._meta.get_field("preferred_channel").choices,
                "language": Guardian._meta.get_field("language").choices,
            },
        ),
        HouseholdDataHolder(
            key="participants",
            covers={
                Participant: ("first_name", "last_name", "birth_date", "school", "school_class"),
                HealthNote: ("text",),
            },
            export=_participants,
            erase=_erase_participants,
            title=_("Participants"),
            codes={"sex": Participant._meta.get_field("sex").choices},
        ),
        HouseholdDataHolder(
            key="consents",
            covers={},
            export=_consents,
            erase=_erase_consents,
            title=_("Consents"),
            codes={
                "kind": Consent._meta.get_field("kind").choices,
                "answer": Consent._meta.get_field("answer").choices,
            },
        ),
        HouseholdDataHolder(
            key="emergency_contacts",
            covers={EmergencyContact: ("name", "relationship", "phone")},
            export=_emergency_contacts,
            erase=_erase_emergency_contacts,
            title=_("Emergency contacts"),
        ),
        HouseholdDataHolder(
            key="safety_sheets",
            covers={SafetySheet: ("health", "contacts", "leave_alone_signed_on")},
            export=_safety_sheets,
            erase=_erase_safety_sheets,
            title=_("Safety sheets"),
            codes={
                "filled_as": SafetySheet._meta.get_field("filled_as").choices,
                "filled_parts": SafetySheetPart.choices,
            },
        ),
        HouseholdDataHolder(
            key="pai_documents",
            covers={PaiDocument: ("name", "content")},
            export=_pai_documents,
            erase=_erase_pai_documents,
        ),
    ):
        household_data.register(holder)
