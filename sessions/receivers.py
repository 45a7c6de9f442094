"""Keep calendar feeds true when something they show changes without a change date of its own.

Sessions and programmes carry ``updated_at``; venues, mediators, who runs a programme and who
facilitates a session do not, so their changes move :class:`FeedContentVersion` instead.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from programmes.models import Mediator, Programme, Venue

from .models import Session
from .services import feed_content_touch


def _touch(sender, **kwargs) -> None:
    feed_content_touch()


def _touch_on_m2m(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        feed_content_touch()


def _touch_on_user_change(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    # A mediator's name is shown in events; logins and password changes are not.
    if created or (update_fields and set(update_fields) <= {"last_login", "password"}):
        return
    if Mediator.objects.filter(user_id=instance.pk).exists():
        feed_content_touch()


def connect() -> None:
    for model in (Venue, Mediator):
        post_save.connect(_touch, sender=model, dispatch_uid=f"feeds-save-{model.__name__}")
        post_delete.connect(_touch, sender=model, dispatch_uid=f"feeds-delete-{model.__name__}")
    # A deleted session must change a feed's Last-Modified, which no remaining row would.
    post_delete.connect(_touch, sender=Session, dispatch_uid="feeds-delete-session")
    for through in (Programme.mediators.through, Programme.partners.through,
                    Session.facilitators.through):
        m2m_changed.connect(_touch_on_m2m, sender=through,
                            dispatch_uid=f"feeds-m2m-{through.__name__}")
    post_save.connect(_touch_on_user_change, sender=get_user_model(), dispatch_uid="feeds-user")
