from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Household


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("On request")
    RETENTION = "retention", _("End of the retention period")


class Erasure(models.Model):
    """A household whose personal data was erased; its rows stay, anonymised, for the counts."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="erasure", verbose_name=_("household")
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ErasureReason.choices)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"{self.household} ({self.get_reason_display()})"


class RetentionWarning(models.Model):
    """Coordinators were told that this household will be anonymised.

    ``last_activity_at`` is the activity the warning counted from: activity after it makes the
    warning stale, and a new one is due before anonymisation.
    """

    household = models.OneToOneField(
        Household,
        on_delete=models.CASCADE,
        related_name="retention_warning",
        verbose_name=_("household"),
    )
    warned_at = models.DateTimeField(_("warned at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity counted"))
    anonymise_after = models.DateTimeField(_("anonymised after"))

    class Meta:
        ordering = ["anonymise_after"]
        verbose_name = _("retention warning")
        verbose_name_plural = _("retention warnings")

    def __str__(self) -> str:
        return f"{self.household} → {self.anonymise_after:%Y-%m-%d}"
