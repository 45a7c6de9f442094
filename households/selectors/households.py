"""Reads on households, shaped for pages and the API (no N+1)."""

from functools import reduce
from operator import or_

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.audit import AuditAction, audit_record, reads_are_audited
from core.phones import phone_to_e164
from core.text import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS

from ..access import households_visible_to, participants_visible_to
from ..errors import HouseholdError
from ..models import Consent, Guardian, Household, Participant

SEARCH_MIN_LENGTH = 2


def household_list(*, user, search: str = "") -> QuerySet[Household]:
    """Households the user may see, with guardians and participants, searched by any name,
    phone, e-mail or reference."""
    households = households_visible_to(user)
    try:
        # A whole phone number, typed as people type it, matches its stored E.164 form.
        phone = phone_to_e164(search) if any(c.isdigit() for c in search) else ""
    except ValueError:
        phone = ""
    if phone:
        terms = []
        households = households.filter(
            pk__in=Household.objects.filter(guardians__phone=phone).values("pk")
        )
    else:
        # Bounded here too, whatever the caller checked: a long search is a long query.
        terms = search[:SEARCH_MAX_LENGTH].split()[:SEARCH_MAX_WORDS]
    for term in terms:
        if len(term) < SEARCH_MIN_LENGTH:
            continue
        matching = (
            Q(reference__icontains=term)
            | Q(guardians__first_name__icontains=term)
            | Q(guardians__last_name__icontains=term)
            | Q(guardians__phone__icontains=term.lstrip("0"))
            | Q(guardians__email__icontains=term)
            | Q(participants__first_name__icontains=term)
            | Q(participants__last_name__icontains=term)
        )
        households = households.filter(pk__in=Household.objects.filter(matching).values("pk"))
    return households.prefetch_related(
        Prefetch("guardians", queryset=Guardian.objects.order_by("-is_primary", "pk")),
        Prefetch(
            "participants", queryset=participants_visible_to(user).order_by("birth_date", "pk")
        ),
    ).order_by("-last_activity_at", "pk")


def household_detail(*, user, pk: int) -> Household:
    """One visible household with everything its page shows; DoesNotExist otherwise.

    A member of staff reading it is recorded in the audit trail (pages and API alike)."""
    household = (
        households_visible_to(user)
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.order_by("-is_primary", "pk")),
            Prefetch(
                "participants", queryset=participants_visible_to(user).order_by("birth_date", "pk")
            ),
            Prefetch(
                "consents",
                queryset=Consent.objects.filter(
                    withdrawn_at__isnull=True, superseded_at__isnull=True
                ).select_related("participant", "given_by", "recorded_by"),
                to_attr="current_consents",
            ),
            "emergency_contacts",
        )
        .get(pk=pk)
    )
    if reads_are_audited(user):
        audit_record(
            action=AuditAction.VIEW,
            actor=user,
            target=household,
            summary=gettext_noop("household detail"),
        )
    return household


def household_of_user(*, user) -> Household | None:
    """The family account's own household, if it has one."""
    if not user.is_authenticated:
        return None
    return Household.objects.filter(guardians__user=user).first()


def participant_list(*, user, household_id: int | None = None) -> QuerySet[Participant]:
    participants = participants_visible_to(user).select_related("household")
    if household_id is not None:
        participants = participants.filter(household_id=household_id)
    return participants.order_by("household_id", "birth_date", "pk")


def guardian_list(*, user, household_id: int) -> QuerySet[Guardian]:
    return Guardian.objects.filter(
        household_id=household_id, household__in=households_visible_to(user)
    )


def guardians_visible(*, user) -> QuerySet[Guardian]:
    return Guardian.objects.filter(household__in=households_visible_to(user)).select_related(
        "household"
    )


# What a possible duplicate matched on, strongest sign first: the order families are offered in.
DUPLICATE_SIGNS = ("phone", "email", "birth_date")


def household_duplicates(
    *, phone: str = "", email: str = "", last_name: str = "", birth_date=None
) -> list[Household]:
    """Households that may be the family being registered: the same phone, the same e-mail, or
    a guardian of the same last name with a child born the same day, the strongest match first
    (what each matched on: duplicate_sign()). Not restricted to what the caller
    may see: the caller typed these details and is offered to use the household, shown
    through ``Household.masked_contact`` only, or not at all (households.services.registration)."""
    try:
        phone = phone_to_e164(phone) if phone.strip() else ""
    except ValueError:
        phone = ""
    guardians = Guardian.objects.filter(household=OuterRef("pk"))
    signs: dict[str, Exists] = {}
    if phone:
        signs["phone"] = Exists(guardians.filter(phone=phone))
    if email.strip():
        signs["email"] = Exists(guardians.filter(email__iexact=email.strip()))
    if last_name.strip() and birth_date is not None:
        signs["birth_date"] = Exists(
            guardians.filter(
                last_name__iexact=last_name.strip(), household__participants__birth_date=birth_date
            )
        )
    if not signs:
        return []
    return list(
        Household.objects.annotate(**{f"same_{name}": sign for name, sign in signs.items()})
        .filter(reduce(or_, (Q(**{f"same_{name}": True}) for name in signs)))
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.order_by("-is_primary", "pk"))
        )
        .order_by(*(F(f"same_{name}").desc() for name in signs), "pk")[:5]
    )


def duplicate_sign(household: Household) -> str:
    """What a household found by household_duplicates() matched on, its strongest sign."""
    return next(name for name in DUPLICATE_SIGNS if getattr(household, f"same_{name}", False))


def households_visible_among(*, user, households: list[Household]) -> set[int]:
    """The ids of ``households`` that ``user`` may see (households.access), in one query."""
    return set(
        households_visible_to(user)
        .filter(pk__in=[household.pk for household in households])
        .values_list("pk", flat=True)
    )


def member_to_book(
    *, user, participant_id: int | None, guardian_id: int | None
) -> tuple[Household, str]:
    """The household and member key (``p-<id>`` or ``g-<id>``) of the person an API client
    books: a participant, or a guardian who takes part, among those ``user`` may see."""
    if participant_id is not None and guardian_id is None:
        participant = participant_list(user=user).filter(pk=participant_id).first()
        if participant is None:
            raise HouseholdError(_("Not found."), field="participant_id", status=404)
        return participant.household, f"p-{participant.pk}"
    if guardian_id is not None and participant_id is None:
        guardian = guardians_visible(user=user).filter(pk=guardian_id).first()
        if guardian is None:
            raise HouseholdError(_("Not found."), field="guardian_id", status=404)
        return guardian.household, f"g-{guardian.pk}"
    raise HouseholdError(_("Give either participant_id or guardian_id."), field="participant_id")
