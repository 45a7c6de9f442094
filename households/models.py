"""Households: the people a family account or a mediator speaks for, what they consented to,
and the safety sheet of each participant ("fiche sanitaire de liaison"), one row per version.

A sheet version is never edited: filling the sheet again writes a new version and marks the
previous one superseded, so the service can say what it knew on a given day and who told it.
Health details and the people who may collect the child are special-category or sensitive data:
they are encrypted at rest (core.encryption) and read only through households.access.

These models were created by the enrolment app and keep its tables (``db_table``): moving them
here changed no row (households 0001 and enrolment 0009).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.encryption import EncryptedJSONBlobField

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


class ConsentAnswer(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")


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
        db_table = "enrolment_household"
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
        db_table = "enrolment_guardian"
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
        db_table = "enrolment_participant"
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
    # A refusal is recorded like a consent (who, when, which text): "asked and refused" is not
    # "never asked".
    answer = models.CharField(
        _("answer"), max_length=16, choices=ConsentAnswer.choices, default=ConsentAnswer.GIVEN
    )
    version = models.CharField(_("text version"), max_length=32)
    given_at = models.DateTimeField(_("answered at"), default=timezone.now)
    given_by = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
        help_text=_("The guardian who answered, online or to a mediator."),
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
        db_table = "enrolment_consent"
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

    @property
    def is_given(self) -> bool:
        return self.is_current and self.answer == ConsentAnswer.GIVEN


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
        db_table = "enrolment_emergencycontact"
        ordering = ["name"]
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")

    def __str__(self) -> str:
        return self.name


class HealthNote(models.Model):
    """Sensitive: read only through households.access.can_see_health_notes."""

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
        db_table = "enrolment_healthnote"
        ordering = ["-created_at"]
        verbose_name = _("health note")
        verbose_name_plural = _("health notes")

    def __str__(self) -> str:
        return str(_("Health note for %(participant)s") % {"participant": self.participant})


class FilledAs(models.TextChoices):
    GUARDIAN = "guardian", _("The guardian, online")
    MEDIATOR = "mediator", _("A mediator, with the family")


class PaiDocument(models.Model):
    """The individual care plan (PAI) a guardian attaches to a safety sheet, as a file kept in
    the database, encrypted with the health details' keys (core.encryption): it has no public
    URL, and households.views serves it to those who may read the sheet. Sheet versions share it
    until a new file replaces it."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="pai_documents",
        verbose_name=_("participant"),
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    # A Fernet token of the file's bytes.
    content = models.TextField(_("encrypted content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["participant", "-uploaded_at"]
        verbose_name = _("PAI document")
        verbose_name_plural = _("PAI documents")

    def __str__(self) -> str:
        return f"PAI #{self.pk}"


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
    pai_document = models.ForeignKey(
        PaiDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("PAI document"),
    )

    class Meta:
        db_table = "enrolment_safetysheet"
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
