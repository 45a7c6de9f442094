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
from households.access import EnrolmentLinks, can_manage_programme

__all__ = ["can_manage_programme", "enrolments_visible_to", "enrolment_links", "partner_of"]

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


def partner_of(user):
    """The partner organisation a partner account acts for (its first, by name), or None."""
    if not has_role(user, Role.PARTNER):
        return None
    return user.partner_organisations.order_by("name").first()


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

    def household_enrolled_nowhere(user) -> Q:
        return ~Q(Exists(Enrolment.objects.filter(participant__household=OuterRef("pk"))))

    def household_referred_by(user) -> Q:
        return Q(
            Exists(
                Enrolment.objects.filter(
                    participant__household=OuterRef("pk"),
                    referred_by_partner__members=user,
                    status__in=_RUNNING,
                )
            )
        )

    def participant_referred_by(user) -> Q:
        return Q(
            Exists(
                Enrolment.objects.filter(
                    participant=OuterRef("pk"),
                    referred_by_partner__members=user,
                    status__in=_RUNNING,
                )
            )
        )

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
        household_enrolled_nowhere=household_enrolled_nowhere,
        household_referred_by=household_referred_by,
        participant_referred_by=participant_referred_by,
        participant_enrolled_with=participant_enrolled_with,
        participant_expected_by=participant_expected_by,
    )
