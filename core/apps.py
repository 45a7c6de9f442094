from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """No models: the error base, time rules, registries, pagination, the site's templates and
    shared template tags. Every other app may use it; it uses none of them."""

    name = "core"
    label = "core"
    verbose_name = _("Core")
