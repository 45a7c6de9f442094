"""Demo adults: mothers in the women's health workshop, parents in the parents' course, seniors
in the seniors' workshop; and, for each mediator account, a session today with people enrolled,
so that "Ma journée" and the register have something to show. Idempotent, like the rest."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.time import local_datetime, local_day_bounds
from enrolment.errors import EnrolmentError
from enrolment.models import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus
from enrolment.services import enrolment_create
from households.models import Guardian, Household, Participant, Sex
from households.services import guardian_create, participant_enrol_guardian
from programmes.models import Mediator, Programme
from sessions.models import Session, SessionStatus

logger = logging.getLogger(__name__)

# (household reference, guardian first name, age, sex, programme slugs)
ADULTS = [
    ("DEMO-F02", "Karima", 41, Sex.FEMALE, ["sante-des-femmes", "parcours-famille-ados"]),
    ("DEMO-F04", "Aminata", 44, Sex.FEMALE, ["sante-des-femmes", "parcours-famille-ados"]),
    ("DEMO-F06", "Mariam", 38, Sex.FEMALE, ["sante-des-femmes"]),
    ("DEMO-F07", "Sandrine", 46, Sex.FEMALE, ["parcours-famille-ados"]),
    ("DEMO-F08", "Rachid", 48, Sex.MALE, ["parcours-famille-ados"]),
]
# A grandmother and a grandfather living with their families, in the seniors' workshop.
SENIORS = [
    ("DEMO-F04", ("Fatou", "Sow"), 67, Sex.FEMALE, "0612000104"),
    ("DEMO-F07", ("Jean", "Moreau"), 72, Sex.MALE, "0612000107"),
]
# The programme each mediator account runs today in the demo.
TODAY = {
    "mediatrice.educ": "parcours-famille-parents-ecole",
    "mediatrice.sante": "sante-des-femmes",
    "mediateur.habitat": "seniors-bien-chez-soi",
}


def _adult(
    household: Household, first_name: str, age: int, sex: str, today: datetime.date
) -> Participant:
    guardian = Guardian.objects.get(household=household, first_name=first_name)
    participant = participant_enrol_guardian(
        guardian=guardian, birth_date=datetime.date(today.year - age - 1, 10, 5), sex=sex
    )
    return participant


def _senior(
    household: Household,
    name: tuple[str, str],
    age: int,
    sex: str,
    phone: str,
    today: datetime.date,
) -> Participant:
    guardian = Guardian.objects.filter(
        household=household, first_name=name[0]
    ).first() or guardian_create(
        household=household, first_name=name[0], last_name=name[1], phone=phone
    )
    return participant_enrol_guardian(
        guardian=guardian, birth_date=datetime.date(today.year - age - 1, 6, 12), sex=sex
    )


def _coming_sessions(programme: Programme) -> list[Session]:
    return list(
        Session.objects.filter(programme=programme, starts_at__gt=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")[:2]
    )


def _enrol(
    participant: Participant, programme: Programme, session: Session | None, created_by
) -> None:
    if Enrolment.objects.filter(
        participant=participant, programme=programme, session=session, status__in=ACTIVE_STATUSES
    ).exists():
        return
    try:
        enrolment_create(
            participant=participant,
            programme=programme,
            session=session,
            source=EnrolmentSource.MEDIATOR,
            created_by=created_by,
        )
    except EnrolmentError as error:
        logger.info("Demo enrolment of %s skipped: %s", participant, error.message)


def _session_today(programme: Programme, mediator: Mediator, today: datetime.date) -> Session:
    start, end = local_day_bounds(today)
    existing = (
        Session.objects.filter(programme=programme, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .first()
    )
    if existing is not None:
        existing.facilitators.add(mediator)
        return existing
    starts_at = local_datetime(today, datetime.time(14))
    session = Session.objects.create(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        venue=programme.venue,
    )
    session.facilitators.add(mediator)
    return session


def _expected_today(session: Session, people: list[Participant], created_by) -> None:
    """People expected at a session of today: through the services while it has not started;
    once it has (the demo loaded in the afternoon), recorded as the mediator enrolled them
    earlier in the day."""
    programme = session.programme
    for participant in people:
        if programme.is_whole_cycle:
            _enrol(participant, programme, None, created_by)
        elif session.starts_at > timezone.now():
            _enrol(participant, programme, session, created_by)
        elif not Enrolment.objects.filter(
            participant=participant, session=session, status__in=ACTIVE_STATUSES
        ).exists():
            Enrolment.objects.create(
                participant=participant,
                programme=programme,
                session=session,
                status=EnrolmentStatus.CONFIRMED,
                source=EnrolmentSource.MEDIATOR,
                created_by=created_by,
                confirmed_at=timezone.now(),
            )


def load_adults_demo(today: datetime.date) -> None:
    users = {user.username: user for user in get_user_model().objects.filter(username__in=TODAY)}
    programmes = {programme.slug: programme for programme in Programme.objects.all()}
    households = {
        household.reference: household
        for household in Household.objects.filter(reference__startswith="DEMO-")
    }
    by_programme: dict[str, list[Participant]] = {}
    for reference, first_name, age, sex, slugs in ADULTS:
        adult = _adult(households[reference], first_name, age, sex, today)
        for slug in slugs:
            by_programme.setdefault(slug, []).append(adult)
    for reference, name, age, sex, phone in SENIORS:
        senior = _senior(households[reference], name, age, sex, phone, today)
        by_programme.setdefault("seniors-bien-chez-soi", []).append(senior)
    mediator_user = users.get("mediatrice.sante")
    for slug, people in by_programme.items():
        programme = programmes[slug]
        sessions = [None] if programme.is_whole_cycle else _coming_sessions(programme)
        for session in sessions:
            for participant in people:
                _enrol(participant, programme, session, mediator_user)
    for username, slug in TODAY.items():
        if username not in users or slug not in programmes:
            continue
        mediator = Mediator.objects.get(user=users[username])
        session = _session_today(programmes[slug], mediator, today)
        people = by_programme.get(slug) or list(
            Participant.objects.filter(
                enrolments__programme=programmes[slug], enrolments__status=EnrolmentStatus.CONFIRMED
            ).distinct()
        )
        _expected_today(session, people, users[username])
