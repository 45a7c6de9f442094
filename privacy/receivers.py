"""Every change to a household's personal data goes to the audit trail, whatever made it.

Model signals catch pages, API, admin, services and scripts alike; the request being served
(accounts.middleware.AuditContextMiddleware) names who did it and from where. Bulk
``QuerySet.update()`` calls send no signal: the services use them only for bookkeeping
(last activity, waiting-list positions), never for personal data.
"""

from django.db.models.signals import post_delete, post_save

from accounts.audit import AuditAction, audit_record, current_request
from enrolment.models import Enrolment
from households.models import (
    Consent,
    EmergencyContact,
    Guardian,
    HealthNote,
    Household,
    Participant,
)

AUDITED_MODELS = (
    Household,
    Guardian,
    Participant,
    EmergencyContact,
    HealthNote,
    Enrolment,
    Consent,
)
# Saves that only move bookkeeping fields are not changes to personal data.
BOOKKEEPING_FIELDS = frozenset({"last_activity_at", "waitlist_position"})


def _household_id(instance) -> int | None:
    if isinstance(instance, Household):
        return instance.pk
    if hasattr(instance, "household_id"):
        return instance.household_id
    participant = getattr(instance, "participant", None)
    return participant.household_id if participant is not None else None


def _summary(instance, verb: str) -> str:
    return f"{verb}; household {_household_id(instance)}"


def audit_save(
    sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs
) -> None:
    if raw or (update_fields and set(update_fields) <= BOOKKEEPING_FIELDS):
        return
    if sender is Consent:
        verb = (
            instance.answer  # "given" or "refused"
            if created
            else (
                "withdrawn"
                if instance.withdrawn_at
                else "superseded"
                if instance.superseded_at
                else "changed"
            )
        )
        # Outside a request (a script, the shell) the consent names who recorded it.
        actor = (
            None
            if current_request.get()
            else (instance.withdrawn_by if instance.withdrawn_at else instance.recorded_by)
        )
        audit_record(
            action=AuditAction.CONSENT,
            target=instance,
            actor=actor,
            summary=_summary(instance, f"{instance.kind} {verb}"),
        )
        return
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        target=instance,
        summary=_summary(instance, "created" if created else "changed"),
    )


def audit_delete(sender, instance, **kwargs) -> None:
    audit_record(action=AuditAction.DELETE, target=instance, summary=_summary(instance, "deleted"))


def connect() -> None:
    for model in AUDITED_MODELS:
        post_save.connect(audit_save, sender=model, dispatch_uid=f"audit-save-{model.__name__}")
        post_delete.connect(
            audit_delete, sender=model, dispatch_uid=f"audit-delete-{model.__name__}"
        )
