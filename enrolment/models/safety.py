"""The safety sheet of a participant ("fiche sanitaire de liaison"), one row per version.

A version is never edited: filling the sheet again writes a new version and marks the previous
one superseded, so the service can say what it knew on a given day and who told it. Health
details and the people who may collect the child are special-category or sensitive data: they
are encrypted at rest (core.encryption) and read only through enrolment.access.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.encryption import EncryptedJSONBlobField

from .households import Participant


class FilledAs(models.TextChoices):
    GUARDIAN = "guardian", _("The guardian, online")
    MEDIATOR = "mediator", _("A mediator, with the family")


class SafetySheet(models.Model):
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="safety_sheets",
        verbose_name=_("participant"),
    )
    version = models.PositiveIntegerField(_("version"))
    # {"allergies", "diet", "treatment", "has_pai", "pai_details", "doctor_name",
    #  "doctor_phone"}; empty once the retention period removed it.
    health = EncryptedJSONBlobField(_("health details"), null=True, blank=True)
    # {"emergency_contacts": [{"name", "relation", "phone"}, ...] in the order to call them,
    #  "authorised_people": [{"name", "relation", "phone"}, ...]}
    contacts = EncryptedJSONBlobField(_("contacts and authorised people"), null=True, blank=True)
    may_leave_alone = models.BooleanField(_("may leave alone"), default=False)
    leave_alone_signed_on = models.DateField(
        _("leave-alone authorisation signed on"),
        null=True,
        blank=True,
        help_text=_("The date the guardian signed the authorisation to leave alone."),
    )
    image_internal = models.BooleanField(_("photos for internal use"), default=False)
    image_printed = models.BooleanField(_("photos in printed documents"), default=False)
    image_web = models.BooleanField(_("photos on the town's website"), default=False)
    image_social = models.BooleanField(_("photos on social networks"), default=False)
    # Which parts were answered (programmes.models.SafetySheetPart): what a programme checks.
    filled_parts = models.JSONField(_("parts filled"), default=list, blank=True)
    filled_as = models.CharField(_("filled by"), max_length=16, choices=FilledAs.choices)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account that filled it"),
    )
    filled_at = models.DateTimeField(_("filled at"), default=timezone.now)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    health_removed_at = models.DateTimeField(_("health details removed at"), null=True, blank=True)

    class Meta:
        ordering = ["participant", "-version"]
        verbose_name = _("safety sheet")
        verbose_name_plural = _("safety sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "version"], name="safety_sheet_unique_version"
            ),
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(superseded_at__isnull=True),
                name="safety_sheet_one_current_per_participant",
            ),
            models.CheckConstraint(
                condition=Q(may_leave_alone=False) | Q(leave_alone_signed_on__isnull=False),
                name="safety_sheet_leave_alone_needs_signature_date",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Safety sheet of %(participant)s, version %(version)s")
            % {"participant": self.participant, "version": self.version}
        )

    @property
    def health_details(self) -> dict:
        return self.health or {}

    @property
    def emergency_contacts(self) -> list[dict]:
        return list((self.contacts or {}).get("emergency_contacts", []))

    @property
    def authorised_people(self) -> list[dict]:
        return list((self.contacts or {}).get("authorised_people", []))

    @property
    def has_allergy(self) -> bool:
        return bool(self.health_details.get("allergies", "").strip())

    @property
    def has_pai(self) -> bool:
        return bool(self.health_details.get("has_pai"))

    @property
    def no_photos(self) -> bool:
        return not (
            self.image_internal or self.image_printed or self.image_web or self.image_social
        )
