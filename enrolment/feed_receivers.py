"""Keep household feeds true when a participant's first name, which their events show, changes.

A participant keeps no change date, so the sessions they are confirmed for are touched instead
(``sessions.services.sessions_touch``): their stamps move, and the feeds holding them get a new
ETag and Last-Modified.
"""

from django.db.models import Q
from django.db.models.signals import post_save, pre_save

from households.models import Participant
from sessions.models import Session
from sessions.services import sessions_touch

from .models import Enrolment, EnrolmentStatus

_SNAPSHOT = "_feed_first_name_before"


def _remember_first_name(sender, instance: Participant, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    setattr(
        instance,
        _SNAPSHOT,
        Participant.objects.filter(pk=instance.pk).values_list("first_name", flat=True).first(),
    )


def _touch_on_first_name(
    sender, instance: Participant, created: bool, raw: bool = False, **kwargs
) -> None:
    before = getattr(instance, _SNAPSHOT, None)
    if created or raw or before is None or before == instance.first_name:
        return
    confirmed = Enrolment.objects.filter(participant=instance, status=EnrolmentStatus.CONFIRMED)
    sessions_touch(
        sessions=Session.objects.filter(
            Q(pk__in=confirmed.filter(session__isnull=False).values("session_id"))
            | Q(programme_id__in=confirmed.filter(session__isnull=True).values("programme_id"))
        ),
        new_revision=False,
    )


def connect() -> None:
    pre_save.connect(
        _remember_first_name, sender=Participant, dispatch_uid="enrolment-feeds-first-name-before"
    )
    post_save.connect(
        _touch_on_first_name, sender=Participant, dispatch_uid="enrolment-feeds-first-name"
    )
