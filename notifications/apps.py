from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from celery.signals import worker_ready

        from . import personal_data, receivers, sign_in

        personal_data.register()
        sign_in.register()
        from accounts.roles import Role, has_role
        from core.menu import MenuEntry, register

        # The outbox, for those who answer for what the service sends.
        register(
            MenuEntry(
                key="messages",
                label=_("Messages"),
                url_name="notifications:log",
                visible=lambda user: has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR),
                order=65,
            )
        )
        receivers.connect()
        worker_ready.connect(receivers.sweep_at_worker_start, dispatch_uid="notifications-sweep")

        from core.health import register_check

        register_check(receivers.outbox_health)
