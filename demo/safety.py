"""Demo safety sheets and check-outs: an allergy, a PAI, people authorised to collect, a child
who may leave alone, and the last session's check-outs, one of them to someone not on the list.
Idempotent, like the rest of the demo; the sheets go through the enrolment service, so they are
encrypted as in production."""

import datetime

from django.utils import timezone

from attendance.models import ATTENDED_STATUSES, Attendance, CheckOut, CollectedBy
from households.models import FilledAs, Participant
from households.services import (
    HealthInput,
    ImageRights,
    Person,
    SheetInput,
    current_sheet,
    safety_sheet_save,
)

EVERY_USE = ImageRights(internal=True, printed=True, web=True, social=False)
# Household reference → the sheet a mediator filled with the family.
SHEETS = {
    "DEMO-PF1": SheetInput(
        health=HealthInput(
            allergies="Arachides : éviction stricte, trousse d'urgence.",
            diet="Sans arachides",
            doctor_name="Dr Benali",
            doctor_phone="01 46 72 00 10",
        ),
        emergency_contacts=[
            Person("Fatou Camara", "mère", "06 11 00 00 01"),
            Person("Ibrahima Camara", "père", "06 11 00 10 01"),
        ],
        authorised_people=[Person("Mariama Camara", "grand-mère", "06 11 00 20 01")],
        image_rights=ImageRights(internal=True),
    ),
    "DEMO-PF2": SheetInput(
        health=HealthInput(
            has_pai=True,
            treatment="Ventoline en cas de crise",
            pai_details="Asthme : 2 bouffées de Ventoline, appeler la famille.",
            doctor_name="Dr Morel",
            doctor_phone="01 46 72 00 20",
        ),
        emergency_contacts=[Person("Julien Petit", "père", "06 11 00 00 02")],
        authorised_people=[Person("Nadia Petit", "tante", "06 11 00 20 02")],
        image_rights=EVERY_USE,
    ),
    "DEMO-PF3": SheetInput(
        health=HealthInput(),
        emergency_contacts=[Person("Samira Ouali", "mère", "06 11 00 00 03")],
        authorised_people=[Person("Karim Ouali", "oncle", "06 11 00 20 03")],
        image_rights=ImageRights(),
    ),
    "DEMO-RM1": SheetInput(
        health=HealthInput(),
        emergency_contacts=[Person("Malik Traoré", "père", "06 11 00 00 04")],
        may_leave_alone=True,
        image_rights=EVERY_USE,
    ),
}
# Who took each child home after their last session attended.
CHECK_OUTS = {
    "DEMO-PF1": (CollectedBy.AUTHORISED, "Mariama Camara", ""),
    "DEMO-PF2": (CollectedBy.AUTHORISED, "Julien Petit", ""),
    "DEMO-PF3": (
        CollectedBy.OTHER,
        "Mme Diallo",
        "Voisine, venue à la demande de la mère (appel passé) ; carte d'identité vue.",
    ),
    "DEMO-RM1": (CollectedBy.ALONE, "", ""),
}


def load_safety_demo(today: datetime.date) -> int:
    """Fill the demo sheets once and check out each child after their last session; returns
    the sheets written."""
    written = 0
    children = {
        participant.household.reference: participant
        for participant in Participant.objects.filter(
            household__reference__in=SHEETS
        ).select_related("household")
    }
    for reference, sheet in SHEETS.items():
        child = children.get(reference)
        if child is None:
            continue
        if current_sheet(child) is None:
            # The demo may be loaded for another day than today: never sign in the future.
            signed = min(today, timezone.localdate()) - datetime.timedelta(days=40)
            if sheet.may_leave_alone:
                sheet = SheetInput(**(sheet.__dict__ | {"leave_alone_signed_on": signed}))
            safety_sheet_save(
                participant=child, sheet=sheet, filled_by=None, filled_as=FilledAs.MEDIATOR
            )
            written += 1
        last = (
            Attendance.objects.filter(participant=child, status__in=ATTENDED_STATUSES)
            .select_related("session", "marked_by")
            .order_by("-session__starts_at")
            .first()
        )
        if last is None:
            continue
        collected_by, name, note = CHECK_OUTS[reference]
        CheckOut.objects.get_or_create(
            session=last.session,
            participant=child,
            defaults={
                "collected_by": collected_by,
                "collector_name": name,
                "note": note,
                "checked_out_at": last.session.ends_at + datetime.timedelta(minutes=5),
                "recorded_by": last.marked_by,
            },
        )
    return written
