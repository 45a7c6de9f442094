from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Free text shown on every page of a programme and, for what to bring, in every message about
# its sessions: long enough for what the demo and real programmes say, short enough for a phone.
DESCRIPTION_MAX_LENGTH = 5000
WHAT_TO_BRING_MAX_LENGTH = 300
ACCESSIBILITY_NOTES_MAX_LENGTH = 1000


class Field(models.TextChoices):
    """The three fields a mediator holds."""

    HEALTH_PREVENTION = "health_prevention", _("Health prevention")
    SOCIO_EDUCATIONAL = "socio_educational", _("Socio-educational")
    HOUSING = "housing", _("Housing and living environment")


class Kind(models.TextChoices):
    FAMILY_COURSE = "family_course", _("Family course")
    HOLIDAY_ACTIVITY = "holiday_activity", _("Holiday activity")
    REMOBILISATION = "remobilisation", _("School-dropout remobilisation")
    HEALTH_PREVENTION = "health_prevention", _("Health-prevention workshop")


class Audience(models.TextChoices):
    CHILDREN = "children", _("Children")
    TEENAGERS = "teenagers", _("Teenagers")
    PARENTS = "parents", _("Parents")
    PARENT_AND_CHILD = "parent_and_child", _("Parent and child")
    ADULTS = "adults", _("Adults")
    WOMEN = "women", _("Women")
    SENIORS = "seniors", _("Seniors")
    PROFESSIONALS = "professionals", _("Local professionals in training")


class EnrolmentMode(models.TextChoices):
    WHOLE_CYCLE = "whole_cycle", _("Whole cycle")
    PER_SESSION = "per_session", _("Per session")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class PartnerKind(models.TextChoices):
    SOCIAL_CENTRE = "social_centre", _("Social centre")
    YOUTH_INFORMATION = "youth_information", _("Youth information point")
    SOCIAL_LANDLORD = "social_landlord", _("Social landlord")
    ASSOCIATION = "association", _("Association")
    SCHOOL = "school", _("School")
    MUNICIPAL_SERVICE = "municipal_service", _("Municipal service")
    OTHER = "other", _("Other")


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=PartnerKind.choices)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="partner_organisations",
        verbose_name=_("staff accounts"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    in_qpv = models.BooleanField(
        _("in a QPV"),
        default=False,
        help_text=_("Whether the venue lies in a priority neighbourhood of urban policy (QPV)."),
    )
    accessibility_notes = models.TextField(
        _("accessibility notes"),
        blank=True,
        max_length=ACCESSIBILITY_NOTES_MAX_LENGTH,
        validators=[MaxLengthValidator(ACCESSIBILITY_NOTES_MAX_LENGTH)],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    """A staff account that holds one of the service's fields."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mediator",
        verbose_name=_("account"),
    )
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class SafetySheetPart(models.TextChoices):
    """Parts of a child's safety sheet a programme may require before the first session."""

    HEALTH = "health", _("Health (allergies, diet, treatment, PAI, doctor)")
    EMERGENCY_CONTACTS = "emergency_contacts", _("Emergency contacts")
    COLLECTION = "collection", _("Who may collect the child")
    IMAGE_RIGHTS = "image_rights", _("Image rights")


class Programme(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    # A TextField's max_length only reaches forms; the validator makes full_clean agree.
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    what_to_bring = models.TextField(
        _("what to bring"),
        blank=True,
        max_length=WHAT_TO_BRING_MAX_LENGTH,
        validators=[MaxLengthValidator(WHAT_TO_BRING_MAX_LENGTH)],
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    audience = models.CharField(_("audience"), max_length=32, choices=Audience.choices)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    enrolment_mode = models.CharField(
        _("enrolment mode"),
        max_length=16,
        choices=EnrolmentMode.choices,
        help_text=_(
            "Whole cycle: one enrolment covers every session. Per session: families "
            "choose sessions one by one."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1, message=_("The capacity must be at least one place."))],
    )
    waitlist_enabled = models.BooleanField(
        _("waitlist"),
        default=True,
        help_text=_("When full, further requests join an ordered waiting list."),
    )
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("family cancellation deadline (hours before)"), default=24
    )
    reminder_offsets = models.JSONField(
        _("reminder offsets"),
        default=list,
        blank=True,
        help_text=_('When to remind people, e.g. ["2d", "2h"] for 2 days and 2 hours before.'),
    )
    absence_follow_up_threshold = models.PositiveSmallIntegerField(
        _("unexcused absences in a row before a follow-up"),
        default=2,
        help_text=_("0 turns the follow-up off (it is always on for remobilisation)."),
    )
    safety_sheet_parts = models.JSONField(
        _("safety sheet parts required"),
        default=list,
        blank=True,
        help_text=_(
            "Parts of the safety sheet a family completes before the first session, "
            'e.g. ["health", "emergency_contacts", "collection", "image_rights"] for a '
            "holiday trip; empty for a workshop for adults."
        ),
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("venue")
    )
    mediators = models.ManyToManyField(
        Mediator, related_name="programmes", blank=True, verbose_name=_("responsible mediators")
    )
    partners = models.ManyToManyField(
        Partner, related_name="programmes", blank=True, verbose_name=_("partner organisations")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped by a higher app whenever the places taken in the whole cycle may have changed;
    # feeds that show headcounts put it in their version, so that a 304 reads no enrolment.
    headcount_version = models.PositiveIntegerField(
        _("headcount version"), default=0, db_default=0, editable=False
    )
    # When headcount_version was last bumped (same statement): headcount feeds' Last-Modified.
    headcount_changed_at = models.DateTimeField(
        _("headcount changed at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="programme_age_range_ordered",
                violation_error_message=_("The maximum age must not be below the minimum age."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="programme_capacity_positive",
                violation_error_message=_("The capacity must be at least one place."),
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalogue:programme", kwargs={"slug": self.slug})

    @property
    def is_whole_cycle(self) -> bool:
        return self.enrolment_mode == EnrolmentMode.WHOLE_CYCLE
