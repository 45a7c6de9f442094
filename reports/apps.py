from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Indicators, charts, exports and the annual report, read from every app below."""

    name = "reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from jobs.registry import register_job_handler

        from .services import REPORT_EXPORT, report_export_build

        register_job_handler(REPORT_EXPORT, report_export_build)
        from accounts.roles import Role, has_role
        from core.menu import MenuEntry, register

        register(
            MenuEntry(
                key="reports",
                label=_("Reports"),
                url_name="reports:dashboard",
                visible=lambda user: has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR),
                order=60,
            )
        )
