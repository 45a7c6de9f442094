"""Writes on households: guardians, participants, consents, emergency contacts, health notes."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import contacts
from accounts.roles import is_staff_member
from core.ids import parse_id
from core.phones import phone_to_e164

from ..access import can_see_health_notes
from ..errors import HouseholdError
from ..models import (
    Channel,
    Consent,
    ConsentAnswer,
    EmergencyContact,
    Guardian,
    HealthNote,
    Household,
    Language,
    Participant,
    Sex,
)
from ..selectors.contacts import guardians_with_phone

OLDEST_AGE = 120
# A child typed again within this time (the same first name and birth date in the household) is
# the same child: a form sent twice, a page reloaded, an API call retried.
RESUBMIT_WINDOW = datetime.timedelta(minutes=10)


def _touch(household: Household) -> None:
    household.last_activity_at = timezone.now()
    household.save(update_fields=["last_activity_at"])


def _clean_phone(phone: str, *, field: str = "phone") -> str:
    try:
        return phone_to_e164(phone)
    except ValueError as exc:
        raise HouseholdError(
            _("This phone number is not valid: type it as on a phone, e.g. 06 12 34 56 78."),
            field=field,
        ) from exc


def _clean_email(email: str) -> str:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise HouseholdError(_("This e-mail address is not valid."), field="email") from exc
    return email


def guardian_account_check(*, user) -> None:
    """Whether ``user`` may be a family's guardian. A staff login may not: the family's space
    and messages would go to a mediator, and their reads would mix with the family's."""
    if user is not None and is_staff_member(user):
        raise HouseholdError(
            _(
                "A staff account cannot be a family's guardian. Register the family from the "
                "mediation space, then invite its guardian to sign in."
            ),
            field="user",
            status=403,
        )


def _check_guardian_contact(
    *, first_name: str, last_name: str, phone: str, email: str, preferred_channel: str
) -> None:
    if not first_name.strip():
        raise HouseholdError(_("Enter a first name."), field="first_name")
    if not last_name.strip():
        raise HouseholdError(_("Enter a last name."), field="last_name")
    if not phone.strip() and not email.strip():
        raise HouseholdError(_("Enter a phone number or an e-mail address."), field="phone")
    if preferred_channel == Channel.SMS and not phone.strip():
        raise HouseholdError(_("Messages by SMS need a phone number."), field="phone")
    if preferred_channel == Channel.EMAIL and not email.strip():
        raise HouseholdError(_("Messages by e-mail need an e-mail address."), field="email")


def _check_phone_not_another_account(
    phone: str, *, account=None, household_id: int | None = None
) -> None:
    """A phone signs in one account only: a household with an account cannot take, as its own,
    a number that another household with an account already has (whatever form it is stored
    in). The owner of the number would otherwise receive codes that open someone else's
    household, or no code at all."""
    try:
        phone = phone_to_e164(phone)
    except ValueError:
        return  # refused as invalid by guardian_create, with its own message
    if not phone:
        return
    households = {guardian.household_id for guardian in guardians_with_phone(phone)}
    households.discard(household_id)
    others = Guardian.objects.filter(household_id__in=households, user__isnull=False)
    taken = (others.exclude(user=account) if account is not None else others).exists()
    if taken:
        raise HouseholdError(
            _(
                "This phone number already belongs to another family's account. Sign in with "
                "it (a code is sent to it), or give another number; if it is yours and you "
                "cannot sign in, call the service."
            ),
            field="phone",
            status=409,
        )


def _has_account(household_id: int) -> bool:
    return Guardian.objects.filter(household_id=household_id, user__isnull=False).exists()


def _same_phone(stored: str, phone: str) -> bool:
    try:
        return phone_to_e164(stored) == phone
    except ValueError:
        return False


def _check_email_not_another_account(
    email: str, *, account=None, household_id: int | None = None
) -> None:
    """The same for an e-mail address: it signs in one account only (the accounts of the
    household itself excepted)."""
    email = email.strip().lower()
    if not email:
        return
    own = {account.pk} if account is not None else set()
    if household_id is not None:
        own |= set(
            Guardian.objects.filter(household_id=household_id, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
    others = contacts.user_ids_for(contacts.Identifier(contacts.EMAIL, email)) - own
    if others:
        raise HouseholdError(
            _(
                "This e-mail address already belongs to another account. Sign in with it, or "
                "give another address."
            ),
            field="email",
            status=409,
        )


def _check_channel_not_refused(
    *, preferred_channel: str, opt_out_sms: bool, opt_out_email: bool
) -> None:
    """The way chosen for messages cannot also be refused: nobody could say where they go.
    A conflict (409): a PATCH meets the choice already stored as often as one it sends."""
    if preferred_channel == Channel.SMS and opt_out_sms:
        raise HouseholdError(
            _("Messages are to be sent by SMS: choose e-mail above, or untick this box."),
            field="opt_out_sms",
            status=409,
        )
    if preferred_channel == Channel.EMAIL and opt_out_email:
        raise HouseholdError(
            _("Messages are to be sent by e-mail: choose SMS above, or untick this box."),
            field="opt_out_email",
            status=409,
        )


@transaction.atomic
def household_register(
    *,
    created_by,
    first_name: str,
    last_name: str,
    phone: str = "",
    email: str = "",
    preferred_channel: str = Channel.SMS,
    language: str = Language.FRENCH,
    neighbourhood: str = "",
    in_qpv: bool = False,
    link_account: bool = False,
) -> Household:
    """Create a household with its primary guardian.

    A family registering itself passes ``link_account=True`` to become that guardian; a mediator
    registers a family without an account and invites the guardian later.
    """
    if link_account:
        guardian_account_check(user=created_by)
    if link_account and Guardian.objects.filter(user=created_by).exists():
        raise HouseholdError(
            _("This account already belongs to a household."), field="user", status=409
        )
    if link_account:
        _check_email_not_another_account(email, account=created_by)
    household = Household.objects.create(
        created_by=created_by, neighbourhood=neighbourhood.strip(), in_qpv=in_qpv
    )
    guardian_create(
        household=household,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email,
        preferred_channel=preferred_channel,
        language=language,
        user=created_by if link_account else None,
        is_primary=True,
    )
    return household


@transaction.atomic
def household_update(*, household: Household, neighbourhood: str, in_qpv: bool) -> Household:
    household.neighbourhood = neighbourhood.strip()
    household.in_qpv = in_qpv
    household.last_activity_at = timezone.now()
    household.save(update_fields=["neighbourhood", "in_qpv", "last_activity_at"])
    return household


@transaction.atomic
def guardian_create(
    *,
    household: Household,
    first_name: str,
    last_name: str,
    phone: str = "",
    email: str = "",
    preferred_channel: str = Channel.SMS,
    language: str = Language.FRENCH,
    user=None,
    is_primary: bool = False,
) -> Guardian:
    phone, email = _clean_phone(phone), _clean_email(email)
    _check_guardian_contact(
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email,
        preferred_channel=preferred_channel,
    )
    if user is not None or _has_account(household.pk):
        _check_phone_not_another_account(phone, account=user, household_id=household.pk)
        _check_email_not_another_account(email, account=user, household_id=household.pk)
    has_primary = Guardian.objects.filter(household=household, is_primary=True).exists()
    if is_primary and has_primary:
        Guardian.objects.filter(household=household, is_primary=True).update(is_primary=False)
    guardian = Guardian.objects.create(
        household=household,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        preferred_channel=preferred_channel,
        language=language,
        user=user,
        is_primary=is_primary or not has_primary,
    )
    _touch(household)
    return guardian


@transaction.atomic
def guardian_update(
    *,
    guardian: Guardian,
    first_name: str,
    last_name: str,
    phone: str,
    email: str,
    preferred_channel: str,
    language: str,
    opt_out_sms: bool = False,
    opt_out_email: bool = False,
) -> Guardian:
    phone, email = _clean_phone(phone), _clean_email(email)
    _check_guardian_contact(
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email,
        preferred_channel=preferred_channel,
    )
    # Only a new number is checked: saving a guardian's other details never fails on a number
    # shared before this rule (the sign-in page tells those families to call the service).
    if phone and not _same_phone(guardian.phone, phone) and _has_account(guardian.household_id):
        _check_phone_not_another_account(phone, household_id=guardian.household_id)
    # A family that writes another person's address on its record would lock them out of
    # signing in with it: a new address is checked the same way.
    if email.lower() != guardian.email.lower() and _has_account(guardian.household_id):
        _check_email_not_another_account(email, household_id=guardian.household_id)
    _check_channel_not_refused(
        preferred_channel=preferred_channel, opt_out_sms=opt_out_sms, opt_out_email=opt_out_email
    )
    guardian.first_name, guardian.last_name = first_name.strip(), last_name.strip()
    guardian.phone, guardian.email = phone.strip(), email.strip()
    guardian.preferred_channel, guardian.language = preferred_channel, language
    guardian.opt_out_sms, guardian.opt_out_email = opt_out_sms, opt_out_email
    guardian.save()
    _touch(guardian.household)
    return guardian


CONTACT_FIELDS = {"phone", "email", "preferred_channel"}
CHECKED_FIELDS = ("first_name", "last_name", "phone", "email", "preferred_channel")
GUARDIAN_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "preferred_channel",
    "language",
    "opt_out_sms",
    "opt_out_email",
)


@transaction.atomic
def guardian_change(*, guardian: Guardian, changes: dict[str, object]) -> Guardian:
    """A partial change (API PATCH): the fields in ``changes`` take their new values, the
    others keep theirs; the same checks as a whole replacement."""
    unknown = set(changes) - set(GUARDIAN_FIELDS)
    if unknown:
        raise HouseholdError(_("Unknown field."), field=sorted(unknown)[0])
    fields = {name: getattr(guardian, name) for name in GUARDIAN_FIELDS} | changes
    if not CONTACT_FIELDS.issubset(changes):
        # A contact rule broken with a value kept as stored (e-mail messages asked for a
        # guardian with no address) is a conflict with the guardian's state (409); broken by
        # the body alone, the body is wrong (400), as the schema states.
        try:
            _check_guardian_contact(**{name: fields[name] for name in CHECKED_FIELDS})
        except HouseholdError as error:
            if error.field in CONTACT_FIELDS:
                raise HouseholdError(error.message, field=error.field, status=409) from error
            raise
    return guardian_update(guardian=guardian, **fields)


@transaction.atomic
def guardian_make_primary(*, guardian: Guardian) -> Guardian:
    Guardian.objects.filter(household_id=guardian.household_id, is_primary=True).exclude(
        pk=guardian.pk
    ).update(is_primary=False)
    guardian.is_primary = True
    guardian.save(update_fields=["is_primary"])
    return guardian


@transaction.atomic
def guardian_link_account(*, guardian: Guardian, user) -> Guardian:
    """Give an invited guardian's new account access to their household."""
    guardian_account_check(user=user)
    if Guardian.objects.filter(user=user).exclude(pk=guardian.pk).exists():
        raise HouseholdError(
            _("This account already belongs to a household."), field="user", status=409
        )
    if guardian.user_id is not None and guardian.user_id != user.pk:
        raise HouseholdError(_("This guardian already has an account."), field="user", status=409)
    guardian.user = user
    guardian.save(update_fields=["user"])
    return guardian


def _check_participant(*, first_name: str, last_name: str, birth_date: datetime.date) -> None:
    if not first_name.strip():
        raise HouseholdError(_("Enter a first name."), field="first_name")
    if not last_name.strip():
        raise HouseholdError(_("Enter a last name."), field="last_name")
    # Both depend on today's date, which no schema states: a conflict with the clock (409).
    if birth_date > timezone.localdate():
        raise HouseholdError(
            _("The birth date cannot be in the future."), field="birth_date", status=409
        )
    if birth_date < earliest_birth_date():
        raise HouseholdError(
            _("Check the birth date: the year looks wrong."), field="birth_date", status=409
        )


def earliest_birth_date() -> datetime.date:
    """The oldest birth date accepted: forms that check dates before sending (a phone offline)
    apply the same window as the server, from this day to today."""
    return datetime.date(timezone.localdate().year - OLDEST_AGE, 1, 1)


def same_child(
    *, household: Household, first_name: str, birth_date: datetime.date
) -> Participant | None:
    """The household's child with this first name (in any case) and birth date: one child is
    one record, whoever types it again."""
    return Participant.objects.filter(
        household=household,
        first_name__iexact=first_name.strip(),
        birth_date=birth_date,
        guardian_record__isnull=True,
    ).first()


@transaction.atomic
def participant_create(
    *,
    household: Household,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    sex: str = Sex.UNSPECIFIED,
    school: str = "",
    school_class: str = "",
    guardian_record: Guardian | None = None,
) -> Participant:
    """A child (or an adult, with ``guardian_record``) of the household; the same child (first
    name and birth date) typed again within RESUBMIT_WINDOW is the one already added, and
    refused later on."""
    _check_participant(first_name=first_name, last_name=last_name, birth_date=birth_date)
    if guardian_record is not None and guardian_record.household_id != household.pk:
        raise HouseholdError(
            _("This guardian belongs to another household."), field="guardian_record"
        )
    if guardian_record is None:
        # Two submissions at once wait for each other here, so the second finds the first.
        Household.objects.select_for_update().filter(pk=household.pk).first()
        same = same_child(household=household, first_name=first_name, birth_date=birth_date)
        if same is not None and same.created_at >= timezone.now() - RESUBMIT_WINDOW:
            return same  # the same form sent twice
        if same is not None:
            # One child, one record: a second one would hold a second place in every session.
            raise HouseholdError(
                _("%(name)s, born on %(date)s, is already a member of this household.")
                % {"name": same.first_name, "date": birth_date.strftime("%d/%m/%Y")},
                field="first_name",
                status=409,
            )
    participant = Participant.objects.create(
        household=household,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        sex=sex,
        school=school.strip(),
        school_class=school_class.strip(),
        guardian_record=guardian_record,
    )
    _touch(household)
    return participant


@transaction.atomic
def participant_enrol_guardian(
    *, guardian: Guardian, birth_date: datetime.date, sex: str = Sex.UNSPECIFIED
) -> Participant:
    """The guardian takes part themselves: their participant record, created once."""
    existing = Participant.objects.filter(guardian_record=guardian).first()
    if existing is not None:
        return existing
    return participant_create(
        household=guardian.household,
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        birth_date=birth_date,
        sex=sex,
        guardian_record=guardian,
    )


@transaction.atomic
def participant_update(
    *,
    participant: Participant,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    sex: str,
    school: str = "",
    school_class: str = "",
) -> Participant:
    _check_participant(first_name=first_name, last_name=last_name, birth_date=birth_date)
    participant.first_name, participant.last_name = first_name.strip(), last_name.strip()
    participant.birth_date, participant.sex = birth_date, sex
    participant.school, participant.school_class = school.strip(), school_class.strip()
    participant.save()
    _touch(participant.household)
    return participant


@transaction.atomic
def consent_give(
    *,
    household: Household,
    kind: str,
    version: str,
    participant: Participant | None = None,
    given_by: Guardian | None = None,
    recorded_by=None,
    answer: str = ConsentAnswer.GIVEN,
) -> Consent:
    """Record a consent given or refused; the current answer of the same kind and scope is
    superseded, not edited."""
    if answer not in ConsentAnswer.values:
        raise HouseholdError(_("Answer “given” or “refused”."), field="answer")
    if participant is not None and participant.household_id != household.pk:
        raise HouseholdError(
            _("This participant belongs to another household."), field="participant"
        )
    if given_by is not None and given_by.household_id != household.pk:
        raise HouseholdError(_("This guardian belongs to another household."), field="given_by")
    if not version.strip():
        raise HouseholdError(_("Say which version of the text was agreed to."), field="version")
    current = (
        Consent.objects.select_for_update()
        .filter(
            household=household,
            participant=participant,
            kind=kind,
            withdrawn_at__isnull=True,
            superseded_at__isnull=True,
        )
        .first()
    )
    if current is not None:
        current.superseded_at = timezone.now()
        current.save(update_fields=["superseded_at"])
    consent = Consent.objects.create(
        household=household,
        participant=participant,
        kind=kind,
        answer=answer,
        version=version.strip(),
        given_by=given_by,
        recorded_by=recorded_by,
        supersedes=current,
    )
    _touch(household)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_by=None) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not consent.is_given:
        raise HouseholdError(_("This consent is no longer in force."), field="consent", status=409)
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = withdrawn_by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _touch(consent.household)
    return consent


@transaction.atomic
def emergency_contact_create(
    *, household: Household, name: str, phone: str, relationship: str = ""
) -> EmergencyContact:
    if not name.strip():
        raise HouseholdError(_("Enter a name."), field="name")
    if not phone.strip():
        raise HouseholdError(_("Enter a phone number."), field="phone")
    phone = _clean_phone(phone)
    contact = EmergencyContact.objects.create(
        household=household,
        name=name.strip(),
        phone=phone.strip(),
        relationship=relationship.strip(),
    )
    _touch(household)
    return contact


@transaction.atomic
def health_note_create(
    *, participant: Participant, text: str, author, expires_on: datetime.date | None = None
) -> HealthNote:
    if not can_see_health_notes(author, participant):
        raise HouseholdError(
            _(
                "Only the mediators of this participant's programmes and coordinators can write "
                "health notes."
            ),
            status=403,
        )
    if not text.strip():
        raise HouseholdError(_("Write the note."), field="text")
    if expires_on is not None and expires_on <= timezone.localdate():
        raise HouseholdError(_("The expiry date must be in the future."), field="expires_on")
    return HealthNote.objects.create(
        participant=participant, text=text.strip(), author=author, expires_on=expires_on
    )


@transaction.atomic
def member_participant(
    *, household: Household, key: str, birth_date: datetime.date | None = None
) -> Participant:
    """The participant behind a member key of an enrolment page (``p-<id>`` or ``g-<id>``);
    a guardian taking part for the first time becomes a participant, with ``birth_date``."""
    kind, _sep, raw_pk = key.partition("-")
    pk = parse_id(raw_pk)
    if pk is None:
        raise HouseholdError(_("Choose who takes part."), field="participant")
    if kind == "p":
        participant = Participant.objects.filter(household=household, pk=pk).first()
        if participant is None:
            raise HouseholdError(_("Choose who takes part."), field="participant")
        return participant
    guardian = Guardian.objects.filter(household=household, pk=pk).first() if kind == "g" else None
    if guardian is None:
        raise HouseholdError(_("Choose who takes part."), field="participant")
    existing = Participant.objects.filter(guardian_record=guardian).first()
    if existing is not None:
        return existing
    if birth_date is None:
        # Needed only while the guardian is not a participant yet: stored state (409).
        raise HouseholdError(
            _("Enter the birth date of %(name)s: the programme's ages are checked on it.")
            % {"name": guardian.first_name},
            field="birth_date",
            status=409,
        )
    return participant_enrol_guardian(guardian=guardian, birth_date=birth_date)
