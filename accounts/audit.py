"""The audit trail's one entry point: ``audit_record``.

Every app records reads of a household's personal data by staff, changes, exports, consent
changes and erasures through it::

    from accounts.audit import AuditAction, audit_record

    audit_record(actor=request.user, action=AuditAction.VIEW, target=household,
                 request=request)

It lives in the lowest app so that every other app may call it.
"""

from collections.abc import Iterable
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest

from .models import AuditAction, AuditEvent
from .network import client_ip
from .roles import Role, has_role, is_staff_member

__all__ = [
    "AuditAction",
    "audit_object_type",
    "audit_personal_read",
    "audit_record",
    "audit_record_many",
    "audit_staff_read",
    "reads_are_audited",
]

# Set by accounts.middleware.AuditContextMiddleware for the duration of a request.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

SUMMARY_LENGTH = AuditEvent._meta.get_field("summary").max_length
PATH_LENGTH = AuditEvent._meta.get_field("path").max_length


def audit_object_type(target: models.Model | type[models.Model]) -> str:
    """``"households.household"``: the label the trail files an object under."""
    return target._meta.label_lower


def _event(
    *,
    actor,
    action: str,
    target: models.Model | None,
    object_type: str,
    object_id,
    summary: str,
    request: HttpRequest | None,
) -> AuditEvent:
    if request is None:
        request = current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if isinstance(actor, AnonymousUser) or (actor is not None and not actor.is_authenticated):
        actor = None
    if target is not None:
        object_type = object_type or audit_object_type(target)
        object_id = target.pk if object_id in (None, "") else object_id
    return AuditEvent(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        action=AuditAction(action),
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        summary=summary[:SUMMARY_LENGTH],
        ip_address=client_ip(request) if request is not None else None,
        path=request.get_full_path()[:PATH_LENGTH] if request is not None else "",
    )


def audit_record(
    *,
    action: AuditAction | str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: int | str | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event. ``request`` defaults to the one being served (if any) and ``actor`` to
    its user; ``target`` fills in the object type and id. Inside a transaction the event shares its fate: a change rolled back
    leaves no trace of having happened. Keep names of people out of ``summary``."""
    event = _event(
        actor=actor,
        action=action,
        target=target,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        request=request,
    )
    event.save(force_insert=True)
    return event


def audit_record_many(
    *,
    action: AuditAction | str,
    targets: Iterable[models.Model],
    actor: AbstractBaseUser | AnonymousUser | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """One event per object in a single query: a staff list of households, an export."""
    events = [
        _event(
            actor=actor,
            action=action,
            target=target,
            object_type="",
            object_id=None,
            summary=summary,
            request=request,
        )
        for target in targets
    ]
    return AuditEvent.objects.bulk_create(events)


def reads_are_audited(user) -> bool:
    """Staff and partners: a family reading its own household is not recorded."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and (is_staff_member(user) or has_role(user, Role.PARTNER))
    )


def _reader(request: HttpRequest):
    # ``request.auth`` (the API's authenticated user) is preferred to the session's.
    return getattr(request, "auth", None) or getattr(request, "user", None)


def audit_staff_read(
    request: HttpRequest,
    *,
    target: models.Model | None = None,
    object_type: str = "",
    summary: str = "",
) -> None:
    """Record a read of one object's personal data by staff or a partner. For pages and API
    operations."""
    user = _reader(request)
    if reads_are_audited(user):
        audit_record(
            action=AuditAction.VIEW,
            actor=user,
            target=target,
            object_type=object_type,
            summary=summary,
            request=request,
        )


def audit_personal_read(
    request: HttpRequest, objects: list[models.Model], summary: str = ""
) -> None:
    """One event for a list read in one request, naming every object shown (``object_ids``);
    ``core.reads.personal_read`` calls it. Nothing shown, nothing recorded."""
    user = _reader(request)
    if not objects or not reads_are_audited(user):
        return
    kinds = sorted({audit_object_type(item) for item in objects})
    if len(kinds) == 1:
        ids: list = [item.pk for item in objects]
    else:
        ids = [f"{audit_object_type(item)}:{item.pk}" for item in objects]
    event = _event(
        actor=user,
        action=AuditAction.VIEW,
        target=None,
        object_type=",".join(kinds),
        object_id=ids[0] if len(ids) == 1 else "",
        summary=summary,
        request=request,
    )
    event.object_ids = ids
    event.save(force_insert=True)
