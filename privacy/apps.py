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
        from core.links import register_household_links

        from . import receivers
        from .views import household_export_links

        receivers.connect()
        from accounts.roles import can_handle_data_requests
        from core.menu import MenuEntry, register

        register(
            MenuEntry(
                key="privacy",
                label=_("Data protection"),
                url_name="privacy:overview",
                visible=can_handle_data_requests,
                order=70,
            )
        )
        register_household_links("privacy", household_export_links)
