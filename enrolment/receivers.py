"""Receivers of the enrolment app's own model signals.

The services bump the headcount version of an enrolment's target in the statement that locks
it (``services.enrolments._take_lock``) and mark the enrolments they save with
``headcount_counted``. A save or delete that bypasses them (the admin, a script, a household's
erasure cascading to its enrolments) bumps it here, so that no partner or mediator feed keeps
answering 304 with stale places.
"""

from django.db.models.signals import post_delete, post_save

from programmes.models import Programme
from sessions.models import Session

from .models import Enrolment
from .services.enrolments import headcount_bump


def _bump_target(sender, instance: Enrolment, raw: bool = False, **kwargs) -> None:
    if raw or getattr(instance, "headcount_counted", False):
        return
    if instance.session_id is not None:
        rows = Session.objects.filter(pk=instance.session_id)
    else:
        rows = Programme.objects.filter(pk=instance.programme_id)
    headcount_bump(rows)


def connect() -> None:
    post_save.connect(_bump_target, sender=Enrolment, dispatch_uid="enrolment-headcount-save")
    post_delete.connect(_bump_target, sender=Enrolment, dispatch_uid="enrolment-headcount-delete")
