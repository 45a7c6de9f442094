"""Reads on households, shaped for pages and the API (no N+1)."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_noop

from accounts.audit import AuditAction, audit_record, reads_are_audited
from core.phones import phone_to_e164
from core.text import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS

from ..access import households_visible_to, participants_visible_to
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


def household_duplicates(
    *, phone: str = "", email: str = "", last_name: str = "", birth_date=None
) -> list[Household]:
    """Households that may be the family being registered: the same phone, the same e-mail, or
    a guardian of the same last name with a child born the same day. Not restricted to what the
    caller may see: the caller typed these details and is offered to use the household, shown
    through ``Household.masked_contact`` only."""
    try:
        phone = phone_to_e164(phone) if phone.strip() else ""
    except ValueError:
        phone = ""
    condition = Q(pk__in=[])
    if phone:
        condition |= Q(guardians__phone=phone)
    if email.strip():
        condition |= Q(guardians__email__iexact=email.strip())
    if last_name.strip() and birth_date is not None:
        condition |= Q(
            guardians__last_name__iexact=last_name.strip(), participants__birth_date=birth_date
        )
    return list(
        Household.objects.filter(pk__in=Household.objects.filter(condition).values("pk"))
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.order_by("-is_primary", "pk"))
        )
        .order_by("pk")[:5]
    )
