from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
        from accounts.roles import is_staff_member
        from core.menu import MenuEntry, register

        register(
            MenuEntry(
                key="day",
                label=_("My day"),
                url_name="attendance:today",
                visible=is_staff_member,
                order=20,
            )
        )
        register(
            MenuEntry(
                key="follow-ups",
                label=_("Follow-ups"),
                url_name="attendance:follow-ups",
                visible=is_staff_member,
                order=35,
            )
        )
        from sessions import hooks

        from .selectors import sessions_with_attendance
        from .views import programme_panel

        hooks.register_sessions_in_use_check(sessions_with_attendance)
        hooks.register_programme_panel(programme_panel)
