"""Who may see which enrolment, and what enrolments open in the households app.

- a family sees its household's enrolments;
- a mediator sees the enrolments in their programmes only: registering a household does not
  open its enrolments in other mediators' programmes;
- a coordinator or an administrator sees everything;
- a partner sees the referrals it made.

Who sees a household, a participant, a health note or a safety sheet is decided in
``households.access``; the conditions that depend on enrolments ("enrolled in one of their
programmes", "referred by", "expected at") are written here, in :func:`enrolment_links`, and
registered with it from ``EnrolmentConfig.ready``.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.roles import Role, has_role, user_roles
from households.access import EnrolmentLinks
from households.models import Consent, ConsentAnswer, ConsentKind, Household

from .models import Enrolment, EnrolmentStatus

_EVERYTHING = (Role.COORDINATOR, Role.ADMINISTRATOR)
_RUNNING = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.PROPOSED)


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    if not user.is_authenticated:
        return Enrolment.objects.none()
    roles = user_roles(user)
    if roles & set(_EVERYTHING):
        return Enrolment.objects.all()
    condition = Q(participant__household__guardians__user=user)
    if Role.MEDIATOR in roles:
        # Only their programmes: registering a household does not open its enrolments in
        # other mediators' programmes.
        condition |= Q(programme__mediators__user=user)
    if Role.PARTNER in roles:
        condition |= Q(referred_by_partner__members=user)
    return Enrolment.objects.filter(pk__in=Enrolment.objects.filter(condition).values("pk"))


def can_manage_programme(user, programme) -> bool:
    """Staff of a programme: its mediators, coordinators and administrators (waitlists, lists)."""
    if has_role(user, *_EVERYTHING):
        return True
    return has_role(user, Role.MEDIATOR) and programme.mediators.filter(user=user).exists()


def partner_of(user):
    """The partner organisation a partner account acts for (its first, by name), or None."""
    if not has_role(user, Role.PARTNER):
        return None
    return user.partner_organisations.order_by("name").first()


def _shared_with_partner_of(user, *, household: str) -> Q:
    """A partner reads a household it referred only if the partner brought it to the service
    (one of its members registered it: it knows what it typed) or the family consents to
    sharing with partners. A referral to a family the service already knew opens nothing
    more than what the partner typed, and a withdrawn referral opens nothing at all."""
    registered_by_partner = Q(
        Exists(
            Household.objects.filter(
                pk=OuterRef(household),
                created_by__partner_organisations__members=user,
            )
        )
    )
    consented = Q(
        Exists(
            Consent.objects.filter(
                household=OuterRef(household),
                participant__isnull=True,
                kind=ConsentKind.PARTNER_SHARING,
                answer=ConsentAnswer.GIVEN,
                withdrawn_at__isnull=True,
                superseded_at__isnull=True,
            )
        )
    )
    return registered_by_partner | consented


def enrolment_links() -> EnrolmentLinks:
    """The enrolment facts households.access asks for, each on the outer object's ``pk``."""

    def household_in_programmes_of(user) -> Q:
        return Q(
            Exists(
                Enrolment.objects.filter(
                    participant__household=OuterRef("pk"), programme__mediators__user=user
                )
            )
        )

    def household_referred_by(user) -> Q:
        return Q(
            Exists(
                Enrolment.objects.filter(
                    participant__household=OuterRef("pk"),
                    referred_by_partner__members=user,
                    status__in=_RUNNING,
                )
            )
        ) & _shared_with_partner_of(user, household="pk")

    def participant_referred_by(user) -> Q:
        return Q(
            Exists(
                Enrolment.objects.filter(
                    participant=OuterRef("pk"),
                    referred_by_partner__members=user,
                    status__in=_RUNNING,
                )
            )
        ) & _shared_with_partner_of(user, household="household")

    def participant_enrolled_with(user) -> Q:
        return Q(
            Exists(
                Enrolment.objects.filter(
                    participant=OuterRef("pk"),
                    programme__mediators__user=user,
                    status__in=_RUNNING,
                )
            )
        )

    def participant_expected_by(user) -> Q:
        running = Enrolment.objects.filter(participant=OuterRef("pk"), status__in=_RUNNING)
        return Q(
            Exists(
                running.filter(
                    Q(programme__mediators__user=user)
                    | Q(session__facilitators__user=user)
                    | Q(session__isnull=True, programme__sessions__facilitators__user=user)
                )
            )
        )

    return EnrolmentLinks(
        household_in_programmes_of=household_in_programmes_of,
        household_referred_by=household_referred_by,
        participant_referred_by=participant_referred_by,
        participant_enrolled_with=participant_enrolled_with,
        participant_expected_by=participant_expected_by,
    )
