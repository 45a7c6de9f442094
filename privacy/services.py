"""Data-protection rights and retention: export, erasure, anonymisation, health-note purge."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record, audit_record_many
from accounts.models import ApiToken
from accounts.roles import Role
from core.errors import DomainError
from enrolment.models import (
    ACTIVE_STATUSES,
    EmergencyContact,
    Enrolment,
    Guardian,
    HealthNote,
    Household,
    HouseholdFeedToken,
    Participant,
)
from enrolment.services import enrolment_cancel
from notifications.models import Message, MessageState

from .models import Erasure, ErasureReason, RetentionWarning
from .selectors import (
    health_notes_to_purge,
    household_export_data,
    households_to_anonymise,
    households_to_warn,
    retention_period,
    warning_period,
)

logger = logging.getLogger(__name__)

# What an erased name becomes: neutral in every language, and obviously not a name.
ERASED_NAME = "***"
ERASED_MESSAGE_REASON = "personal data erased"


class PrivacyError(DomainError):
    """A data-protection request that cannot be carried out."""


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def household_messages(*, household: Household) -> list[Message]:
    """Messages about the household, or sent to its guardians' addresses or accounts."""
    guardians = list(household.guardians.all())
    addresses = {g.phone for g in guardians if g.phone} | {g.email for g in guardians if g.email}
    users = [g.user_id for g in guardians if g.user_id]
    return list(Message.objects.filter(
        Q(household=household) | Q(address__in=addresses) | Q(recipient_user_id__in=users)
    ).order_by("created_at", "pk"))


def household_export(*, household: Household, exported_by, request: HttpRequest | None = None
                     ) -> dict:
    """Everything stored about a household, as plain data (the right of access, art. 15)."""
    household = household_export_data(household_id=household.pk)
    erasure = Erasure.objects.filter(household=household).first()
    data = {
        "exported_at": timezone.now().isoformat(),
        "household": {
            "id": household.pk,
            "reference": household.reference,
            "neighbourhood": household.neighbourhood,
            "in_qpv": household.in_qpv,
            "created_at": _iso(household.created_at),
            "created_by": household.created_by.get_username() if household.created_by else None,
            "last_activity_at": _iso(household.last_activity_at),
            "erased_at": _iso(erasure.erased_at) if erasure else None,
        },
        "guardians": [
            {
                "id": guardian.pk, "first_name": guardian.first_name,
                "last_name": guardian.last_name, "phone": guardian.phone,
                "email": guardian.email, "preferred_channel": guardian.preferred_channel,
                "language": guardian.language, "opt_out_sms": guardian.opt_out_sms,
                "opt_out_email": guardian.opt_out_email, "is_primary": guardian.is_primary,
                "account": guardian.user.get_username() if guardian.user else None,
                "created_at": _iso(guardian.created_at),
            }
            for guardian in household.guardians.all()
        ],
        "participants": [
            {
                "id": participant.pk, "first_name": participant.first_name,
                "last_name": participant.last_name,
                "birth_date": _iso(participant.birth_date), "sex": participant.sex,
                "school": participant.school, "school_class": participant.school_class,
                "created_at": _iso(participant.created_at),
                "health_notes": [
                    {"id": note.pk, "text": note.text, "created_at": _iso(note.created_at),
                     "expires_on": _iso(note.expires_on)}
                    for note in participant.health_notes.all()
                ],
                "enrolments": [
                    {
                        "id": enrolment.pk, "programme": enrolment.programme.title,
                        "session_starts_at": _iso(enrolment.session.starts_at)
                        if enrolment.session else None,
                        "status": enrolment.status, "source": enrolment.source,
                        "referred_by": enrolment.referred_by_partner.name
                        if enrolment.referred_by_partner else None,
                        "note": enrolment.note,
                        "created_at": _iso(enrolment.created_at),
                        "confirmed_at": _iso(enrolment.confirmed_at),
                        "cancelled_at": _iso(enrolment.cancelled_at),
                    }
                    for enrolment in participant.enrolments.all()
                ],
            }
            for participant in household.participants.all()
        ],
        "consents": [
            {
                "id": consent.pk, "kind": consent.kind, "version": consent.version,
                "participant_id": consent.participant_id,
                "given_at": _iso(consent.given_at),
                "given_by": consent.given_by.full_name if consent.given_by else None,
                "withdrawn_at": _iso(consent.withdrawn_at),
                "superseded_at": _iso(consent.superseded_at),
            }
            for consent in household.consents.all()
        ],
        "emergency_contacts": [
            {"id": contact.pk, "name": contact.name, "relationship": contact.relationship,
             "phone": contact.phone}
            for contact in household.emergency_contacts.all()
        ],
        "messages": [
            {
                "id": message.pk, "kind": message.kind, "channel": message.channel,
                "address": message.address, "subject": message.subject, "body": message.body,
                "state": message.state, "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in household_messages(household=household)
        ],
    }
    audit_record(action=AuditAction.EXPORT, actor=exported_by, target=household,
                 request=request, summary="household data export")
    return data


def _anonymise_account(user) -> None:
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["username", "first_name", "last_name", "email", "is_active",
                             "password"])
    user.groups.clear()
    ApiToken.objects.filter(user=user).delete()


def _cancel_running_enrolments(*, household: Household, now: datetime.datetime) -> int:
    """Frees the places a leaving household still holds, so the waiting list moves on."""
    running = Enrolment.objects.filter(
        participant__household=household, status__in=ACTIVE_STATUSES,
    ).filter(
        Q(session__ends_at__gte=now)
        | Q(session__isnull=True, programme__sessions__ends_at__gte=now)
    ).distinct()
    cancelled = 0
    for enrolment in running:
        # None: the system cancels, whatever the deadline for families.
        enrolment_cancel(enrolment=enrolment, cancelled_by=None)
        cancelled += 1
    return cancelled


@transaction.atomic
def household_erase(
    *,
    household: Household,
    erased_by,
    reason: ErasureReason = ErasureReason.REQUEST,
    request: HttpRequest | None = None,
) -> Erasure:
    """Erase a household's personal data (art. 17), keeping what reports count.

    Names, contacts, school, health notes, emergency contacts, free-text notes and the text of
    messages go; guardians' accounts are deactivated and renamed. Participants and their
    enrolments (and so attendance) stay, anonymised: birth date reduced to its month (age
    bands stay), sex, neighbourhood and QPV flag kept. Running enrolments are cancelled first
    so their places go to the waiting list.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    if Erasure.objects.filter(household=household).exists():
        raise PrivacyError(_("This household's personal data has already been erased."))
    now = timezone.now()
    cancelled = _cancel_running_enrolments(household=household, now=now)

    guardians = list(household.guardians.select_related("user"))
    messages = household_messages(household=household)
    Message.objects.filter(
        pk__in=[m.pk for m in messages],
        state__in=(MessageState.PENDING, MessageState.SENDING, MessageState.FAILED),
    ).update(state=MessageState.CANCELLED, cancel_reason=ERASED_MESSAGE_REASON)
    # Kept, emptied, rather than deleted: their keys are what stops a reminder going twice.
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(
        address="", recipient_name="", subject="", body="", context={}, last_error="",
        recipient_user=None,
    )
    for guardian in guardians:
        if guardian.user is not None:
            _anonymise_account(guardian.user)
    Guardian.objects.filter(household=household).delete()
    EmergencyContact.objects.filter(household=household).delete()
    HealthNote.objects.filter(participant__household=household).delete()
    Enrolment.objects.filter(participant__household=household).update(note="")
    for participant in Participant.objects.filter(household=household):
        participant.first_name = ERASED_NAME
        participant.last_name = ""
        participant.birth_date = participant.birth_date.replace(day=1)
        participant.school = participant.school_class = ""
        participant.guardian_record = None
        participant.save(update_fields=["first_name", "last_name", "birth_date", "school",
                                        "school_class", "guardian_record"])
    RetentionWarning.objects.filter(household=household).delete()
    HouseholdFeedToken.objects.filter(household=household, revoked_at__isnull=True).update(
        revoked_at=now)
    erasure = Erasure.objects.create(household=household, reason=reason, erased_by=erased_by,
                                     erased_at=now)
    audit_record(
        action=AuditAction.ERASE if reason == ErasureReason.REQUEST else AuditAction.ANONYMISE,
        actor=erased_by, target=household, request=request,
        summary=f"{reason}: {len(guardians)} guardian(s), {len(messages)} message(s), "
                f"{cancelled} running enrolment(s) cancelled",
    )
    return erasure


def _coordinators():
    return (get_user_model().objects.filter(
        is_active=True, groups__name__in=[Role.COORDINATOR, Role.ADMINISTRATOR])
        .exclude(email="").select_related("profile").distinct())


def _warn_coordinators(warnings: list[RetentionWarning]) -> None:
    """One e-mail per coordinator, in their language, listing households by reference only."""
    if not warnings:
        return
    lines = "\n".join(
        f"- {warning.household.reference} "
        f"({timezone.localtime(warning.anonymise_after):%d/%m/%Y})"
        for warning in warnings
    )
    for coordinator in _coordinators():
        profile = getattr(coordinator, "profile", None)
        with translation.override(profile.language if profile else None):
            subject = _("Households to be anonymised in a month")
            body = _(
                "These households have had no activity for almost the retention period. "
                "Their personal data will be anonymised automatically after the date shown, "
                "unless they take part again or their data is updated:\n\n%(households)s\n"
            ) % {"households": lines}
        try:
            send_mail(subject, body, None, [coordinator.email])
        except Exception:
            # The warning rows stand; the list is also on the retention page.
            logger.exception("Retention warning to %s failed", coordinator.pk)


@transaction.atomic
def retention_warn(*, now: datetime.datetime | None = None) -> int:
    """Record a warning for each household due within the warning period, and tell the
    coordinators (after commit)."""
    now = now or timezone.now()
    warnings = []
    for household in households_to_warn(now=now).select_for_update(of=("self",)):
        warning, _created = RetentionWarning.objects.update_or_create(
            household=household,
            defaults={
                "warned_at": now,
                "last_activity_at": household.last_seen_at,
                "anonymise_after": max(household.last_seen_at + retention_period(),
                                       now + warning_period()),
            },
        )
        warnings.append(warning)
    audit_record_many(action=AuditAction.CHANGE, targets=[w.household for w in warnings],
                      summary="retention warning")
    transaction.on_commit(lambda: _warn_coordinators(warnings))
    return len(warnings)


def retention_anonymise(*, now: datetime.datetime | None = None) -> int:
    """Anonymise every household past its retention period and warned in time; one
    transaction each, so that one failure does not hold back the others."""
    now = now or timezone.now()
    anonymised = 0
    for household_id in list(households_to_anonymise(now=now).values_list("pk", flat=True)):
        try:
            household_erase(household=Household(pk=household_id), erased_by=None,
                            reason=ErasureReason.RETENTION)
        except PrivacyError:
            continue
        anonymised += 1
    return anonymised


@transaction.atomic
def health_notes_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete health notes no longer needed (see selectors.health_notes_to_purge)."""
    now = now or timezone.now()
    notes = list(health_notes_to_purge(now=now).only("pk"))
    if not notes:
        return 0
    # Each deletion reaches the audit trail through privacy.receivers.
    HealthNote.objects.filter(pk__in=[note.pk for note in notes]).delete()
    return len(notes)


def household_is_erased(household: Household) -> bool:
    return Erasure.objects.filter(household=household).exists()
