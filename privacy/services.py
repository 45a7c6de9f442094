"""Data-protection rights and retention: export, erasure, anonymisation, health-note purge."""

import datetime
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.audit import AuditAction, audit_record, audit_record_many
from accounts.roles import Role
from core.errors import DomainError
from core.personal_data import household_data
from enrolment.models import ACTIVE_STATUSES, Enrolment, HouseholdFeedToken
from enrolment.services import enrolment_cancel
from households.models import HealthNote, Household, PaiDocument, SafetySheet

from .models import Erasure, ErasureReason, RetentionWarning
from .selectors import (
    health_notes_to_purge,
    household_export_data,
    households_to_anonymise,
    households_to_warn,
    retention_period,
    safety_sheets_to_strip,
    warning_period,
)

logger = logging.getLogger(__name__)


class PrivacyError(DomainError):
    """A data-protection request that cannot be carried out."""


def household_export(
    *, household: Household, exported_by, request: HttpRequest | None = None
) -> dict:
    """Everything stored about a household, as plain data (the right of access, art. 15): its
    own record, then each section that an app registered (core/personal_data.py)."""
    household = household_export_data(household_id=household.pk)
    erasure = Erasure.objects.filter(household=household).first()
    data: dict[str, Any] = {
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
    }
    for holder in household_data.holders():
        data[holder.key] = holder.export(household)
    audit_record(
        action=AuditAction.EXPORT,
        actor=exported_by,
        target=household,
        request=request,
        summary=gettext_noop("household data export"),
    )
    return data


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _cancel_running_enrolments(*, household: Household, now: datetime.datetime) -> int:
    """Frees the places a leaving household still holds, so the waiting list moves on."""
    running = (
        Enrolment.objects.filter(
            participant__household=household,
            status__in=ACTIVE_STATUSES,
        )
        .filter(
            Q(session__ends_at__gte=now)
            | Q(session__isnull=True, programme__sessions__ends_at__gte=now)
        )
        .distinct()
    )
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

    # Dependents first: messages are found through the guardians' addresses, marks through the
    # participants.
    erased = {
        holder.key: holder.erase(household, now) for holder in reversed(household_data.holders())
    }
    RetentionWarning.objects.filter(household=household).delete()
    HouseholdFeedToken.objects.filter(household=household, revoked_at__isnull=True).update(
        revoked_at=now
    )
    erasure = Erasure.objects.create(
        household=household, reason=reason, erased_by=erased_by, erased_at=now
    )
    audit_record(
        action=AuditAction.ERASE if reason == ErasureReason.REQUEST else AuditAction.ANONYMISE,
        actor=erased_by,
        target=household,
        request=request,
        summary=f"{reason}: "
        + ", ".join(f"{key} {count}" for key, count in erased.items())
        + f", {cancelled} running enrolment(s) cancelled",
    )
    return erasure


def _coordinators():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.COORDINATOR, Role.ADMINISTRATOR])
        .exclude(email="")
        .select_related("profile")
        .distinct()
    )


def _warn_coordinators(warnings: list[RetentionWarning]) -> None:
    """One e-mail per coordinator, in their language, listing households by reference only."""
    if not warnings:
        return
    lines = "\n".join(
        f"- {warning.household.reference} ({timezone.localtime(warning.anonymise_after):%d/%m/%Y})"
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
                "anonymise_after": max(
                    household.last_seen_at + retention_period(), now + warning_period()
                ),
            },
        )
        warnings.append(warning)
    audit_record_many(
        action=AuditAction.CHANGE,
        targets=[w.household for w in warnings],
        summary=gettext_noop("retention warning"),
    )
    transaction.on_commit(lambda: _warn_coordinators(warnings))
    return len(warnings)


def retention_anonymise(*, now: datetime.datetime | None = None) -> int:
    """Anonymise every household past its retention period and warned in time; one
    transaction each, so that one failure does not hold back the others."""
    now = now or timezone.now()
    anonymised = 0
    for household_id in list(households_to_anonymise(now=now).values_list("pk", flat=True)):
        try:
            household_erase(
                household=Household(pk=household_id), erased_by=None, reason=ErasureReason.RETENTION
            )
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


@transaction.atomic
def safety_sheets_health_remove(*, now: datetime.datetime | None = None) -> int:
    """Remove the health details, emergency contacts and authorised people of sheets past their
    retention period, every version; the leave-alone and image-rights answers stay with the
    household until it is anonymised."""
    now = now or timezone.now()
    ids = list(safety_sheets_to_strip(now=now).values_list("pk", flat=True))
    if not ids:
        return 0
    documents = set(
        SafetySheet.objects.filter(pk__in=ids, pai_document__isnull=False).values_list(
            "pai_document", flat=True
        )
    )
    SafetySheet.objects.filter(pk__in=ids).update(
        health=None, contacts=None, health_removed_at=now, pai_document=None
    )
    # A PAI document is health data too: it goes with the details, unless a later version of
    # a sheet not yet past its period still holds it.
    PaiDocument.objects.filter(pk__in=documents).exclude(
        pk__in=SafetySheet.objects.filter(pai_document__isnull=False).values("pai_document")
    ).delete()
    audit_record_many(
        actor=None,
        action=AuditAction.DELETE,
        targets=list(SafetySheet.objects.filter(pk__in=ids)),
        summary=gettext_noop("safety sheet health details removed (retention)"),
    )
    return len(ids)


def household_is_erased(household: Household) -> bool:
    return Erasure.objects.filter(household=household).exists()
