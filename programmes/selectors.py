"""Reads on programmes, shaped for their callers."""

import datetime

from django.db.models import Prefetch, QuerySet

from .models import Mediator, Programme, ProgrammeStatus


def programme_list_published(
    *,
    kind: str | None = None,
    field: str | None = None,
    age: int | None = None,
) -> QuerySet[Programme]:
    programmes = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).select_related("venue")
    if kind:
        programmes = programmes.filter(kind=kind)
    if field:
        programmes = programmes.filter(field=field)
    if age is not None:
        programmes = programmes.exclude(min_age__gt=age).exclude(max_age__lt=age)
    return programmes.order_by("title")


def programme_get_published(*, slug: str) -> Programme:
    return (
        Programme.objects.filter(status=ProgrammeStatus.PUBLISHED)
        .select_related("venue")
        .prefetch_related(
            Prefetch("mediators", queryset=Mediator.objects.select_related("user")),
            "partners",
        )
        .get(slug=slug)
    )


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
