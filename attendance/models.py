"""Attendance: who came to a session, the history of corrections, walk-ins and follow-ups."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrolment.models import Enrolment, Participant
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
        Participant, on_delete=models.CASCADE, related_name="attendances",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=16, choices=AttendanceStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    walk_in = models.BooleanField(
        _("walk-in"), default=False,
        help_text=_("Came without being enrolled in this session."),
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True)
    client_marked_at = models.DateTimeField(_("marked on the device at"), default=timezone.now)

    class Meta:
        # Created by the enrolment app before attendance became an app of its own.
        db_table = "enrolment_attendance"
        ordering = ["session", "participant__last_name", "participant__first_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"],
                                    name="attendance_one_per_participant_session"),
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
        Attendance, on_delete=models.CASCADE, related_name="corrections",
        verbose_name=_("attendance"),
    )
    old_status = models.CharField(_("old status"), max_length=16,
                                  choices=AttendanceStatus.choices)
    new_status = models.CharField(_("new status"), max_length=16,
                                  choices=AttendanceStatus.choices)
    old_note = models.CharField(_("old note"), max_length=300, blank=True)
    new_note = models.CharField(_("new note"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    after_lock = models.BooleanField(_("after the register locked"), default=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("corrected by"),
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
            models.CheckConstraint(condition=Q(after_lock=False) | ~Q(reason=""),
                                   name="attendance_correction_reason_after_lock"),
        ]

    def __str__(self) -> str:
        return f"{self.attendance}: {self.old_status} → {self.new_status}"


class AgeBand(models.TextChoices):
    UNDER_6 = "0-5", _("Under 6")
    CHILD = "6-11", _("6 to 11")
    TEEN = "12-17", _("12 to 17")
    YOUNG_ADULT = "18-25", _("18 to 25")
    ADULT = "26-59", _("26 to 59")
    SENIOR = "60+", _("60 and over")


class AnonymousHeadcount(models.Model):
    """People who came to an open health-prevention session without giving their names."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="headcounts", verbose_name=_("session")
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    count = models.PositiveIntegerField(_("count"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        # Created by the enrolment app before attendance became an app of its own.
        db_table = "enrolment_anonymousheadcount"
        ordering = ["session", "age_band"]
        verbose_name = _("anonymous headcount")
        verbose_name_plural = _("anonymous headcounts")
        constraints = [
            models.UniqueConstraint(fields=["session", "age_band"],
                                    name="headcount_one_per_session_age_band"),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.get_age_band_display()}: {self.count}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FollowUpOutcome(models.TextChoices):
    REACHED = "reached", _("Family reached")
    NOT_REACHED = "not_reached", _("Could not reach the family")
    WITHDRAWN = "withdrawn", _("Withdrawn from the programme")
    REFERRED = "referred", _("Referred to a partner")


# What a mediator writes when closing a follow-up: a few lines, not a file.
FOLLOW_UP_NOTE_LENGTH = 2000


class FollowUp(models.Model):
    """Repeated unexcused absences of a participant, for their mediator to act on."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="follow_ups",
        verbose_name=_("participant"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="follow_ups",
        verbose_name=_("programme"),
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups",
        verbose_name=_("enrolment"),
    )
    mediator = models.ForeignKey(
        Mediator, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups",
        verbose_name=_("responsible mediator"),
    )
    sessions = models.ManyToManyField(
        Session, related_name="follow_ups", verbose_name=_("sessions missed")
    )
    status = models.CharField(_("status"), max_length=8, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=16, choices=FollowUpOutcome.choices,
                               blank=True)
    outcome_note = models.TextField(_("what was done"), blank=True,
                                    max_length=FOLLOW_UP_NOTE_LENGTH)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("closed by"),
    )

    class Meta:
        # Created by the enrolment app before attendance became an app of its own.
        db_table = "enrolment_followup"
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "programme"], condition=Q(status="open"),
                name="follow_up_one_open_per_participant_programme",
            ),
            models.CheckConstraint(
                condition=(Q(status="open", outcome="", closed_at__isnull=True)
                           | (Q(status="closed", closed_at__isnull=False) & ~Q(outcome=""))),
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
