"""Allocation rounds: ranked wishes for oversubscribed holiday activities, a seeded draw and the
published result, with what is needed to reproduce and explain it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrolment.models import Enrolment, EnrolmentSource
from households.eligibility import long_datetime
from households.models import Household, Participant
from programmes.models import Partner, Programme
from sessions.models import Session

MAX_WEIGHT = 100


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for wishes")
    CLOSED = "closed", _("Closed, results being prepared")
    PUBLISHED = "published", _("Results published")


class PriorityRule(models.TextChoices):
    QPV = "qpv", _("Lives in a priority neighbourhood (QPV)")
    FIRST_TIME = "first_time", _("First time served this school year")
    REFERRED = "referred", _("Referred by a partner or a mediator")
    SIBLING_GROUP = "sibling_group", _("Siblings kept together (all or none)")
    GRANTED_BEFORE = (
        "granted_before",
        _("Per wish already granted in an earlier round this school year (subtracted)"),
    )


class WishOutcome(models.TextChoices):
    GRANTED = "granted", _("Place given")
    WAITLISTED = "waitlisted", _("Full at their turn: on the waiting list")
    FULL = "full", _("Full at their turn")
    OVERLAP = "overlap", _("At the same time as an activity already given")
    INELIGIBLE = "ineligible", _("Not eligible (age, or already enrolled)")
    CHILD_CAP = "child_cap", _("Already given the most activities a child may have")
    HOUSEHOLD_CAP = "household_cap", _("Household already given the most activities it may have")


class AllocationRound(models.Model):
    title = models.CharField(_("title"), max_length=200)
    wishes_open_at = models.DateTimeField(_("wishes open at"))
    wishes_close_at = models.DateTimeField(_("wishes close at"))
    results_on = models.DateField(_("results published on"))
    max_per_child = models.PositiveSmallIntegerField(_("activities per child at most"), default=2)
    max_per_household = models.PositiveSmallIntegerField(
        _("activities per household at most"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no household cap."),
    )
    weight_qpv = models.PositiveSmallIntegerField(_("weight: lives in a QPV"), default=3)
    weight_first_time = models.PositiveSmallIntegerField(
        _("weight: first time served this school year"), default=2
    )
    weight_referred = models.PositiveSmallIntegerField(
        _("weight: referred by a partner or a mediator"), default=2
    )
    weight_sibling_group = models.PositiveSmallIntegerField(
        _("weight: siblings kept together"), default=1
    )
    weight_granted_before = models.PositiveSmallIntegerField(
        _("weight: per wish already granted this school year (subtracted)"), default=1
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    # Drawn when wishes close, then published: nobody can know it while wishing.
    seed = models.CharField(_("seed of the draw"), max_length=64, blank=True)
    # Exactly what the last computation read, so that anyone can run it again.
    inputs = models.JSONField(_("inputs of the last computation"), default=dict, blank=True)
    result_digest = models.CharField(_("fingerprint of the result"), max_length=64, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-wishes_open_at", "-pk"]
        verbose_name = _("allocation round")
        verbose_name_plural = _("allocation rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(wishes_close_at__gt=F("wishes_open_at")),
                name="allocation_round_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_per_child__gte=1), name="allocation_round_child_cap_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_per_household__isnull=True) | Q(max_per_household__gte=1),
                name="allocation_round_household_cap_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    weight_qpv__lte=MAX_WEIGHT,
                    weight_first_time__lte=MAX_WEIGHT,
                    weight_referred__lte=MAX_WEIGHT,
                    weight_sibling_group__lte=MAX_WEIGHT,
                    weight_granted_before__lte=MAX_WEIGHT,
                ),
                name="allocation_round_weights_bounded",
            ),
            models.CheckConstraint(
                condition=Q(status=RoundStatus.OPEN) | ~Q(seed=""),
                name="allocation_round_seed_once_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=RoundStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="allocation_round_published_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("allocation:round", kwargs={"pk": self.pk})

    @property
    def weights(self) -> dict[str, int]:
        return {
            PriorityRule.QPV: self.weight_qpv,
            PriorityRule.FIRST_TIME: self.weight_first_time,
            PriorityRule.REFERRED: self.weight_referred,
            PriorityRule.SIBLING_GROUP: self.weight_sibling_group,
            PriorityRule.GRANTED_BEFORE: self.weight_granted_before,
        }

    def is_open_at(self, moment) -> bool:
        return (
            self.status == RoundStatus.OPEN and self.wishes_open_at <= moment < self.wishes_close_at
        )


class RoundActivity(models.Model):
    """One place to wish for: a session of a per-session programme, or a whole-cycle programme."""

    round = models.ForeignKey(
        AllocationRound,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("round"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )

    class Meta:
        ordering = ["round", "session__starts_at", "programme__title", "pk"]
        verbose_name = _("activity of a round")
        verbose_name_plural = _("activities of a round")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "session"],
                condition=Q(session__isnull=False),
                name="allocation_activity_session_once",
            ),
            models.UniqueConstraint(
                fields=["round", "programme"],
                condition=Q(session__isnull=True),
                name="allocation_activity_programme_once",
            ),
        ]

    def __str__(self) -> str:
        if self.session_id is None:
            return self.programme.title
        # The weekday and the year: "01/01 09:30" hid a Friday that was New Year's Day.
        return f"{self.programme.title} – {long_datetime(self.session.starts_at)}"


class SiblingGroup(models.Model):
    """Children of one household who get an activity together or not at all."""

    round = models.ForeignKey(
        AllocationRound,
        on_delete=models.CASCADE,
        related_name="sibling_groups",
        verbose_name=_("round"),
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("household")
    )
    members = models.ManyToManyField(
        Participant, through="SiblingGroupMember", related_name="+", verbose_name=_("children")
    )

    class Meta:
        verbose_name = _("sibling group")
        verbose_name_plural = _("sibling groups")

    def __str__(self) -> str:
        return f"{self.round} – {self.household}"


class SiblingGroupMember(models.Model):
    group = models.ForeignKey(SiblingGroup, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    # Repeated from the group so that the database keeps a child in one group per round.
    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant"], name="allocation_one_group_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.participant}"


class Wish(models.Model):
    round = models.ForeignKey(
        AllocationRound, on_delete=models.CASCADE, related_name="wishes", verbose_name=_("round")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("child")
    )
    activity = models.ForeignKey(
        RoundActivity, on_delete=models.CASCADE, related_name="wishes", verbose_name=_("activity")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    source = models.CharField(_("source"), max_length=20, choices=EnrolmentSource.choices)
    referred_by_partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)
    # Result of the last computation, then of the publication.
    outcome = models.CharField(_("outcome"), max_length=16, choices=WishOutcome.choices, blank=True)
    pass_number = models.PositiveSmallIntegerField(_("pass"), null=True, blank=True)
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolment"),
    )
    publication_note = models.CharField(_("note at publication"), max_length=300, blank=True)

    class Meta:
        ordering = ["round", "participant", "rank"]
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant", "activity"], name="allocation_wish_activity_once"
            ),
            models.UniqueConstraint(
                fields=["round", "participant", "rank"], name="allocation_wish_rank_once"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="allocation_wish_rank_positive"),
        ]
        indexes = [models.Index(fields=["round", "outcome"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.rank}. {self.activity}"


class ChildResult(models.Model):
    """Where a child stood in the last computation: points, rules that applied, draw, place."""

    round = models.ForeignKey(
        AllocationRound, on_delete=models.CASCADE, related_name="results", verbose_name=_("round")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("child")
    )
    criteria = models.JSONField(_("rules that applied"), default=list)
    granted_before = models.PositiveSmallIntegerField(_("wishes granted before"), default=0)
    points = models.IntegerField(_("points"))
    draw = models.CharField(_("draw"), max_length=64)
    position = models.PositiveIntegerField(_("position in the order"))
    grouped = models.BooleanField(_("in a sibling group"), default=False)

    class Meta:
        ordering = ["round", "position", "participant"]
        verbose_name = _("child's result")
        verbose_name_plural = _("children's results")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant"], name="allocation_one_result_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.participant} ({self.position})"
