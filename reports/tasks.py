"""Exports too long to write within a request are written by the worker, then downloaded."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services


@shared_task(acks_late=True)
def report_export_build(*, user_id: int, what: str, query: dict, anonymous: bool,
                        token: str) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    services.report_export_write(user=user, what=what, query=query, anonymous=anonymous,
                                 token=token)
