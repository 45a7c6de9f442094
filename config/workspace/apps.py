from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """Every role's pages for daily work: homes, coordination, language; on top of the others."""

    name = "config.workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        from config.jobs.registry import register_job_handler

        from . import language  # noqa: F401  (connects the login receiver)
        from .background import REGENERATE_SESSIONS, regenerate_sessions

        register_job_handler(REGENERATE_SESSIONS, regenerate_sessions)
