"""Keep calendar feeds true when something they show changes without a change date of its own.

What an event shows of a venue, a programme or a mediator is copied into the event, so a change
of it touches the sessions that show it (``sessions_touch``): their stamps and SEQUENCE move and
only the feeds holding them get a new version. Who sees which session (a programme's partners, a
session's facilitators, a deleted session) moves :class:`FeedContentVersion` instead, which no
event shows but every feed's Last-Modified follows.
"""

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from programmes.models import Mediator, Programme, Venue

from .models import Session
from .services import feed_content_touch, sessions_touch

# What events show of each model (sessions.ical.EventData and contact_line).
_SHOWN_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Venue: ("name", "address", "accessibility_notes"),
    Programme: ("title", "what_to_bring", "capacity"),
    Mediator: ("phone",),
}
_USER_SHOWN_FIELDS = ("first_name", "last_name", "username")
_SNAPSHOT = "_feed_shown_before"


def _sessions_showing(instance: Model):
    if isinstance(instance, Venue):
        return Session.objects.filter(venue=instance)
    if isinstance(instance, Programme):
        return Session.objects.filter(programme=instance)
    return Session.objects.filter(programme__mediators=instance)


def _remember_shown(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    fields = _SHOWN_FIELDS[sender]
    setattr(instance, _SNAPSHOT, sender.objects.filter(pk=instance.pk).values(*fields).first())


def _touch_if_shown_changed(
    sender, instance: Model, created: bool, raw: bool = False, **kwargs
) -> None:
    before = getattr(instance, _SNAPSHOT, None)
    if created or raw or before is None:
        return
    if any(before[name] != getattr(instance, name) for name in _SHOWN_FIELDS[sender]):
        sessions_touch(sessions=_sessions_showing(instance))


def _touch_before_mediator_delete(sender, instance: Mediator, **kwargs) -> None:
    # Before: once deleted, nothing tells which programmes they ran.
    sessions_touch(sessions=_sessions_showing(instance))


def _touch(sender, **kwargs) -> None:
    feed_content_touch()


def _touch_on_m2m(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        feed_content_touch()


def _touch_on_programme_mediators(
    sender, instance: Model, action: str, reverse: bool, pk_set: set | None, **kwargs
) -> None:
    # The mediators of a programme are its events' "whom to call".
    if reverse and action == "pre_clear":
        sessions_touch(sessions=Session.objects.filter(programme__mediators=instance))
    elif action in {"post_add", "post_remove"} and reverse:
        sessions_touch(sessions=Session.objects.filter(programme_id__in=pk_set or ()))
    elif action in {"post_add", "post_remove", "post_clear"} and not reverse:
        sessions_touch(sessions=Session.objects.filter(programme=instance))


def _user_changes_only_credentials(update_fields) -> bool:
    return bool(update_fields) and set(update_fields) <= {"last_login", "password"}


def _remember_user_name(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None or _user_changes_only_credentials(update_fields):
        return
    setattr(
        instance,
        _SNAPSHOT,
        sender.objects.filter(pk=instance.pk).values(*_USER_SHOWN_FIELDS).first(),
    )


def _touch_on_user_change(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # A mediator's name is shown in events; logins and password changes are not.
    before = getattr(instance, _SNAPSHOT, None)
    if created or raw or before is None:
        return
    if all(before[name] == getattr(instance, name) for name in _USER_SHOWN_FIELDS):
        return
    mediator = Mediator.objects.filter(user_id=instance.pk).first()
    if mediator is not None:
        sessions_touch(sessions=_sessions_showing(mediator))


def connect() -> None:
    for model in _SHOWN_FIELDS:
        pre_save.connect(
            _remember_shown, sender=model, dispatch_uid=f"feeds-before-{model.__name__}"
        )
        post_save.connect(
            _touch_if_shown_changed, sender=model, dispatch_uid=f"feeds-save-{model.__name__}"
        )
    pre_delete.connect(
        _touch_before_mediator_delete, sender=Mediator, dispatch_uid="feeds-delete-mediator"
    )
    # A deleted session must change a feed's Last-Modified, which no remaining row would.
    post_delete.connect(_touch, sender=Session, dispatch_uid="feeds-delete-session")
    m2m_changed.connect(
        _touch_on_programme_mediators,
        sender=Programme.mediators.through,
        dispatch_uid="feeds-m2m-programme-mediators",
    )
    for through in (Programme.partners.through, Session.facilitators.through):
        m2m_changed.connect(
            _touch_on_m2m, sender=through, dispatch_uid=f"feeds-m2m-{through.__name__}"
        )
    user_model = get_user_model()
    pre_save.connect(_remember_user_name, sender=user_model, dispatch_uid="feeds-user-before")
    post_save.connect(_touch_on_user_change, sender=user_model, dispatch_uid="feeds-user")
