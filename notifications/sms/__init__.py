"""SMS backends, chosen by the SMS_BACKEND setting as Django chooses its e-mail backend."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BaseSmsBackend


def get_sms_backend(path: str | None = None, **kwargs) -> BaseSmsBackend:
    return import_string(path or settings.SMS_BACKEND)(**kwargs)


def send_sms(*, to: str, body: str, reference: str) -> str:
    """Send one SMS; return the provider's message id. Raises DeliveryError on failure."""
    return get_sms_backend().send(to=to, body=body, reference=reference)
