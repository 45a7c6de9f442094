"""Enrolments of participants in a programme (whole cycle) or in one session (per session)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Participant
from programmes.models import Partner, Programme
from sessions.models import Session

# A few lines for the mediators, not a file.
ENROLMENT_NOTE_LENGTH = 2000


class EnrolmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by a partner")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that hold the participant's slot: a second enrolment in the same target is refused.
ACTIVE_STATUSES = (EnrolmentStatus.PROPOSED, EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED)


class EnrolmentSource(models.TextChoices):
    FAMILY_ONLINE = "family_online", _("Family, online")
    MEDIATOR = "mediator", _("Mediator")
    PARTNER_REFERRAL = "partner_referral", _("Partner referral")


class Enrolment(models.Model):
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("session"),
        help_text=_("Only for programmes enrolled session by session."),
    )
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    waitlist_position = models.PositiveIntegerField(
        _("waiting-list position"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=20, choices=EnrolmentSource.choices)
    referred_by_partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    sheet_pending = models.BooleanField(
        _("safety sheet to complete"),
        default=False,
        help_text=_(
            "The programme requires parts of the safety sheet the family has not filled yet."
        ),
    )
    note = models.TextField(_("note"), blank=True, max_length=ENROLMENT_NOTE_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    promoted_at = models.DateTimeField(
        _("promoted from the waiting list at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.CharField(
        _("reason for leaving"),
        max_length=300,
        blank=True,
        help_text=_("Optional: what the family said when cancelling or leaving."),
    )

    # Not stored: set by the services on an enrolment they save under its target's lock, whose
    # headcount version that lock already bumped (enrolment.receivers bumps it otherwise).
    headcount_counted: bool = False

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "programme"],
                condition=Q(session__isnull=True, status__in=ACTIVE_STATUSES),
                name="enrolment_one_active_per_participant_programme",
            ),
            models.UniqueConstraint(
                fields=["participant", "session"],
                condition=Q(session__isnull=False, status__in=ACTIVE_STATUSES),
                name="enrolment_one_active_per_participant_session",
            ),
            models.UniqueConstraint(
                fields=["programme", "waitlist_position"],
                condition=Q(session__isnull=True, status=EnrolmentStatus.WAITLISTED),
                name="enrolment_waitlist_position_unique_programme",
            ),
            models.UniqueConstraint(
                fields=["session", "waitlist_position"],
                condition=Q(session__isnull=False, status=EnrolmentStatus.WAITLISTED),
                name="enrolment_waitlist_position_unique_session",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status=EnrolmentStatus.WAITLISTED,
                        waitlist_position__isnull=False,
                        waitlist_position__gte=1,
                    )
                    | (~Q(status=EnrolmentStatus.WAITLISTED) & Q(waitlist_position__isnull=True))
                ),
                name="enrolment_waitlist_position_iff_waitlisted",
            ),
            models.CheckConstraint(
                condition=Q(status=EnrolmentStatus.CANCELLED) | Q(cancelled_at__isnull=True),
                name="enrolment_cancelled_at_only_when_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["session", "status"]),
        ]

    def __str__(self) -> str:
        target = self.session or self.programme
        return f"{self.participant} – {target} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def status_label(self) -> str:
        """ "Confirmed — sheet to complete" while the programme waits for the safety sheet."""
        if self.status == EnrolmentStatus.CONFIRMED and self.sheet_pending:
            return str(_("Confirmed — safety sheet to complete"))
        return str(self.get_status_display())
