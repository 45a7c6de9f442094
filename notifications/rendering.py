"""Turn a message's kind and context into text, in the recipient's language.

Built-in wordings live in templates/notifications/messages/<kind>.<sms|email|subject>.txt with
English msgids (French from the catalogue); a coordinator's MessageTemplate for the same kind,
channel and language replaces them.
"""

import datetime
import functools
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.utils import timezone, translation

from sessions.models import change_reason_text

from .models import Channel, MessageTemplate

_BUILTINS = [
    "django.templatetags.i18n",
    "django.templatetags.l10n",
    "django.contrib.humanize.templatetags.humanize",
]


@functools.cache
def text_engine() -> Engine:
    """Plain-text templates: no HTML escaping (an SMS must say "l'école", not "l&#x27;école")."""
    return Engine(app_dirs=True, autoescape=False, builtins=_BUILTINS)


def to_context_value(value: Any) -> Any:
    """JSON-safe form of a context value: aware datetimes become ISO strings."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: to_context_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_context_value(item) for item in value]
    return value


def _revive(value: Any, key: str = "") -> Any:
    """Back from JSON: keys ending in _at (and lists named *_dates) hold datetimes."""
    if isinstance(value, dict):
        return {name: _revive(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_revive(item, key) for item in value]
    if isinstance(value, str) and (key.endswith("_at") or key.endswith("_dates")):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and key == "day":
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_message(
    *, kind: str, channel: str, language: str, context: dict, recipient_name: str = ""
) -> tuple[str, str]:
    """(subject, body) of a message; the subject is empty for an SMS."""
    values = _revive(context) | {"recipient": recipient_name, "site_url": settings.SITE_URL}
    override = MessageTemplate.objects.filter(
        kind=kind, channel=channel, language=language, is_active=True
    ).first()
    engine = text_engine()
    body_name = "sms" if channel == Channel.SMS else "email"
    body: str
    subject: str
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        if values.get("reason_code"):
            values["reason"] = change_reason_text(values["reason_code"], values.get("reason", ""))
        context_obj = Context(values, autoescape=False)
        if override is not None:
            body = engine.from_string(override.body).render(context_obj)
            subject = engine.from_string(override.subject).render(context_obj)
        else:
            body = engine.get_template(f"notifications/messages/{kind}.{body_name}.txt").render(
                context_obj
            )
            subject = ""
            if channel == Channel.EMAIL:
                subject = engine.get_template(f"notifications/messages/{kind}.subject.txt").render(
                    context_obj
                )
    if channel == Channel.SMS:
        return "", _one_line(body)
    return _one_line(subject), body.strip() + "\n"
