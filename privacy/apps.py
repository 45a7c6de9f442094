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
        register_household_links("privacy", household_export_links)
