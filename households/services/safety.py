"""Writes on safety sheets: a new version each time; what a programme still waits for."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record
from core.encryption import fernet
from core.phones import phone_to_e164
from core.text import CONTROL_MESSAGE, has_control_characters
from programmes.models import Programme, SafetySheetPart

from ..errors import HouseholdError
from ..models import FilledAs, Household, PaiDocument, Participant, SafetySheet
from ..signals import safety_sheet_saved

MAX_PEOPLE = 10
TEXT_LIMIT = 1000
NAME_LIMIT = 200
PHONE_LIMIT = 32
PAI_MAX_BYTES = 5 * 1024 * 1024
# What a PAI document may be, known by its first bytes rather than by the name it came with.
PAI_SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


@dataclass(frozen=True)
class Person:
    name: str
    relation: str
    phone: str


@dataclass(frozen=True)
class HealthInput:
    allergies: str = ""
    diet: str = ""
    treatment: str = ""
    has_pai: bool = False
    pai_details: str = ""
    doctor_name: str = ""
    doctor_phone: str = ""


@dataclass(frozen=True)
class ImageRights:
    internal: bool = False
    printed: bool = False
    web: bool = False
    social: bool = False


@dataclass(frozen=True)
class SheetInput:
    """A whole sheet as filled; a part left None is not answered yet."""

    health: HealthInput | None = None
    emergency_contacts: list[Person] = field(default_factory=list)
    authorised_people: list[Person] = field(default_factory=list)
    may_leave_alone: bool = False
    leave_alone_signed_on: datetime.date | None = None
    image_rights: ImageRights | None = None


class SafetySheetError(HouseholdError):
    """A safety sheet as filled cannot be kept."""


def _check_text(value: str, *, field_name: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if has_control_characters(value):
        # The API's rule (core.text), so that the page cannot keep what the API refuses.
        raise SafetySheetError(str(CONTROL_MESSAGE), field=field_name)
    if len(value) > limit:
        raise SafetySheetError(
            _("This text is too long (%(limit)s characters at most).") % {"limit": limit},
            field=field_name,
        )
    return value


def _people(people: list[Person], *, field_name: str) -> list[dict[str, str]]:
    if len(people) > MAX_PEOPLE:
        raise SafetySheetError(
            _("Give %(limit)s people at most.") % {"limit": MAX_PEOPLE}, field=field_name
        )
    rows = []
    for index, person in enumerate(people):
        name = _check_text(person.name, field_name=f"{field_name}.{index}.name", limit=NAME_LIMIT)
        phone = _check_text(
            person.phone, field_name=f"{field_name}.{index}.phone", limit=PHONE_LIMIT
        )
        if not name:
            raise SafetySheetError(
                _("Give this person's name."), field=f"{field_name}.{index}.name"
            )
        if not phone:
            raise SafetySheetError(
                _("Give a phone number where this person can be reached."),
                field=f"{field_name}.{index}.phone",
            )
        phone = _phone(phone, field_name=f"{field_name}.{index}.phone")
        rows.append(
            {
                "name": name,
                "phone": phone,
                "relation": _check_text(
                    person.relation, field_name=f"{field_name}.{index}.relation", limit=NAME_LIMIT
                ),
            }
        )
    return rows


def _phone(value: str, *, field_name: str) -> str:
    """A number given on the sheet, in E.164 as every other number of the service."""
    try:
        return phone_to_e164(value)
    except ValueError:
        raise SafetySheetError(
            _("This phone number is not valid: type it as on a phone, e.g. 06 12 34 56 78."),
            field=field_name,
        ) from None


def sheet_missing_parts(sheet: SafetySheet | None, programme: Programme) -> list[str]:
    """The parts ``programme`` requires that ``sheet`` does not answer, in the choices' order."""
    required = set(programme.safety_sheet_parts or [])
    filled = set(sheet.filled_parts) if sheet is not None else set()
    if sheet is not None and sheet.health_removed_at is not None:
        filled.discard(SafetySheetPart.HEALTH)
    return [part for part in SafetySheetPart.values if part in required - filled]


def current_sheet(participant: Participant) -> SafetySheet | None:
    return SafetySheet.objects.filter(participant=participant, superseded_at__isnull=True).first()


def _pai_document(upload, *, participant: Participant, uploaded_by) -> PaiDocument:
    """An unsaved PaiDocument from an uploaded file, refused when too large or not a PDF,
    JPEG or PNG."""
    if upload.size > PAI_MAX_BYTES:
        raise SafetySheetError(
            _("The PAI document is too large: send a file of 5 MB at most."), field="pai_document"
        )
    data = upload.read()
    content_type = next(
        (kind for kind, start in PAI_SIGNATURES.items() if data.startswith(start)), None
    )
    if content_type is None or len(data) > PAI_MAX_BYTES:
        raise SafetySheetError(_("Send the PAI as a PDF, JPEG or PNG file."), field="pai_document")
    return PaiDocument(
        participant=participant,
        name=(upload.name or "pai")[-NAME_LIMIT:],
        content_type=content_type,
        size=len(data),
        content=fernet().encrypt(data).decode(),
        uploaded_by=uploaded_by,
    )


def pai_document_content(document: PaiDocument) -> bytes:
    return fernet().decrypt(document.content.encode())


@transaction.atomic
def safety_sheet_save(
    *,
    participant: Participant,
    sheet: SheetInput,
    filled_by,
    filled_as: str,
    pai_file=None,
) -> SafetySheet:
    """Write a new version of ``participant``'s sheet; the previous one is kept, superseded.
    ``pai_file`` (an uploaded file) becomes the PAI document; without it, the previous
    version's document stays as long as the sheet says the child has a PAI."""
    if filled_as not in FilledAs.values:
        raise SafetySheetError(_("Say who filled the sheet."), field="filled_as")
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    health = None
    filled_parts = []
    if sheet.health is not None:
        given = sheet.health
        health = {
            "allergies": _check_text(given.allergies, field_name="health.allergies"),
            "diet": _check_text(given.diet, field_name="health.diet"),
            "treatment": _check_text(given.treatment, field_name="health.treatment"),
            "has_pai": bool(given.has_pai),
            "pai_details": _check_text(given.pai_details, field_name="health.pai_details"),
            "doctor_name": _check_text(
                given.doctor_name, field_name="health.doctor_name", limit=NAME_LIMIT
            ),
            "doctor_phone": _phone(
                _check_text(
                    given.doctor_phone, field_name="health.doctor_phone", limit=PHONE_LIMIT
                ),
                field_name="health.doctor_phone",
            ),
        }
        filled_parts.append(SafetySheetPart.HEALTH.value)
    emergency = _people(sheet.emergency_contacts, field_name="emergency_contacts")
    authorised = _people(sheet.authorised_people, field_name="authorised_people")
    if emergency:
        filled_parts.append(SafetySheetPart.EMERGENCY_CONTACTS.value)
    signed_on = sheet.leave_alone_signed_on
    if sheet.may_leave_alone:
        if signed_on is None:
            raise SafetySheetError(
                _("Give the date the guardian signed the authorisation to leave alone."),
                field="leave_alone_signed_on",
            )
        if signed_on > timezone.localdate():
            # Depends on today's date, which no schema states: a conflict with the clock.
            raise SafetySheetError(
                _("This date is in the future."), field="leave_alone_signed_on", status=409
            )
    else:
        signed_on = None
    if authorised or sheet.may_leave_alone:
        filled_parts.append(SafetySheetPart.COLLECTION.value)
    rights = sheet.image_rights
    if rights is not None:
        filled_parts.append(SafetySheetPart.IMAGE_RIGHTS.value)
    rights = rights or ImageRights()
    has_pai = bool(health and health["has_pai"])
    if pai_file is not None and not has_pai:
        raise SafetySheetError(
            _("Tick “The child has an individual care plan (PAI)” to attach its document."),
            field="pai_document",
        )
    uploaded_by = filled_by if getattr(filled_by, "is_authenticated", False) else None
    new_document = (
        _pai_document(pai_file, participant=participant, uploaded_by=uploaded_by)
        if pai_file is not None
        else None
    )

    now = timezone.now()
    previous = (
        SafetySheet.objects.select_for_update()
        .filter(participant=participant, superseded_at__isnull=True)
        .first()
    )
    if new_document is not None:
        new_document.save()
    elif has_pai and previous is not None and previous.health_removed_at is None:
        new_document = previous.pai_document
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    last_version = (
        previous.version
        if previous is not None
        else (
            SafetySheet.objects.filter(participant=participant)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        )
    )
    new = SafetySheet.objects.create(
        participant=participant,
        version=last_version + 1,
        health=health,
        contacts={"emergency_contacts": emergency, "authorised_people": authorised},
        may_leave_alone=sheet.may_leave_alone,
        leave_alone_signed_on=signed_on,
        image_internal=rights.internal,
        image_printed=rights.printed,
        image_web=rights.web,
        image_social=rights.social,
        filled_parts=filled_parts,
        filled_as=filled_as,
        filled_by=filled_by if getattr(filled_by, "is_authenticated", False) else None,
        filled_at=now,
        pai_document=new_document,
    )
    Household.objects.filter(pk=participant.household_id).update(last_activity_at=now)
    safety_sheet_saved.send(sender=SafetySheet, sheet=new, participant=participant)
    audit_record(
        actor=filled_by,
        action=AuditAction.CREATE,
        target=new,
        summary=f"safety sheet version {new.version}",
    )
    return new


def safety_sheets_reencrypt(*, batch_size: int = 500) -> int:
    """Read each version with any key of FIELD_ENCRYPTION_KEYS and write it back with the
    first: after this, the old key can be removed. One transaction per batch."""
    last_pk = 0
    count = 0
    while True:
        batch = list(
            SafetySheet.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "health", "contacts")[:batch_size]
        )
        if not batch:
            return count
        with transaction.atomic():
            SafetySheet.objects.bulk_update(batch, ["health", "contacts"])
        count += len(batch)
        last_pk = batch[-1].pk


def pai_documents_reencrypt() -> int:
    """The PAI documents' counterpart of safety_sheets_reencrypt(), one transaction each."""
    count = 0
    for pk in PaiDocument.objects.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            document = PaiDocument.objects.select_for_update().only("content").get(pk=pk)
            document.content = fernet().rotate(document.content.encode()).decode()
            document.save(update_fields=["content"])
        count += 1
    return count
