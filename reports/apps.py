from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Indicators, charts, exports and the annual report, read from every app below."""

    name = "reports"
    label = "reports"
    verbose_name = _("Reports")
