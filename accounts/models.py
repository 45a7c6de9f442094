import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(raw_token: str) -> str:
    """Tokens are stored hashed so that a database leak does not reveal them."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token (``Authorization: Bearer …``) for partners and scripts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def generate(cls, *, user, name: str) -> tuple["ApiToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:8])
        return token, raw


class Profile(models.Model):
    """Per-account preferences that are not personal data of a household."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class AuditAction(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    CONSENT = "consent", _("Consent change")
    ERASE = "erase", _("Erasure")
    ANONYMISE = "anonymise", _("Automatic anonymisation")
    LOGIN = "login", _("Login")
    LOGIN_FAILURE = "login-failure", _("Login failure")
    LOCKOUT = "lockout", _("Lock-out")
    SIGN_IN_CODE_REQUEST = "code-request", _("Sign-in code requested")
    SIGN_IN_CODE_FAILURE = "code-failure", _("Sign-in code refused")
    INVITATION = "invitation", _("Invitation sent")
    INVITATION_CLAIM = "invitation-claim", _("Invitation claimed")


class AuditEvent(models.Model):
    """One access to or change of personal data: who, when, what, from where.

    Append-only: the admin offers no change or deletion, and a database trigger refuses UPDATE
    (and DELETE on PostgreSQL) whatever the code does. Summaries name objects by id, never by a
    person's name, so that erasing a household does not require rewriting its history.
    """

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No foreign-key constraint and no cascade: deleting an account must neither delete nor
    # rewrite what it did. The user name at the time is kept beside the id.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    # A list read in one request: the ids of every object shown (object_type names their kind).
    # Null rather than a default: adding the column must not rebuild the table on SQLite,
    # which would drop the append-only trigger.
    object_ids = models.JSONField(_("objects read"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        target = f"{self.object_type} #{self.object_id}" if self.object_id else self.object_type
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {target}"


class SignInCode(models.Model):
    """A request for a one-time sign-in code, kept whether or not an account was found.

    Rows for unknown identifiers (no ``user``, no code) count towards the rate limits like the
    others, so the answer and its timing do not tell whether an account exists. The code is
    stored as a keyed hash; the identifier too (it may be a phone number typed by anyone).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sign_in_codes",
        verbose_name=_("account"),
    )
    identifier_hash = models.CharField(_("identifier (hashed)"), max_length=64, db_index=True)
    code_hash = models.CharField(_("code (hashed)"), max_length=64, blank=True, editable=False)
    channel = models.CharField(_("sent by"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ip_address", "created_at"], name="sign_in_code_ip_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user or '-'}"


class Invitation(models.Model):
    """A signed, single-use link that lets a person known to the service set up their access.

    What the invitation is for is named by label and id (``households.guardian`` #12): the app
    that owns that record registers how to attach the new account (accounts.invitations).
    """

    target_type = models.CharField(_("for"), max_length=100)
    target_id = models.CharField(_("id"), max_length=64)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("sent by"), max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="invitation_target_idx")]

    def __str__(self) -> str:
        return f"{self.target_type} #{self.target_id} ({self.created_at:%Y-%m-%d})"
