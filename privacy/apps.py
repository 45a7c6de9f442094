from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data-protection rights and retention: export, erasure, automatic anonymisation.

    The highest app: it reads and erases what every other app holds about a household.
    """

    name = "privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from . import receivers

        receivers.connect()

        # Nightly, outside 02:00–03:00 (Europe/Paris DST changes make crontab fire oddly then).
        settings.CELERY_BEAT_SCHEDULE.setdefault("privacy-retention-sweep", {
            "task": "privacy.tasks.retention_sweep",
            "schedule": crontab(hour=4, minute=15),
        })
        settings.CELERY_BEAT_SCHEDULE.setdefault("privacy-health-notes-purge", {
            "task": "privacy.tasks.health_notes_purge",
            "schedule": crontab(hour=4, minute=45),
        })
