"""Who may see which household, enrolment and health note: the one place that decides.

- a family sees its own household (through ``Guardian.user``) and its enrolments;
- a mediator sees the households with an enrolment in one of their programmes, and those they
  created, with those households' enrolments in their programmes only; and, so that a family
  that registered itself online can be found by a name and welcomed, every household that
  registered itself and has no enrolment yet (none of its people is in any programme);
- a coordinator or an administrator sees everything;
- a partner sees only what it referred: the referred participants (not their brothers and
  sisters), the guardians of their households, and the referrals.

Pages and API endpoints look objects up inside these querysets, so another household's id
answers 404, never data. Health notes: only the mediators of a programme the participant is
enrolled in, and coordinators.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.roles import Role, has_role, user_roles

from .models import Enrolment, EnrolmentStatus, Guardian, Household, Participant

_EVERYTHING = (Role.COORDINATOR, Role.ADMINISTRATOR)


def can_write_households(user) -> bool:
    """Families and staff change households and enrol; a partner only refers."""
    return has_role(user, Role.FAMILY, Role.MEDIATOR, Role.COORDINATOR, Role.ADMINISTRATOR)


def households_visible_to(user) -> QuerySet[Household]:
    if not getattr(user, "is_authenticated", False):
        return Household.objects.none()
    roles = user_roles(user)
    if roles & set(_EVERYTHING):
        return Household.objects.all()
    # Exists() rather than joins: a household with several guardians stays one row.
    condition = Q(Exists(Guardian.objects.filter(household=OuterRef("pk"), user=user)))
    if Role.MEDIATOR in roles:
        in_their_programmes = Enrolment.objects.filter(
            participant__household=OuterRef("pk"), programme__mediators__user=user
        )
        # A household that registered itself online and is enrolled nowhere yet waits for a
        # mediator to welcome it: every mediator may find it, until its first enrolment puts
        # it in the hands of that programme's mediators.
        awaiting_welcome = Q(
            Exists(Guardian.objects.filter(household=OuterRef("pk"), user=OuterRef("created_by")))
        ) & ~Q(Exists(Enrolment.objects.filter(participant__household=OuterRef("pk"))))
        condition |= Q(created_by=user) | Q(Exists(in_their_programmes)) | awaiting_welcome
    if Role.PARTNER in roles:
        referred = Enrolment.objects.filter(
            participant__household=OuterRef("pk"), referred_by_partner__members=user
        )
        condition |= Q(Exists(referred))
    return Household.objects.filter(condition)


def participants_visible_to(user) -> QuerySet[Participant]:
    """A family its own, staff those of the households they see; a partner only the people
    it referred, not their brothers and sisters."""
    if not getattr(user, "is_authenticated", False):
        return Participant.objects.none()
    roles = user_roles(user)
    if roles & set(_EVERYTHING):
        return Participant.objects.all()
    condition = Q(Exists(Guardian.objects.filter(household=OuterRef("household"), user=user)))
    if Role.MEDIATOR in roles:
        staff_households = households_visible_to(user).values("pk")
        condition |= Q(household__in=staff_households)
    if Role.PARTNER in roles:
        condition |= Q(
            Exists(
                Enrolment.objects.filter(
                    participant=OuterRef("pk"), referred_by_partner__members=user
                )
            )
        )
    return Participant.objects.filter(condition)


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


def can_see_health_notes(user, participant: Participant) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, *_EVERYTHING):
        return True
    if not has_role(user, Role.MEDIATOR):
        return False
    return Enrolment.objects.filter(
        participant=participant,
        programme__mediators__user=user,
        status__in=(
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.WAITLISTED,
            EnrolmentStatus.PROPOSED,
        ),
    ).exists()


def can_act_for_household(user, household: Household) -> bool:
    """Whether ``user`` may change the household (add a child, enrol, cancel)."""
    if has_role(user, Role.MEDIATOR, *_EVERYTHING):
        return households_visible_to(user).filter(pk=household.pk).exists()
    return household.guardians.filter(user=user).exists() if user.is_authenticated else False


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


_RUNNING = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.PROPOSED)


def participants_with_sheet_visible_to(user) -> QuerySet[Participant]:
    """Whose safety sheet ``user`` may read: the family its own children; the mediators of a
    programme the child is enrolled in; the facilitators of a session the child is expected
    at; coordinators and administrators. Nobody else, partners included."""
    if not getattr(user, "is_authenticated", False):
        return Participant.objects.none()
    roles = user_roles(user)
    if roles & set(_EVERYTHING):
        return Participant.objects.all()
    condition = Q(Exists(Guardian.objects.filter(household=OuterRef("household_id"), user=user)))
    if Role.MEDIATOR in roles:
        running = Enrolment.objects.filter(participant=OuterRef("pk"), status__in=_RUNNING)
        condition |= Q(
            Exists(
                running.filter(
                    Q(programme__mediators__user=user)
                    | Q(session__facilitators__user=user)
                    | Q(session__isnull=True, programme__sessions__facilitators__user=user)
                )
            )
        )
    return Participant.objects.filter(condition)


def can_see_safety_sheet(user, participant: Participant) -> bool:
    return participants_with_sheet_visible_to(user).filter(pk=participant.pk).exists()


def can_fill_safety_sheet(user, participant: Participant) -> bool:
    """The family, or staff who may read the sheet (a mediator filling it with the family)."""
    return can_see_safety_sheet(user, participant)
