from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopSessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is django.contrib.sessions' label.
    label = "workshop_sessions"
    verbose_name = _("Sessions and schedules")

    def ready(self) -> None:
        from jobs.registry import register_job_handler

        from . import receivers
        from .background import REGENERATE_SESSIONS, regenerate_sessions

        receivers.connect()
        register_job_handler(REGENERATE_SESSIONS, regenerate_sessions)
