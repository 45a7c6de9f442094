from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from core.reads import register_read_recorder

        from . import language, signals  # noqa: F401  (connect the login and audit receivers)
        from .audit import audit_personal_read

        register_read_recorder("audit", audit_personal_read)
