from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
        from celery.schedules import crontab
        from celery.signals import worker_ready
        from django.conf import settings

        from . import receivers

        receivers.connect()
        settings.CELERY_BEAT_SCHEDULE.setdefault("notifications-sweep", {
            "task": "notifications.tasks.sweep",
            "schedule": float(settings.NOTIFICATIONS_SWEEP_INTERVAL),
            # A sweep that waited longer than its interval is superseded by the next one.
            "options": {"expires": float(settings.NOTIFICATIONS_SWEEP_INTERVAL)},
        })
        settings.CELERY_BEAT_SCHEDULE.setdefault("notifications-daily-digest", {
            "task": "notifications.tasks.send_daily_digests",
            # Not between 02:00 and 03:00: those hours are missing or doubled on DST days.
            "schedule": crontab(hour=settings.NOTIFICATIONS_DIGEST_HOUR, minute=0),
        })
        worker_ready.connect(receivers.sweep_at_worker_start, dispatch_uid="notifications-sweep")
