"""Households: the people a family account or a mediator speaks for, and what they consented to."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No 0/O/1/I: a reference is read aloud on the phone and copied by hand.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_household_reference() -> str:
    return "F-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSPECIFIED = "unspecified", _("Not specified")


class ConsentKind(models.TextChoices):
    PARENTAL_AUTHORISATION = "parental_authorisation", _("Parental authorisation")
    IMAGE_RIGHTS = "image_rights", _("Image rights")
    PARTNER_SHARING = "partner_sharing", _("Sharing with partners")


class Household(models.Model):
    reference = models.CharField(
        _("reference"),
        max_length=16,
        unique=True,
        default=new_household_reference,
        help_text=_("A short label to name the household without its members' names."),
    )
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    in_qpv = models.BooleanField(
        _("in a QPV"),
        default=False,
        help_text=_("Whether the household lives in a priority neighbourhood of urban policy."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_households",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Retention counts from the household's last enrolment or change, not from its creation.
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.reference

    @property
    def display_name(self) -> str:
        """The household as people call it: its guardians' names (the reference when it has
        none left, e.g. once erased). Reads ``guardians``, prefetch it on lists."""
        names = [guardian.full_name for guardian in self.guardians.all()]
        if not names:
            return self.reference
        return (
            str(
                _("%(first)s and %(second)s")
                % {"first": ", ".join(names[:-1]), "second": names[-1]}
            )
            if len(names) > 1
            else names[0]
        )

    @property
    def masked_contact(self) -> str:
        """The household as shown to someone who typed its details but may not see it: the
        main guardian's first name, initial and the last two digits of their phone."""
        guardians = list(self.guardians.all())
        if not guardians:
            return self.reference
        main = guardians[0]
        initial = f" {main.last_name[:1]}." if main.last_name else ""
        phone = f" (…{main.phone[-2:]})" if main.phone else ""
        return f"{main.first_name}{initial}{phone}"


class Guardian(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("household")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=8, choices=Channel.choices, default=Channel.SMS
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.FRENCH
    )
    opt_out_sms = models.BooleanField(_("no SMS"), default=False)
    opt_out_email = models.BooleanField(_("no e-mail"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
        verbose_name=_("account"),
        help_text=_("Left empty when a mediator registers the family; linked when invited."),
    )
    is_primary = models.BooleanField(
        _("primary contact"),
        default=False,
        help_text=_("The guardian who receives the household's messages."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-is_primary", "last_name", "first_name"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_primary=True),
                name="guardian_one_primary_per_household",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Participant(models.Model):
    """A child, or an adult who takes part themselves (then usually also a guardian)."""

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("household"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNSPECIFIED)
    school = models.CharField(_("school"), max_length=200, blank=True)
    school_class = models.CharField(_("class"), max_length=40, blank=True)
    guardian_record = models.OneToOneField(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("same person as guardian"),
        help_text=_("For an adult who takes part: their own guardian record, to contact them."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Consent(models.Model):
    """One version of a consent as given; never edited: a new version supersedes it."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="consents", verbose_name=_("household")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("participant"),
        help_text=_("Empty for a consent of the whole household."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ConsentKind.choices)
    version = models.CharField(_("text version"), max_length=32)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    given_by = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("previous version"),
    )

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(
                    participant__isnull=True, withdrawn_at__isnull=True, superseded_at__isnull=True
                ),
                name="consent_one_current_per_household_kind",
            ),
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=Q(
                    participant__isnull=False, withdrawn_at__isnull=True, superseded_at__isnull=True
                ),
                name="consent_one_current_per_participant_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version} ({self.household})"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.superseded_at is None


class EmergencyContact(models.Model):
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="emergency_contacts",
        verbose_name=_("household"),
    )
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32)

    class Meta:
        ordering = ["name"]
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")

    def __str__(self) -> str:
        return self.name


class HealthNote(models.Model):
    """Sensitive: read only through enrolment.access.can_see_health_notes."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="health_notes",
        verbose_name=_("participant"),
    )
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("After this date the note is deleted: keep health data no longer than needed."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("health note")
        verbose_name_plural = _("health notes")

    def __str__(self) -> str:
        return str(_("Health note for %(participant)s") % {"participant": self.participant})
