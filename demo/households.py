"""Demo households: the famille.durand account's own, families of all ages, some in a QPV,
enrolments made through the services (so places, positions and messages are real), a full
programme with its waiting list, and a partner's referral. Idempotent, like the rest of the demo.
"""

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from enrolment.errors import EnrolmentError
from enrolment.models import ACTIVE_STATUSES, Enrolment, EnrolmentSource
from enrolment.services import enrolment_create, referral_create
from households.models import Channel, Guardian, Household, Participant, Sex
from households.services import guardian_create
from programmes.models import Partner, Programme
from sessions.models import Session, SessionStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoChild:
    first_name: str
    age: int
    sex: str
    school: str = ""
    school_class: str = ""


@dataclass(frozen=True)
class DemoHousehold:
    reference: str
    guardian: tuple[str, str]
    phone: str
    neighbourhood: str
    in_qpv: bool
    children: tuple[DemoChild, ...]
    email: str = ""
    account: str | None = None


HOUSEHOLDS = [
    DemoHousehold(
        "DEMO-DUR",
        ("Nadia", "Durand"),
        "0612000001",
        "Les Martinets",
        True,
        (
            DemoChild("Lina", 8, Sex.FEMALE, "École Pasteur", "CE2"),
            DemoChild("Sami", 13, Sex.MALE, "Collège Jean Perrin", "4e"),
        ),
        email="famille.durand@example.org",
        account="famille.durand",
    ),
    DemoHousehold(
        "DEMO-F02",
        ("Karima", "Haddad"),
        "0612000002",
        "Schuman – Bergonié",
        True,
        (
            DemoChild("Nour", 12, Sex.FEMALE, "Collège Jean Perrin", "5e"),
            DemoChild("Rayan", 13, Sex.MALE, "Collège Jean Perrin", "3e"),
        ),
    ),
    DemoHousehold(
        "DEMO-F03",
        ("Thomas", "Lefèvre"),
        "0612000003",
        "Centre-ville",
        False,
        (DemoChild("Emma", 7, Sex.FEMALE, "École Pasteur", "CE1"),),
    ),
    DemoHousehold(
        "DEMO-F04",
        ("Aminata", "Sow"),
        "0612000004",
        "Les Martinets",
        True,
        (
            DemoChild("Moussa", 13, Sex.MALE, "Collège Jean Perrin", "4e"),
            DemoChild("Fanta", 14, Sex.FEMALE, "Collège Jean Perrin", "3e"),
        ),
    ),
    DemoHousehold(
        "DEMO-F05",
        ("Olivier", "Nguyen"),
        "0612000005",
        "Centre-ville",
        False,
        (DemoChild("Lucas", 12, Sex.MALE, "Collège Jean Perrin", "5e"),),
    ),
    DemoHousehold(
        "DEMO-F06",
        ("Mariam", "Benali"),
        "0612000006",
        "Schuman – Bergonié",
        True,
        (DemoChild("Yasmine", 13, Sex.FEMALE, "Collège Jean Perrin", "3e"),),
    ),
    DemoHousehold(
        "DEMO-F07",
        ("Sandrine", "Moreau"),
        "0612000007",
        "Centre-ville",
        False,
        (DemoChild("Théo", 13, Sex.MALE, "Collège Jean Perrin", "4e"),),
    ),
    DemoHousehold(
        "DEMO-F08",
        ("Rachid", "Amrani"),
        "0612000008",
        "Les Martinets",
        True,
        (DemoChild("Adam", 14, Sex.MALE, "Collège Jean Perrin", "3e"),),
    ),
]
# (programme, which coming session, capacity of that session or None, who). The spring outing
# is in a smaller room: six places, so the last two teenagers wait.
SESSION_ENROLMENTS = [
    ("vacances-hiver-sport-et-culture", 0, None, ["Lina", "Emma"]),
    ("vacances-hiver-sport-et-culture", 1, None, ["Lina"]),
    (
        "vacances-printemps-citoyennete",
        0,
        6,
        ["Sami", "Rayan", "Moussa", "Fanta", "Lucas", "Yasmine", "Théo", "Adam"],
    ),
]
REFERRALS = [("sante-des-jeunes-ecrans-sommeil", "Nour", "Centre social Germaine Tillion")]


def _birth_date(today: datetime.date, age: int, index: int) -> datetime.date:
    # Birthdays spread over the spring: the age holds from September to the summer.
    return datetime.date(today.year - age, 3 + index % 3, 10 + index)


def _household(spec: DemoHousehold, today: datetime.date, created_by) -> dict[str, Participant]:
    household, _created = Household.objects.get_or_create(
        reference=spec.reference,
        defaults={
            "neighbourhood": spec.neighbourhood,
            "in_qpv": spec.in_qpv,
            "created_by": created_by,
        },
    )
    account = (
        get_user_model().objects.filter(username=spec.account).first() if spec.account else None
    )
    if not Guardian.objects.filter(household=household, is_primary=True).exists():
        # Through the service, as a mediator would: the number is stored in E.164, so a search
        # for "06 12 00 00 01" finds the family.
        guardian_create(
            household=household,
            first_name=spec.guardian[0],
            last_name=spec.guardian[1],
            phone=spec.phone,
            email=spec.email,
            user=account,
            preferred_channel=Channel.EMAIL if spec.email else Channel.SMS,
            is_primary=True,
        )
    return {
        child.first_name: Participant.objects.get_or_create(
            household=household,
            first_name=child.first_name,
            defaults={
                "last_name": spec.guardian[1],
                "birth_date": _birth_date(today, child.age, index),
                "sex": child.sex,
                "school": child.school,
                "school_class": child.school_class,
            },
        )[0]
        for index, child in enumerate(spec.children)
    }


def _already(participant: Participant, programme: Programme, session: Session | None) -> bool:
    return Enrolment.objects.filter(
        participant=participant, programme=programme, session=session, status__in=ACTIVE_STATUSES
    ).exists()


def _enrol(participant, programme, session, created_by, source) -> None:
    if _already(participant, programme, session):
        return
    try:
        enrolment_create(
            participant=participant,
            programme=programme,
            session=session,
            source=source,
            created_by=created_by,
        )
    except EnrolmentError as error:
        logger.info("Demo enrolment of %s skipped: %s", participant, error.message)


def _coming_session(programme: Programme | None, index: int) -> Session | None:
    if programme is None:
        return None
    coming = (
        Session.objects.filter(programme=programme, starts_at__gt=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
    )
    return coming[index] if coming.count() > index else None


def load_households_demo(today: datetime.date) -> None:
    mediator = get_user_model().objects.filter(username="mediatrice.educ").first()
    people: dict[str, Participant] = {}
    for spec in HOUSEHOLDS:
        people |= _household(spec, today, mediator)
    programmes = {programme.slug: programme for programme in Programme.objects.all()}
    durand_account = Guardian.objects.get(household__reference="DEMO-DUR", is_primary=True).user
    durand = {child.first_name for child in HOUSEHOLDS[0].children}

    for slug, index, capacity, names in SESSION_ENROLMENTS:
        session = _coming_session(programmes.get(slug), index)
        if session is None:
            continue
        if capacity is not None:
            Session.objects.filter(pk=session.pk, capacity_override__isnull=True).update(
                capacity_override=capacity
            )
            session.refresh_from_db()
        for name in names:
            if name in durand:
                _enrol(
                    people[name],
                    session.programme,
                    session,
                    durand_account,
                    EnrolmentSource.FAMILY_ONLINE,
                )
            else:
                _enrol(people[name], session.programme, session, mediator, EnrolmentSource.MEDIATOR)
    for slug, name, partner_name in REFERRALS:
        session = _coming_session(programmes.get(slug), 0)
        partner = Partner.objects.filter(name=partner_name).first()
        if session is None or partner is None or _already(people[name], session.programme, session):
            continue
        try:
            referral_create(
                participant=people[name],
                programme=session.programme,
                session=session,
                partner=partner,
                created_by=partner.members.first(),
            )
        except EnrolmentError as error:
            logger.info("Demo referral skipped: %s", error.message)
