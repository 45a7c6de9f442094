"""Who may see which household, participant, health note and safety sheet: the one place that
decides.

- a family sees its own household (through ``Guardian.user``);
- a mediator sees the households they created, and those enrolled in one of their programmes;
  and, so that a family that registered itself online can be found by a name and welcomed,
  every household that registered itself and has no enrolment yet;
- a coordinator or an administrator sees everything;
- a partner sees only what it referred, while the referral runs: the referred participants (not
  their brothers and sisters), and the guardians of their households, if it registered the
  household itself or the family consents to sharing with partners;
- health notes: only the mediators of a programme the participant is enrolled in, and
  coordinators;
- safety sheets: the family its own children; the mediators of a programme the child is
  enrolled in and the facilitators of a session the child is expected at; coordinators and
  administrators. Nobody else, partners included.

"Enrolled in", "referred" and "expected at" are facts of the enrolment app, which sits above
this one: it fills :class:`EnrolmentLinks` from its ``AppConfig.ready`` (as the apps fill
``core.menu``), and the rule itself stays here. Without it, staff below coordinator see only
the households they created.

Pages and API endpoints look objects up inside these querysets, so another household's id
answers 404, never data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, user_roles

from .errors import HouseholdError
from .models import Consent, ConsentAnswer, ConsentKind, Guardian, Household, Participant

_EVERYTHING = (Role.COORDINATOR, Role.ADMINISTRATOR)

# Each takes the user and answers a condition on the model named, over the outer ``pk``.
LinkCondition = Callable[[Any], Q]


def _nothing(user) -> Q:
    return Q(pk__in=[])


@dataclass(kw_only=True)
class EnrolmentLinks:
    """The conditions the enrolment app answers, each on the outer object's ``pk``."""

    household_in_programmes_of: LinkCondition = _nothing  # mediator → Household
    household_enrolled_nowhere: LinkCondition = _nothing  # anyone → Household
    household_referred_by: LinkCondition = _nothing  # partner member → Household
    participant_referred_by: LinkCondition = _nothing  # partner member → Participant
    participant_enrolled_with: LinkCondition = _nothing  # mediator → Participant (health notes)
    participant_expected_by: LinkCondition = _nothing  # mediator or facilitator → Participant


_links = EnrolmentLinks()


def register_enrolment_links(links: EnrolmentLinks) -> None:
    global _links
    _links = links


def can_write_households(user) -> bool:
    """Families and staff change households and enrol; a partner only refers."""
    return has_role(user, Role.FAMILY, Role.MEDIATOR, Role.COORDINATOR, Role.ADMINISTRATOR)


def _own_household(household_ref: str, user) -> Q:
    return Q(Exists(Guardian.objects.filter(household=OuterRef(household_ref), user=user)))


def _shared_with_partners(user, *, household: str) -> Q:
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


def households_visible_to(user) -> QuerySet[Household]:
    if not getattr(user, "is_authenticated", False):
        return Household.objects.none()
    roles = user_roles(user)
    if roles & set(_EVERYTHING):
        return Household.objects.all()
    # Exists() rather than joins: a household with several guardians stays one row.
    condition = _own_household("pk", user)
    if Role.MEDIATOR in roles:
        # A household that registered itself online and is enrolled nowhere yet waits for a
        # mediator to welcome it: every mediator may find it, until its first enrolment puts
        # it in the hands of that programme's mediators.
        registered_itself = Q(
            Exists(Guardian.objects.filter(household=OuterRef("pk"), user=OuterRef("created_by")))
        )
        awaiting_welcome = registered_itself & _links.household_enrolled_nowhere(user)
        condition |= Q(created_by=user) | _links.household_in_programmes_of(user) | awaiting_welcome
    if Role.PARTNER in roles:
        condition |= _links.household_referred_by(user) & _shared_with_partners(
            user, household="pk"
        )
    return Household.objects.filter(condition)


def participants_visible_to(user) -> QuerySet[Participant]:
    """A family its own, staff those of the households they see; a partner only the people
    it referred, not their brothers and sisters."""
    if not getattr(user, "is_authenticated", False):
        return Participant.objects.none()
    roles = user_roles(user)
    if roles & set(_EVERYTHING):
        return Participant.objects.all()
    condition = _own_household("household", user)
    if Role.MEDIATOR in roles:
        condition |= Q(household__in=households_visible_to(user).values("pk"))
    if Role.PARTNER in roles:
        condition |= _links.participant_referred_by(user) & _shared_with_partners(
            user, household="household"
        )
    return Participant.objects.filter(condition)


def can_see_health_notes(user, participant: Participant) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, *_EVERYTHING):
        return True
    if not has_role(user, Role.MEDIATOR):
        return False
    return (
        Participant.objects.filter(pk=participant.pk)
        .filter(_links.participant_enrolled_with(user))
        .exists()
    )


def can_act_for_household(user, household: Household) -> bool:
    """Whether ``user`` may change the household (add a child, enrol, cancel)."""
    if has_role(user, Role.MEDIATOR, *_EVERYTHING):
        return households_visible_to(user).filter(pk=household.pk).exists()
    return household.guardians.filter(user=user).exists() if user.is_authenticated else False


def can_manage_programme(user, programme) -> bool:
    """Staff of a programme: its mediators, coordinators and administrators (waitlists, lists,
    enrolling people in it)."""
    if has_role(user, *_EVERYTHING):
        return True
    return has_role(user, Role.MEDIATOR) and programme.mediators.filter(user=user).exists()


def enrolment_refusal(user, *, household: Household, programme) -> str | None:
    """Why ``user`` may not enrol members of ``household`` in ``programme``, or None.

    A family enrols its own household anywhere; a mediator, in their programmes only
    (docs/access.md): an enrolment in another mediator's programme would be one its author can
    neither see nor cancel. Every booking path (one date, several, a whole cycle; page or API)
    asks here.
    """
    if can_manage_programme(user, programme):
        return None
    if household.guardians.filter(user=user).exists():
        return None
    return _(
        "Only the mediators of “%(programme)s” and the coordinators enrol people in it: ask one "
        "of them."
    ) % {"programme": programme.title}


def enrolment_write_check(user, *, household: Household, programme) -> None:
    """:func:`enrolment_refusal` as a 403 for the API and the services."""
    refusal = enrolment_refusal(user, household=household, programme=programme)
    if refusal is not None:
        raise HouseholdError(refusal, field="programme_id", status=403)


def participants_with_sheet_visible_to(user) -> QuerySet[Participant]:
    """Whose safety sheet ``user`` may read (the rule in this module's docstring)."""
    if not getattr(user, "is_authenticated", False):
        return Participant.objects.none()
    roles = user_roles(user)
    if roles & set(_EVERYTHING):
        return Participant.objects.all()
    condition = _own_household("household_id", user)
    if Role.MEDIATOR in roles:
        condition |= _links.participant_expected_by(user)
    return Participant.objects.filter(condition)


def can_see_safety_sheet(user, participant: Participant) -> bool:
    return participants_with_sheet_visible_to(user).filter(pk=participant.pk).exists()


def can_fill_safety_sheet(user, participant: Participant) -> bool:
    """The family, or staff who may read the sheet (a mediator filling it with the family)."""
    return can_see_safety_sheet(user, participant)
