from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template import TemplateSyntaxError, engines
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrolment.models import Enrolment
from households.models import Household, Participant
from programmes.models import Programme
from sessions.models import Session


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageKind(models.TextChoices):
    REMINDER = "reminder", _("Session reminder")
    ENROLMENT_CONFIRMED = "enrolment_confirmed", _("Enrolment confirmed")
    ENROLMENT_WAITLISTED = "enrolment_waitlisted", _("Put on the waiting list")
    ENROLMENT_PROMOTED = "enrolment_promoted", _("Promoted from the waiting list")
    ENROLMENT_CANCELLED = "enrolment_cancelled", _("Enrolment cancelled")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    SESSION_MOVED = "session_moved", _("Session moved")
    FOLLOW_UP_OPENED = "follow_up_opened", _("Follow-up opened")
    DAILY_DIGEST = "daily_digest", _("Daily digest of tomorrow's sessions")
    # Written by the allocation app (above this one), which names its kind here so that the
    # message log and the admin show a word, not a code.
    ALLOCATION_RESULT = "allocation_result", _("Result of an allocation round")
    CHECK_OUT_UNLISTED = "check_out_unlisted", _("Child collected by someone not on the list")
    SAFETY_SHEET_REMINDER = "safety_sheet_reminder", _("Safety sheet to complete")
    FAMILY_LEFT = "family_left", _("A family left a programme")


class MessageState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Message(models.Model):
    """One message to one person: the outbox row, written in the transaction that causes it.

    The recipient (channel, address, language) is a snapshot taken then; the text is rendered
    from ``kind`` and ``context`` when it is sent, and kept in ``subject`` and ``body``.
    """

    # What makes the message unique, e.g. "reminder:p12:s34:2d:<start>" or
    # "enrolment:56:promoted:1": writing it twice is a constraint violation, not a duplicate.
    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text sent"), blank=True)

    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=16, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    cancel_reason = models.CharField(_("why it was not sent"), max_length=200, blank=True)
    dispatched_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=80, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    # What the message is about, for the staff's views per session and per household.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification_messages",
        verbose_name=_("session"),
    )
    # Erasing a household erases its messages: they hold its members' names and contacts.
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_messages",
        verbose_name=_("household"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolment"),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient account"),
    )
    # Reminders only: the occurrence they are for.
    reminder_offset = models.CharField(_("reminder offset"), max_length=8, blank=True)
    session_starts_at = models.DateTimeField(_("session start"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
            # One reminder per participant, session occurrence and offset, whoever writes it.
            models.UniqueConstraint(
                fields=["participant", "session", "reminder_offset", "session_starts_at"],
                condition=Q(kind="reminder"),
                name="notification_one_reminder_per_occurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="notification_state_due"),
            models.Index(fields=["session", "kind"], name="notification_session_kind"),
            # The sweep's "already written?" lookup. Not partial: SQLite cannot use the partial
            # unique index when kind is a bound parameter.
            models.Index(
                fields=["session", "participant", "reminder_offset"],
                name="notification_reminder_lookup",
            ),
            models.Index(fields=["household", "created_at"], name="notification_household"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_name or self.address}"

    @property
    def can_retry(self) -> bool:
        return self.state == MessageState.FAILED


class MessageTemplate(models.Model):
    """A coordinator's wording of one message, replacing the built-in one for a language."""

    kind = models.CharField(_("message"), max_length=32, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(
        _("subject"),
        max_length=300,
        blank=True,
        help_text=_("E-mail only. Same variables as the text."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            'Django template syntax, e.g. {{ participant }} on {{ starts_at|date:"l j F '
            'H:i" }} at {{ venue }}. The variables of each message are listed in '
            "docs/notifications.md."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["kind", "channel", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "language"], name="message_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.get_channel_display()} – {self.language}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        for field in ("subject", "body"):
            try:
                engines["django"].from_string(getattr(self, field))
            except TemplateSyntaxError as error:
                errors[field] = _("This template does not compile: %(error)s") % {"error": error}
        if errors:
            raise ValidationError(errors)
