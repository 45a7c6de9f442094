from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """A fictional mediation service for `make run`, built on the apps' own services."""

    name = "demo"
    label = "demo"
    verbose_name = _("Demo data")
