"""Nightly data-protection tasks (scheduled in PrivacyConfig.ready)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def retention_sweep() -> dict[str, int]:
    """Warn about households due within a month, then anonymise those due and warned."""
    return {"warned": services.retention_warn(), "anonymised": services.retention_anonymise()}


@shared_task(acks_late=True)
def health_notes_purge() -> int:
    return services.health_notes_purge()
