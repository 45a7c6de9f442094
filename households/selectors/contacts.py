"""Whom to tell about a participant, and how: the adult participant themselves, else the
household's primary guardian. Used for enrolments, waiting lists, wishes and follow-ups alike."""

from dataclasses import dataclass
from typing import Protocol, TypeVar

import phonenumbers
from django.db import models
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from core.phones import phone_to_e164

from ..models import Channel, Guardian, Participant

_M = TypeVar("_M", bound=models.Model)


class HasParticipant(Protocol):
    """Anything that names a participant (an enrolment, an attendance follow-up)."""

    @property
    def participant(self) -> Participant: ...


@dataclass(frozen=True)
class Contact:
    """Whom to tell about an enrolment, and how."""

    guardian_id: int
    name: str
    phone: str
    email: str
    channel: str
    language: str
    opt_out_sms: bool
    opt_out_email: bool

    @property
    def can_sms(self) -> bool:
        return bool(self.phone) and not self.opt_out_sms

    @property
    def can_email(self) -> bool:
        return bool(self.email) and not self.opt_out_email

    @property
    def reachable_channel(self) -> str | None:
        """The preferred channel when usable, else the other one, else None."""
        usable: dict[str, bool] = {Channel.SMS: self.can_sms, Channel.EMAIL: self.can_email}
        if usable.get(self.channel):
            return self.channel
        for channel, ok in usable.items():
            if ok:
                return channel
        return None


def with_contacts(rows: QuerySet[_M]) -> QuerySet[_M]:
    """Load what enrolment_contact() needs on rows that name a participant (enrolments,
    wishes), in a fixed number of queries for the list."""
    return rows.select_related(
        "participant__guardian_record", "participant__household"
    ).prefetch_related(
        Prefetch(
            "participant__household__guardians",
            queryset=Guardian.objects.order_by("-is_primary", "pk"),
        )
    )


def participant_contact(participant: Participant) -> Contact | None:
    """Whom enrolment_contact() would name for any enrolment of this participant; two queries
    (the participant with their guardian record, the household's guardians)."""
    loaded = (
        Participant.objects.select_related("guardian_record", "household")
        .prefetch_related(
            Prefetch(
                "household__guardians", queryset=Guardian.objects.order_by("-is_primary", "pk")
            )
        )
        .get(pk=participant.pk)
    )
    return enrolment_contact(_Named(participant=loaded))


_CONTACT_COLUMNS = (
    "pk",
    "household_id",
    "first_name",
    "last_name",
    "phone",
    "email",
    "preferred_channel",
    "language",
    "opt_out_sms",
    "opt_out_email",
)


def contacts_of_participants(
    participants: list[tuple[int, int, int | None]],
) -> dict[int, Contact | None]:
    """enrolment_contact() for many participants, given as (participant id, household id,
    guardian record id), in one query of plain rows (no model is built): for the sweep, which
    tells thousands of people at once."""
    households = {household_id for _pk, household_id, _record in participants}
    records = {record for _pk, _household, record in participants if record is not None}
    rows = (
        Guardian.objects.filter(Q(household_id__in=households) | Q(pk__in=records))
        .order_by("-is_primary", "pk")
        .values_list(*_CONTACT_COLUMNS)
    )
    by_pk: dict[int, Contact] = {}
    first_of_household: dict[int, Contact] = {}
    for pk, household_id, first, last, phone, email, channel, language, no_sms, no_email in rows:
        contact = Contact(
            guardian_id=pk,
            name=f"{first} {last}".strip(),
            phone=phone,
            email=email,
            channel=channel,
            language=language,
            opt_out_sms=no_sms,
            opt_out_email=no_email,
        )
        by_pk[pk] = contact
        # Ordered primary first, then by id: the first seen is enrolment_contact()'s choice.
        first_of_household.setdefault(household_id, contact)
    return {
        pk: by_pk.get(record) if record is not None else first_of_household.get(household_id)
        for pk, household_id, record in participants
    }


def _contact_from(guardian: Guardian) -> Contact:
    return Contact(
        guardian_id=guardian.pk,
        name=guardian.full_name,
        phone=guardian.phone,
        email=guardian.email,
        channel=guardian.preferred_channel,
        language=guardian.language,
        opt_out_sms=guardian.opt_out_sms,
        opt_out_email=guardian.opt_out_email,
    )


def enrolment_contact(enrolment: HasParticipant) -> Contact | None:
    """The adult participant themselves, else the household's primary guardian (or first)."""
    participant = enrolment.participant
    if participant.guardian_record is not None:
        return _contact_from(participant.guardian_record)
    guardians = list(participant.household.guardians.all())
    if not guardians:
        return None
    primary = next((guardian for guardian in guardians if guardian.is_primary), guardians[0])
    return _contact_from(primary)


@dataclass(frozen=True)
class _Named:
    participant: Participant


def guardians_with_phone(phone: str, among: QuerySet[Guardian] | None = None) -> list[Guardian]:
    """Guardians whose number is ``phone`` (E.164), whatever the form it was stored in
    ("0612…", "06 12 …", "+33612…"): rows written before numbers were normalised, or loaded
    as typed, still name the same person, and sign-in must see every account behind a number.

    The database narrows on the digits after the trunk prefix, separators removed; each
    candidate is then normalised by the one rule of core.phones.
    """
    try:
        national = str(phonenumbers.parse(phone, None).national_number)
    except phonenumbers.NumberParseException:
        return []
    stripped = Replace(F("phone"), Value(" "), Value(""))
    for separator in (".", "-", "(", ")"):
        stripped = Replace(stripped, Value(separator), Value(""))
    candidates = (
        (Guardian.objects.all() if among is None else among)
        .annotate(phone_digits=stripped)
        .filter(phone_digits__endswith=national)
    )
    return [guardian for guardian in candidates if _same_phone(guardian.phone, phone)]


def _same_phone(stored: str, phone: str) -> bool:
    try:
        return phone_to_e164(stored) == phone
    except ValueError:
        return False
