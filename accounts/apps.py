from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from core import menu
        from core.reads import register_read_recorder

        from . import language, signals  # noqa: F401  (connect the login and audit receivers)
        from .audit import audit_personal_read
        from .roles import Role, user_roles

        # Families never need the API: its links would only confuse them.
        menu.register_api_links(lambda user: bool(user_roles(user) - {Role.FAMILY}))
        register_read_recorder("audit", audit_personal_read)
