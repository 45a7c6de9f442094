"""Roles are Django groups; this module is the one place that names them."""

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FAMILY = "family", _("Family")
    MEDIATOR = "mediator", _("Mediator")
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")
    ADMINISTRATOR = "administrator", _("Administrator")


def user_roles(user: User | AnonymousUser) -> set[str]:
    """The roles of a user, cached on the instance for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR, Role.COORDINATOR}
        # A cache for the request, on the instance; the model does not declare it.
        setattr(user, "_role_cache", cached)  # noqa: B010
    return cached


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_member(user: User | AnonymousUser) -> bool:
    """Mediators, coordinators and administrators: the service's own staff."""
    return has_role(user, Role.MEDIATOR, Role.COORDINATOR, Role.ADMINISTRATOR)


def can_read_audit(user: User | AnonymousUser) -> bool:
    """Coordinators and administrators search the audit trail; nobody edits it."""
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def can_handle_data_requests(user: User | AnonymousUser) -> bool:
    """Export and erasure of a household's data, on request: coordinators and administrators."""
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)
