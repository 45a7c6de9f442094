from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """Each role's home, on top of every other app."""

    name = "workspace"
    label = "workspace"
    verbose_name = _("Workspace")
