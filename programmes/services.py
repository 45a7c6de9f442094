"""Writes on programmes."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import DomainError

from . import signals
from .models import Mediator, Partner, Programme


class ProgrammeError(DomainError):
    """A rule on programmes was broken."""


def programme_unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "programme"
    slug, suffix = base, 2
    taken = Programme.objects.exclude(pk=exclude_pk) if exclude_pk else Programme.objects.all()
    while taken.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


@transaction.atomic
def programme_save(
    *,
    programme: Programme,
    mediators: Iterable[Mediator] | None = None,
    partners: Iterable[Partner] | None = None,
) -> Programme:
    """Create or update a programme built by a form (not yet saved), with its people."""
    if (
        programme.min_age is not None
        and programme.max_age is not None
        and programme.min_age > programme.max_age
    ):
        raise ProgrammeError(_("The minimum age must not exceed the maximum age."), field="max_age")
    if not programme.slug:
        programme.slug = programme_unique_slug(programme.title, exclude_pk=programme.pk)
    previous_parts = (
        Programme.objects.filter(pk=programme.pk)
        .values_list("safety_sheet_parts", flat=True)
        .first()
        if programme.pk
        else None
    )
    programme.save()
    if (
        programme.pk
        and previous_parts is not None
        and sorted(previous_parts) != sorted(programme.safety_sheet_parts or [])
    ):
        signals.safety_sheet_parts_changed.send(Programme, programme=programme)
    if mediators is not None:
        programme.mediators.set(mediators)
    if partners is not None:
        programme.partners.set(partners)
    return programme
