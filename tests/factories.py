import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from households.models import Consent, ConsentKind, Guardian, HealthNote, Household, Participant
from programmes.models import (
    Audience,
    EnrolmentMode,
    Field,
    Kind,
    Mediator,
    Partner,
    PartnerKind,
    Programme,
    ProgrammeStatus,
    Venue,
)
from sessions.models import Schedule, ScheduleKind, Session, SessionStatus, Weekday


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=role)[0])


def user_with_role(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Salle {n}")
    address = factory.Sequence(lambda n: f"{n} rue de la Paix, 94270 Le Kremlin-Bicêtre")
    neighbourhood = "Les Martinets"
    in_qpv = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = PartnerKind.ASSOCIATION


class MediatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mediator

    user = factory.SubFactory(UserFactory, roles=[Role.MEDIATOR])
    field = Field.SOCIO_EDUCATIONAL


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.LazyAttribute(lambda programme: slugify(programme.title))
    kind = Kind.HOLIDAY_ACTIVITY
    field = Field.SOCIO_EDUCATIONAL
    audience = Audience.CHILDREN
    min_age = 6
    max_age = 12
    enrolment_mode = EnrolmentMode.PER_SESSION
    capacity = 10
    status = ProgrammeStatus.PUBLISHED
    venue = factory.SubFactory(VenueFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=7)).replace(
            hour=13, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=2))
    venue = factory.LazyAttribute(lambda session: session.programme.venue)
    status = SessionStatus.SCHEDULED


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Weekly on Wednesday 14:00–16:00 over the 2026–27 school year, as the demo's family course."""

    class Meta:
        model = Schedule

    programme = factory.SubFactory(ProgrammeFactory)
    kind = ScheduleKind.WEEKLY
    weekdays = factory.LazyFunction(lambda: [Weekday.WEDNESDAY])
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2027, 6, 30)
    start_time = datetime.time(14)
    end_time = datetime.time(16)


def build_catalogue(*, programmes: int = 30, sessions_each: int = 10) -> list[Programme]:
    """Published programmes with mediators, partners and coming sessions, enough to show N+1."""
    venues = VenueFactory.create_batch(3)
    mediators = MediatorFactory.create_batch(3)
    partners = PartnerFactory.create_batch(3)
    kinds = list(Kind)
    created = []
    start = (timezone.now() + datetime.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    sessions = []
    for index in range(programmes):
        programme = ProgrammeFactory(kind=kinds[index % len(kinds)], venue=venues[index % 3])
        programme.mediators.add(mediators[index % 3])
        programme.partners.add(*partners[: 1 + index % 3])
        created.append(programme)
        for week in range(sessions_each):
            starts_at = start + datetime.timedelta(days=7 * week, hours=index % 8)
            sessions.append(
                Session(
                    programme=programme,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(hours=2),
                    venue=venues[(index + week) % 3],
                )
            )
    through = Session.facilitators.through
    created_sessions = Session.objects.bulk_create(sessions)
    through.objects.bulk_create(
        [
            through(session_id=s.pk, mediator_id=mediators[i % 3].pk)
            for i, s in enumerate(created_sessions)
        ]
    )
    return created


class MessageFactory(factory.django.DjangoModelFactory):
    """An outbox row as stored: a reminder by SMS, due now."""

    class Meta:
        model = "notifications.Message"

    key = factory.Sequence(lambda n: f"test:{n}")
    kind = "reminder"
    channel = "sms"
    address = factory.Sequence(lambda n: f"+336{n:08d}")
    language = "fr"
    recipient_name = "Nadia Durand"
    context = factory.LazyFunction(
        lambda: {
            "participant": "Lina",
            "programme": "Atelier cuisine",
            "starts_at": "2026-12-02T13:00:00+00:00",
            "ends_at": "2026-12-02T15:00:00+00:00",
            "venue": "Centre social",
            "address": "12 rue de la Convention",
        }
    )
    due_at = factory.LazyFunction(timezone.now)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    neighbourhood = "Les Martinets"
    in_qpv = True


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    phone = factory.Sequence(lambda n: f"06{n:08d}")
    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    is_primary = True


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    # Nine years old: fits the default ProgrammeFactory (6 to 12, children).
    birth_date = factory.LazyFunction(
        lambda: timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=9 * 366)
    )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A row as stored, bypassing the services: for lists and access tests, not for rules."""

    class Meta:
        model = Enrolment

    participant = factory.SubFactory(ParticipantFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    session = None
    status = EnrolmentStatus.CONFIRMED
    source = EnrolmentSource.FAMILY_ONLINE


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    household = factory.SubFactory(HouseholdFactory)
    kind = ConsentKind.PARENTAL_AUTHORISATION
    version = "2026-01"


class HealthNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthNote

    participant = factory.SubFactory(ParticipantFactory)
    text = "Allergie aux arachides."


def feed_token_for(*, partner=None, mediator=None, language: str = "fr"):
    """A private feed token and its raw secret, issued through the service."""
    from sessions.models import FeedScope, FeedToken
    from sessions.services import feed_token_issue

    scope = FeedScope.PARTNER if partner is not None else FeedScope.MEDIATOR
    return feed_token_issue(
        token=FeedToken(scope=scope, partner=partner, mediator=mediator, language=language)
    )


def build_register(
    *,
    participants: int = 10,
    whole_cycle: bool = True,
    kind: str | None = None,
    starts_at: datetime.datetime | None = None,
    programme=None,
):
    """A programme with a mediator, one session (today unless told) and confirmed enrolments:
    returns (session, mediator, participants)."""
    if programme is None:
        programme = ProgrammeFactory(
            enrolment_mode=EnrolmentMode.WHOLE_CYCLE if whole_cycle else EnrolmentMode.PER_SESSION,
            kind=kind or (Kind.FAMILY_COURSE if whole_cycle else Kind.HOLIDAY_ACTIVITY),
            capacity=max(participants, 1),
        )
        programme.mediators.add(MediatorFactory())
    mediator = programme.mediators.first()
    if starts_at is None:
        starts_at = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    session = SessionFactory(programme=programme, starts_at=starts_at)
    people = ParticipantFactory.create_batch(participants)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                participant=person,
                programme=programme,
                status=EnrolmentStatus.CONFIRMED,
                source=EnrolmentSource.MEDIATOR,
                session=None if programme.is_whole_cycle else session,
            )
            for person in people
        ]
    )
    return session, mediator, people


def fill_safety_sheet(
    participant,
    *,
    filled_by=None,
    allergies: str = "Arachides",
    has_pai: bool = False,
    may_leave_alone: bool = False,
    authorised: tuple[tuple[str, str, str], ...] = (("Awa Diallo", "tante", "06 11 22 33 44"),),
    photos: bool = True,
):
    """A complete safety sheet, written through the service (encrypted as in production)."""
    from households.models import FilledAs
    from households.services import HealthInput, ImageRights, Person, SheetInput, safety_sheet_save

    return safety_sheet_save(
        participant=participant,
        filled_by=filled_by,
        filled_as=FilledAs.GUARDIAN,
        sheet=SheetInput(
            health=HealthInput(
                allergies=allergies,
                diet="Sans porc",
                has_pai=has_pai,
                pai_details="Stylo d'adrénaline dans le sac" if has_pai else "",
                doctor_name="Dr Martin",
                doctor_phone="01 46 70 00 00",
            ),
            emergency_contacts=[
                Person("Fatou Diallo", "mère", "06 00 00 00 01"),
                Person("Moussa Diallo", "père", "06 00 00 00 02"),
            ],
            authorised_people=[
                Person(name, relation, phone) for name, relation, phone in authorised
            ],
            may_leave_alone=may_leave_alone,
            leave_alone_signed_on=timezone.localdate() if may_leave_alone else None,
            image_rights=ImageRights(internal=photos, printed=photos, web=False, social=False),
        ),
    )
