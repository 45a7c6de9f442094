"""Attendance: who came to a session, the history of corrections, walk-ins and follow-ups."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.age_bands import age_band_label
from enrolment.models import Enrolment
from households.models import Participant, Sex
from programmes.models import Field as ProgrammeField
from programmes.models import Mediator, Programme
from sessions.models import Session


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# What counts as having come, for rates.
ATTENDED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class Attendance(models.Model):
    """The current mark of one participant in one session.

    ``client_id`` and ``client_marked_at`` come from the device that took the mark: a batch
    sent again after a lost connection carries the same ids and changes nothing, and of two
    marks of the same person the one taken last on the devices' clocks wins.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=16, choices=AttendanceStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    walk_in = models.BooleanField(
        _("walk-in"),
        default=False,
        help_text=_("Came without being enrolled in this session."),
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True)
    client_marked_at = models.DateTimeField(_("marked on the device at"), default=timezone.now)
    # Later marks replace ``client_id``; this one stays, so a walk-in registration sent again
    # (a phone that was offline retries) finds the person it created instead of creating another.
    registration_client_id = models.UUIDField(
        _("walk-in registration id"), null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        # Created by the enrolment app before attendance became an app of its own.
        db_table = "enrolment_attendance"
        ordering = ["session", "participant__last_name", "participant__first_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_one_per_participant_session"
            ),
        ]
        indexes = [models.Index(fields=["participant", "session"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}: {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED_STATUSES


class AttendanceCorrection(models.Model):
    """A change of an existing mark: never edited, never deleted."""

    attendance = models.ForeignKey(
        Attendance,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("attendance"),
    )
    old_status = models.CharField(_("old status"), max_length=16, choices=AttendanceStatus.choices)
    new_status = models.CharField(_("new status"), max_length=16, choices=AttendanceStatus.choices)
    old_note = models.CharField(_("old note"), max_length=300, blank=True)
    new_note = models.CharField(_("new note"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    after_lock = models.BooleanField(_("after the register locked"), default=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    client_id = models.UUIDField(_("client id"), null=True, blank=True)

    class Meta:
        # Created by the enrolment app before attendance became an app of its own.
        db_table = "enrolment_attendancecorrection"
        ordering = ["-corrected_at", "-pk"]
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")
        constraints = [
            models.CheckConstraint(
                condition=Q(after_lock=False) | ~Q(reason=""),
                name="attendance_correction_reason_after_lock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendance}: {self.old_status} → {self.new_status}"


class AnonymousHeadcount(models.Model):
    """People who came to an open health-prevention session without giving their names."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="headcounts", verbose_name=_("session")
    )
    # A key of settings.REPORT_AGE_BANDS (core/age_bands.py): not choices, so that changing the
    # setting needs no migration and keeps the counts recorded under earlier bands.
    age_band = models.CharField(_("age band"), max_length=8)
    count = models.PositiveIntegerField(_("count"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        # Created by the enrolment app before attendance became an app of its own.
        db_table = "enrolment_anonymousheadcount"
        ordering = ["session", "age_band"]
        verbose_name = _("anonymous headcount")
        verbose_name_plural = _("anonymous headcounts")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "age_band"], name="headcount_one_per_session_age_band"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {age_band_label(self.age_band)}: {self.count}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FollowUpOutcome(models.TextChoices):
    REACHED = "reached", _("Family reached")
    NOT_REACHED = "not_reached", _("Could not reach the family")
    WITHDRAWN = "withdrawn", _("Withdrawn from the programme")
    REFERRED = "referred", _("Referred to a partner")


# What a mediator writes when closing a follow-up: a few lines, not a file.
# The most people one outreach contact counts in one cell (the API's schema states it).
OUTREACH_COUNT_MAX = 100_000
# Outreach is counted from this year on (the API's schema states it).
OUTREACH_FIRST_YEAR = 2000
FOLLOW_UP_NOTE_LENGTH = 2000


class FollowUp(models.Model):
    """Repeated unexcused absences of a participant, for their mediator to act on."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("participant"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("programme"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("enrolment"),
    )
    mediator = models.ForeignKey(
        Mediator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("responsible mediator"),
    )
    sessions = models.ManyToManyField(
        Session, related_name="follow_ups", verbose_name=_("sessions missed")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=FollowUpOutcome.choices, blank=True
    )
    outcome_note = models.TextField(
        _("what was done"), blank=True, max_length=FOLLOW_UP_NOTE_LENGTH
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        # Created by the enrolment app before attendance became an app of its own.
        db_table = "enrolment_followup"
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "programme"],
                condition=Q(status="open"),
                name="follow_up_one_open_per_participant_programme",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="open", outcome="", closed_at__isnull=True)
                    | (Q(status="closed", closed_at__isnull=False) & ~Q(outcome=""))
                ),
                name="follow_up_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("outcome_note"), FOLLOW_UP_NOTE_LENGTH),
                name="follow_up_note_bounded",
            ),
        ]
        indexes = [models.Index(fields=["mediator", "status"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.programme} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.OPEN


class HeldDeclaration(models.Model):
    """A coordinator's statement that a session took place although no register was taken.

    Reports count such a session as held and say how many were declared this way, so that a
    funder can tell figures backed by a register from those that are not."""

    session = models.OneToOneField(
        Session,
        on_delete=models.CASCADE,
        related_name="held_declaration",
        verbose_name=_("session"),
    )
    reason = models.CharField(_("why there is no register"), max_length=300)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared by"),
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("session held without a register")
        verbose_name_plural = _("sessions held without a register")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="held_declaration_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.session} ({self.reason})"


class RegisterSignature(models.Model):
    """A participant's (or their guardian's) signature of a session's register, drawn with a
    finger on the phone that takes the register: the on-screen "feuille d'émargement"."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("session")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("participant"),
    )
    # A PNG as a data: URL, small (a few kilobytes): shown as it is, kept with the register.
    image = models.TextField(_("signature"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )

    class Meta:
        ordering = ["session", "participant__last_name", "participant__first_name"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="signature_one_per_participant_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}"


class OutreachContact(models.Model):
    """People a mediator met "going to them" (in the street, at an event), counted without
    names: where, when, about what, and whether a referral followed."""

    # Given by the phone that recorded it: sending again after a lost connection changes nothing.
    client_id = models.UUIDField(_("client id"), unique=True)
    day = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=150)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    in_qpv = models.BooleanField(_("in a priority neighbourhood (QPV)"), default=False)
    theme = models.CharField(_("theme"), max_length=32, choices=ProgrammeField.choices)
    referral = models.BooleanField(_("a referral followed"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("outreach contact")
        verbose_name_plural = _("outreach contacts")
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} – {self.place}"


class OutreachCount(models.Model):
    """How many people of one age band (core/age_bands.py) and sex an outreach contact met."""

    contact = models.ForeignKey(
        OutreachContact,
        on_delete=models.CASCADE,
        related_name="counts",
        verbose_name=_("outreach contact"),
    )
    age_band = models.CharField(_("age band"), max_length=8)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("outreach count")
        verbose_name_plural = _("outreach counts")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "age_band", "sex"], name="outreach_count_one_per_band_and_sex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.age_band} {self.sex} {self.count}"


class CollectedBy(models.TextChoices):
    AUTHORISED = "authorised", _("An authorised person")
    ALONE = "alone", _("Left alone (allowed by the guardian)")
    OTHER = "other", _("Someone not on the list")


class CheckOut(models.Model):
    """Who took a child home from a session, and when (on the device's clock).

    Like a mark, it carries the id the phone gave it: sent again, it changes nothing; of two
    check-outs of the same child, the one taken last on the devices' clocks wins.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="check_outs", verbose_name=_("session")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="check_outs",
        verbose_name=_("participant"),
    )
    collected_by = models.CharField(_("collected by"), max_length=16, choices=CollectedBy.choices)
    collector_name = models.CharField(_("name of the person"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_out_at = models.DateTimeField(_("left at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True)

    class Meta:
        ordering = ["session", "checked_out_at"]
        verbose_name = _("check-out")
        verbose_name_plural = _("check-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="check_out_one_per_participant_session"
            ),
            models.CheckConstraint(
                condition=~Q(collected_by="other") | ~Q(note=""),
                name="check_out_unlisted_needs_note",
            ),
            models.CheckConstraint(
                condition=Q(collected_by="alone") | ~Q(collector_name=""),
                name="check_out_names_the_collector",
            ),
        ]
        indexes = [models.Index(fields=["collected_by", "checked_out_at"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}: {self.get_collected_by_display()}"
