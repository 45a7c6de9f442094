"""The data set of the access matrix: two sides, A and B, each with its family, mediator,
programme, session, enrolments, follow-up and message; a partner that referred side A's
children; a coordinator and an administrator.

Every role has an own side (family A, mediator A, the partner, coordinator and administrator:
A; family B and mediator B: B) and the other side is what it must not reach unless the policy
says "yes". Objects bound to a user (API tokens, background jobs) are the acting user's own
and another user's.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import ApiToken
from accounts.roles import Role
from allocation.models import AllocationRound, RoundActivity
from allocation.services import wishes_set
from attendance.models import FollowUp
from enrolment.models import EnrolmentSource, EnrolmentStatus, HouseholdFeedToken
from households.models import ConsentKind, FilledAs
from households.services import HealthInput, SheetInput, consent_give, safety_sheet_save
from jobs.models import BackgroundJob
from sessions.models import FeedScope, FeedToken
from sessions.services import feed_token_issue
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    MessageFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    ScheduleFactory,
    SessionFactory,
    user_with_role,
)

# The columns of the policy table, and the accounts that act in each.
ROLES = ("anonymous", "family", "mediator", "partner", "coordinator", "administrator")
ACTORS = (
    ("anonymous", "A"),
    ("family", "A"),
    ("family", "B"),
    ("mediator", "A"),
    ("mediator", "B"),
    ("partner", "A"),
    ("coordinator", "A"),
    ("administrator", "A"),
)
OTHER = {"A": "B", "B": "A"}


@dataclass
class Side:
    household: object
    guardian: object
    participant: object
    programme: object
    session: object
    enrolment: object
    referral: object
    follow_up: object
    message: object
    schedule: object
    partner_feed: str
    mediator_feed: str
    household_feed: str
    round: object
    activity: object


@dataclass
class World:
    sides: dict[str, Side]
    users: dict[tuple[str, str], object]
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    outsider: object = None

    def user(self, role: str, side: str):
        return self.users.get((role, side))

    def object_id(self, kind: str, side: str, user) -> str:
        """The id (or slug, or secret) of an object of ``kind`` on ``side``."""
        owner = user if side == "own" and user is not None else self.outsider
        if kind == "token":
            return str(ApiToken.objects.filter(user=owner).order_by("pk").first().pk)
        if kind == "job":
            return str(BackgroundJob.objects.filter(owner=owner).order_by("pk").first().pk)
        raise KeyError(kind)


def _side(name: str, partner, family_user, mediator) -> Side:
    household = HouseholdFactory()
    guardian = GuardianFactory(household=household, user=family_user, first_name=f"Guard{name}")
    child = ParticipantFactory(household=household, last_name=f"Child{name}")
    second = ParticipantFactory(household=household, last_name=f"Second{name}")
    programme = ProgrammeFactory(title=f"Programme {name}")
    programme.mediators.add(mediator)
    if name == "A":
        programme.partners.add(partner)
    now = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    session = SessionFactory(
        programme=programme, starts_at=now, ends_at=now + datetime.timedelta(hours=2)
    )
    referrer = partner if name == "A" else PartnerFactory()
    enrolment = EnrolmentFactory(
        participant=child,
        programme=programme,
        session=session,
        source=EnrolmentSource.PARTNER_REFERRAL,
        referred_by_partner=referrer,
    )
    referral = EnrolmentFactory(
        participant=second,
        programme=programme,
        session=session,
        status=EnrolmentStatus.PROPOSED,
        source=EnrolmentSource.PARTNER_REFERRAL,
        referred_by_partner=referrer,
    )
    # The family agreed that partners who refer it see it (a partner's "own" household).
    consent_give(
        household=household,
        kind=ConsentKind.PARTNER_SHARING,
        version="2026",
        given_by=guardian,
        recorded_by=family_user,
    )
    follow_up = FollowUp.objects.create(
        participant=child, programme=programme, enrolment=enrolment, mediator=mediator
    )
    # The child's safety sheet (special-category data): the policy rows of the sheet read it.
    safety_sheet_save(
        participant=child,
        sheet=SheetInput(health=HealthInput(allergies=f"Arachides {name}", has_pai=True)),
        filled_by=family_user,
        filled_as=FilledAs.GUARDIAN,
        pai_file=SimpleUploadedFile("pai.pdf", b"%PDF-1.4 PAI " + name.encode()),
    )
    message = MessageFactory(household=household, programme=programme, state="failed")
    _t, partner_feed = feed_token_issue(token=FeedToken(scope=FeedScope.PARTNER, partner=referrer))
    _t, mediator_feed = feed_token_issue(
        token=FeedToken(scope=FeedScope.MEDIATOR, mediator=mediator)
    )
    _t, household_feed = feed_token_issue(token=HouseholdFeedToken(household=household))
    schedule = ScheduleFactory(programme=programme)
    # An allocation round over the side's programme, open for wishes, with a coming session as
    # its activity and the child's wish in it.
    round_, activity = _round(name, programme)
    wishes_set(round_=round_, participants=[child], activities=[activity], created_by=family_user)
    return Side(
        household,
        guardian,
        child,
        programme,
        session,
        enrolment,
        referral,
        follow_up,
        message,
        schedule,
        partner_feed,
        mediator_feed,
        household_feed,
        round_,
        activity,
    )


def _round(name: str, programme) -> tuple[AllocationRound, RoundActivity]:
    now = timezone.now()
    coming = SessionFactory(
        programme=programme,
        starts_at=now + datetime.timedelta(days=10),
        ends_at=now + datetime.timedelta(days=10, hours=2),
    )
    round_ = AllocationRound.objects.create(
        title=f"Round {name}",
        wishes_open_at=now - datetime.timedelta(days=1),
        wishes_close_at=now + datetime.timedelta(days=5),
        results_on=(now + datetime.timedelta(days=6)).date(),
    )
    activity = RoundActivity.objects.create(round=round_, programme=programme, session=coming)
    return round_, activity


def build_world() -> World:
    users = {
        ("family", "A"): user_with_role(Role.FAMILY, username="famille.a"),
        ("family", "B"): user_with_role(Role.FAMILY, username="famille.b"),
        ("partner", "A"): user_with_role(Role.PARTNER, username="partenaire.a"),
        ("coordinator", "A"): user_with_role(Role.COORDINATOR, username="coordination.a"),
        ("administrator", "A"): user_with_role(Role.ADMINISTRATOR, username="admin.a"),
    }
    mediators = {side: MediatorFactory() for side in "AB"}
    for side, mediator in mediators.items():
        users[("mediator", side)] = mediator.user
    partner = PartnerFactory(name="Partenaire A")
    partner.members.add(users[("partner", "A")])
    sides = {name: _side(name, partner, users[("family", name)], mediators[name]) for name in "AB"}
    outsider = user_with_role(Role.COORDINATOR, username="someone.else")
    world = World(sides=sides, users=users, outsider=outsider)
    for user in [*users.values(), outsider]:
        _token, raw = ApiToken.generate(user=user, name="matrix")
        world.tokens[(user.username, "raw")] = raw
        BackgroundJob.objects.create(kind="regenerate_sessions", title="matrix", owner=user)
    return world
