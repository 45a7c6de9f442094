"""Demo attendance: families enrolled in two whole-cycle programmes, the registers of their
last sessions, and one open follow-up. Idempotent, like the rest of the demo."""

import datetime

from attendance.models import Attendance
from attendance.services import follow_ups_evaluate
from core.time import local_midnight
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from households.models import Guardian, Household, Participant
from households.services import guardian_create
from programmes.models import Programme
from sessions.models import Session, SessionStatus

# (household reference, guardian, phone, child, birth date, neighbourhood, in QPV)
FAMILIES = {
    "parcours-famille-parents-ecole": [
        (
            "DEMO-PF1",
            ("Fatou", "Camara"),
            "0611000001",
            ("Awa", "Camara"),
            (2016, 4, 2),
            "Schuman – Bergonié",
            True,
        ),
        (
            "DEMO-PF2",
            ("Julien", "Petit"),
            "0611000002",
            ("Léo", "Petit"),
            (2015, 9, 17),
            "Centre-ville",
            False,
        ),
        (
            "DEMO-PF3",
            ("Samira", "Ouali"),
            "0611000003",
            ("Inès", "Ouali"),
            (2017, 1, 30),
            "Les Martinets",
            True,
        ),
    ],
    "remobilisation-college": [
        (
            "DEMO-RM1",
            ("Malik", "Traoré"),
            "0611000004",
            ("Yanis", "Traoré"),
            (2012, 6, 11),
            "Les Martinets",
            True,
        ),
        (
            "DEMO-RM2",
            ("Claire", "Roussel"),
            "0611000005",
            ("Hugo", "Roussel"),
            (2011, 11, 3),
            "Centre-ville",
            False,
        ),
    ],
}
# Status per family for the last three sessions, oldest first. Yanis missed the last two
# without an excuse: his mediator has a follow-up to act on.
MARKS = {
    "DEMO-PF1": ["present", "present", "late"],
    "DEMO-PF2": ["absent", "excused", "present"],
    "DEMO-PF3": ["present", "absent", "present"],
    "DEMO-RM1": ["present", "absent", "absent"],
    "DEMO-RM2": ["present", "late", "present"],
}


def _family(programme: Programme, spec, created_by) -> Participant:
    reference, (first, last), phone, (child, child_last), born, neighbourhood, in_qpv = spec
    household, _created = Household.objects.get_or_create(
        reference=reference,
        defaults={"neighbourhood": neighbourhood, "in_qpv": in_qpv, "created_by": created_by},
    )
    if not Guardian.objects.filter(household=household, is_primary=True).exists():
        guardian_create(
            household=household, first_name=first, last_name=last, phone=phone, is_primary=True
        )
    participant, _created = Participant.objects.get_or_create(
        household=household,
        first_name=child,
        defaults={"last_name": child_last, "birth_date": datetime.date(*born)},
    )
    Enrolment.objects.get_or_create(
        participant=participant,
        programme=programme,
        session=None,
        status=EnrolmentStatus.CONFIRMED,
        defaults={"source": EnrolmentSource.MEDIATOR, "created_by": created_by},
    )
    return participant


def load_attendance_demo(today: datetime.date) -> int:
    """Registers of the last three sessions before ``today``; returns follow-ups opened."""
    start_of_today = local_midnight(today)
    opened = 0
    for slug, families in FAMILIES.items():
        programme = Programme.objects.filter(slug=slug).first()
        mediator = programme.mediators.select_related("user").first() if programme else None
        if programme is None or mediator is None:
            continue
        participants = {spec[0]: _family(programme, spec, mediator.user) for spec in families}
        past = list(
            Session.objects.filter(programme=programme, ends_at__lt=start_of_today)
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("-starts_at")[:3]
        )[::-1]
        offset = 3 - len(past)
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    participant=participant,
                    status=MARKS[reference][index + offset],
                    marked_by=mediator.user,
                    marked_at=session.ends_at,
                    client_marked_at=session.ends_at,
                )
                for reference, participant in participants.items()
                for index, session in enumerate(past)
            ],
            ignore_conflicts=True,
        )
        opened += len(
            follow_ups_evaluate(
                programme=programme, participant_ids={p.pk for p in participants.values()}
            )
        )
    return opened
