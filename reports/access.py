"""Who sees which reports: the one place that decides.

- coordinators and administrators: every programme, figures as they are, lists with names;
- mediators: the programmes they are responsible for, figures as they are, lists without names;
- partners: the programmes they co-run, aggregated figures only, small counts masked;
- anyone else: nothing.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.roles import Role, user_roles
from programmes.models import Programme


@dataclass(frozen=True)
class ReportScope:
    programmes: QuerySet[Programme]
    masked: bool
    lists: bool
    names: bool


def report_scope(user) -> ReportScope | None:
    """The programmes ``user`` reports on and how; None when reports are not for them."""
    roles = user_roles(user)
    if roles & {Role.COORDINATOR, Role.ADMINISTRATOR}:
        return ReportScope(Programme.objects.all(), masked=False, lists=True, names=True)
    if Role.MEDIATOR in roles:
        return ReportScope(
            Programme.objects.filter(mediators__user=user), masked=False, lists=True, names=False
        )
    if Role.PARTNER in roles:
        return ReportScope(
            Programme.objects.filter(partners__members=user), masked=True, lists=False, names=False
        )
    return None
