from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """Each role's home, on top of every other app."""

    name = "workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        from accounts.roles import Role, has_role, is_staff_member
        from core.menu import MenuEntry, register

        register(
            MenuEntry(
                key="family",
                label=_("My family"),
                url_name="workspace:family",
                visible=lambda user: has_role(user, Role.FAMILY),
                order=10,
            )
        )
        register(
            MenuEntry(
                key="families",
                label=_("Families"),
                url_name="workspace:mediation",
                visible=is_staff_member,
                order=30,
            )
        )
        register(
            MenuEntry(
                key="partner",
                label=_("Referrals"),
                url_name="workspace:partner",
                visible=lambda user: has_role(user, Role.PARTNER),
                order=40,
            )
        )
