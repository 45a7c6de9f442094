"""Writes on accounts: personal API tokens, the remembered language, family accounts, sign-in
codes and invitations."""

import datetime
import logging
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.errors import DomainError

from . import contacts
from .audit import AuditAction, audit_record
from .invitations import SubjectDetails, invitation_subject
from .models import ApiToken, Invitation, Profile, SignInCode, hash_token
from .roles import Role

logger = logging.getLogger(__name__)


class AccountError(DomainError):
    """A rule on accounts was broken."""


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its raw value, which is stored nowhere: show it once."""
    name = name.strip()
    if not name:
        raise AccountError(
            _("Give the token a name, e.g. the script that will use it."), field="name"
        )
    max_length = ApiToken._meta.get_field("name").max_length
    if max_length is not None and len(name) > max_length:
        raise AccountError(
            _("The name is too long (%(max)d characters at most).") % {"max": max_length},
            field="name",
        )
    return ApiToken.generate(user=user, name=name)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; another person's token is not found."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    if token.revoked_at is not None:
        raise AccountError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def profile_language_set(*, user: User, language: str) -> Profile:
    """Remember the language a person chose, for their pages and their messages."""
    if language not in dict(settings.LANGUAGES):
        raise AccountError(_("This language is not available."), field="language")
    profile, _created = Profile.objects.get_or_create(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
    return profile


def profile_language(*, user: User) -> str | None:
    """The language remembered for the account, if any."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first()


def account_anonymise(*, user) -> None:
    """A guardian's account after erasure: no name, no address, no password, no role, no token."""
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(
        update_fields=["username", "first_name", "last_name", "email", "is_active", "password"]
    )
    user.groups.clear()
    ApiToken.objects.filter(user=user).delete()


# Family accounts -------------------------------------------------------------------------------


def _free_username(wanted: str) -> str:
    users = User.objects
    base = (wanted or "").strip().lower()[:140] or f"famille-{secrets.token_hex(4)}"
    candidate = base
    while users.filter(username__iexact=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


@transaction.atomic
def family_account_create(
    *, first_name: str, last_name: str, email: str = "", password: str | None = None
) -> User:
    """An account with the family role; without a password it signs in with codes only."""
    email = email.strip().lower()
    if email and contacts.user_ids_for(contacts.Identifier(contacts.EMAIL, email)):
        raise AccountError(
            _("An account already uses this e-mail address: sign in, or ask for a code."),
            field="email",
            status=409,
        )
    user = User(
        username=_free_username(email),
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
        email=email,
    )
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise AccountError(" ".join(error.messages), field="password") from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    group, _created = Group.objects.get_or_create(name=Role.FAMILY)
    user.groups.add(group)
    return user


def family_sign_up(
    *, first_name: str, last_name: str, email: str, password: str | None = None
) -> User:
    """The sign-up page's account. An address that an account already uses gets the same
    answer as a new one, so that the page does not tell strangers who has an account: the
    address's owner is told by e-mail (with the links to sign in or reset the password), and
    the new account opens without the address, which stays the existing account's sign-in."""
    email = email.strip().lower()
    known = contacts.contact_for(contacts.Identifier(contacts.EMAIL, email)) if email else None
    taken = bool(email) and bool(contacts.user_ids_for(contacts.Identifier(contacts.EMAIL, email)))
    user = family_account_create(
        first_name=first_name, last_name=last_name, email="" if taken else email, password=password
    )
    if known is not None:
        _tell_sign_up_attempt(known)
    return user


def _tell_sign_up_attempt(contact: contacts.Contact) -> None:
    site = settings.SITE_URL
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        subject = _("Someone tried to open an account with your address")
        body = _(
            "Someone tried to open an account on %(service)s with this e-mail address, which "
            "already has one. If it was you, sign in: %(login)s (or with a code: %(code)s). "
            "Forgotten password: %(reset)s. If it was not you, ignore this message: nothing "
            "changes on your account."
        ) % {
            "service": _("Mediation workshops"),
            "login": site + reverse("login"),
            "code": site + reverse("accounts:code-request"),
            "reset": site + reverse("password_reset"),
        }
    try:
        contacts.send_to(contact, subject=subject, body=body, reference="sign-up-attempt")
    except Exception:
        logger.exception("The notice of a sign-up attempt could not be sent")


# Sign-in codes ---------------------------------------------------------------------------------


SIGN_IN_CODE_KEPT = datetime.timedelta(days=1)


class SignInCodeError(AccountError):
    """A sign-in code could not be sent or was not accepted."""


def _identifier_hash(identifier: contacts.Identifier) -> str:
    return salted_hmac(
        "accounts.sign-in-code.identifier",
        f"{identifier.kind}:{identifier.value}",
        algorithm="sha256",
    ).hexdigest()


def _code_hash(identifier_hash: str, code: str) -> str:
    return salted_hmac(
        "accounts.sign-in-code", f"{identifier_hash}:{code}", algorithm="sha256"
    ).hexdigest()


def _parse_identifier(raw: str) -> contacts.Identifier:
    identifier = contacts.identifier_parse(raw)
    if identifier is None:
        raise SignInCodeError(
            _("Enter an e-mail address or a mobile phone number, e.g. 06 12 34 56 78."),
            field="identifier",
        )
    return identifier


def sign_in_code_invalid_message() -> str:
    return _("This code is not right or is no longer valid. Check it, or ask for a new one.")


def sign_in_code_request(
    *, identifier: str, ip_address: str | None, request: HttpRequest | None = None
) -> contacts.Identifier:
    """Send a 6-digit code to the account the identifier names, if there is one.

    The answer is the same whether or not an account was found: the caller says "if an account
    uses this address, a code was sent". Requests are counted per identifier and per address,
    found or not, so the limits do not tell either. The one exception is an identifier behind
    several accounts: nothing is sent, and the person is told to call the service (a code that
    never comes would leave two families locked out without a word); that reveals only that
    the identifier is shared, after the same limits.
    """
    parsed = _parse_identifier(identifier)
    identifier_hash = _identifier_hash(parsed)
    now = timezone.now()
    window = now - datetime.timedelta(hours=1)
    recent = SignInCode.objects.filter(created_at__gte=window)
    too_many = recent.filter(identifier_hash=identifier_hash).count() >= (
        settings.SIGN_IN_CODE_PER_IDENTIFIER_PER_HOUR
    ) or (
        ip_address is not None
        and recent.filter(ip_address=ip_address).count() >= settings.SIGN_IN_CODE_PER_IP_PER_HOUR
    )
    if too_many:
        audit_record(
            action=AuditAction.SIGN_IN_CODE_FAILURE,
            actor=None,
            request=request,
            object_type="auth.user",
            summary="code request refused: too many requests",
        )
        raise SignInCodeError(
            _("Too many codes were asked for. Wait an hour and try again, or call the service."),
            field="identifier",
            status=429,
        )
    try:
        contact = contacts.contact_for(parsed, ambiguous_raises=True)
    except contacts.AmbiguousIdentifier as ambiguous:
        _refuse_ambiguous(parsed, identifier_hash=identifier_hash, ip_address=ip_address, now=now)
        audit_record(
            action=AuditAction.SIGN_IN_CODE_FAILURE,
            actor=None,
            request=request,
            object_type="auth.user",
            summary="code request refused: several accounts use this identifier",
        )
        raise SignInCodeError(
            ambiguous_identifier_message(parsed), field="identifier", status=409
        ) from ambiguous
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        # Rows serve the rate limits (one hour) and the tries; after a day they are only a trace
        # of who asked from where, which the audit trail keeps already.
        SignInCode.objects.filter(created_at__lt=now - SIGN_IN_CODE_KEPT).delete()
        # One live code per identifier: asking again retires the previous one.
        SignInCode.objects.filter(
            identifier_hash=identifier_hash, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        row = SignInCode.objects.create(
            user_id=contact.user_id if contact else None,
            identifier_hash=identifier_hash,
            code_hash=_code_hash(identifier_hash, code) if contact else "",
            channel=contact.channel if contact else "",
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.SIGN_IN_CODE_MINUTES),
            ip_address=ip_address,
        )
    summary = f"code sent by {contact.channel}" if contact else "no account for this identifier"
    if contact is not None:
        try:
            _send_code(contact, code=code, reference=f"sign-in-code-{row.pk}")
        except Exception:
            logger.exception("Sign-in code %s could not be sent", row.pk)
            summary = f"code could not be sent by {contact.channel}"
    audit_record(
        action=AuditAction.SIGN_IN_CODE_REQUEST,
        actor=None,
        request=request,
        object_type="auth.user",
        object_id=contact.user_id if contact else "",
        summary=summary,
    )
    return parsed


def ambiguous_identifier_message(identifier: contacts.Identifier) -> str:
    params = {"phone": settings.SERVICE_CONTACT["phone"]}
    if identifier.kind == contacts.PHONE:
        return (
            _(
                "No code was sent: this number is recorded for more than one family, so it cannot "
                "tell which account to open. Call the service on %(phone)s: it will put your "
                "details right."
            )
            % params
        )
    return (
        _(
            "No code was sent: this address is recorded for more than one account, so it cannot "
            "tell which account to open. Call the service on %(phone)s: it will put your details "
            "right."
        )
        % params
    )


def _refuse_ambiguous(
    identifier: contacts.Identifier,
    *,
    identifier_hash: str,
    ip_address: str | None,
    now: datetime.datetime,
) -> None:
    """Count the request like any other (the limits must not tell this case apart either):
    a row with no code and no account."""
    SignInCode.objects.create(
        user_id=None,
        identifier_hash=identifier_hash,
        code_hash="",
        channel="",
        created_at=now,
        expires_at=now,
        ip_address=ip_address,
    )


def _send_code(contact: contacts.Contact, *, code: str, reference: str) -> None:
    language = contact.language or settings.LANGUAGE_CODE
    with translation.override(language):
        minutes = settings.SIGN_IN_CODE_MINUTES
        subject = _("Your sign-in code: %(code)s") % {"code": code}
        body = _(
            "%(code)s is your code to sign in to %(site)s. It is valid for %(minutes)d minutes "
            "and works once. If you did not ask for it, ignore this message."
        ) % {"code": code, "site": _("Mediation workshops"), "minutes": minutes}
    contacts.send_to(contact, subject=subject, body=body, reference=reference)


def sign_in_code_verify(*, identifier: str, code: str, request: HttpRequest | None = None) -> User:
    """The account the code opens. The code works once, for SIGN_IN_CODE_MINUTES, and at most
    SIGN_IN_CODE_MAX_ATTEMPTS wrong codes are accepted against it before it is dead."""
    parsed = _parse_identifier(identifier)
    identifier_hash = _identifier_hash(parsed)
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        raise SignInCodeError(_("Enter the 6 digits of the code."), field="code")
    now = timezone.now()
    row = (
        SignInCode.objects.filter(
            identifier_hash=identifier_hash,
            user__isnull=False,
            used_at__isnull=True,
            expires_at__gt=now,
        )
        .select_related("user")
        .order_by("-created_at", "-id")
        .first()
    )

    def refuse(reason: str, message: str, status: int = 400) -> SignInCodeError:
        audit_record(
            action=AuditAction.SIGN_IN_CODE_FAILURE,
            actor=None,
            request=request,
            object_type="auth.user",
            object_id=row.user_id if row is not None else "",
            summary=reason,
        )
        return SignInCodeError(message, field="code", status=status)

    if row is None:
        raise refuse("no valid code", sign_in_code_invalid_message())
    if row.failed_attempts >= settings.SIGN_IN_CODE_MAX_ATTEMPTS:
        raise refuse(
            "too many wrong codes",
            _("Too many wrong codes were entered. Ask for a new code."),
            status=429,
        )
    if not constant_time_compare(_code_hash(identifier_hash, code), row.code_hash):
        SignInCode.objects.filter(pk=row.pk).update(failed_attempts=F("failed_attempts") + 1)
        raise refuse("wrong code", sign_in_code_invalid_message())
    # Single use even when two requests carry the code at the same moment: one UPDATE wins.
    won = SignInCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
    if not won or row.user is None or not row.user.is_active:
        raise refuse("code already used", sign_in_code_invalid_message())
    return row.user


# Invitations -----------------------------------------------------------------------------------

INVITATION_SALT = "accounts.invitation"


def invitation_create(
    *, target_type: str, target_id: str | int, channel: str, created_by: User | None
) -> tuple[Invitation, str]:
    """A new invitation and its token (signed; stored only hashed). Earlier unused invitations
    for the same subject stop working: only the latest link is valid."""
    now = timezone.now()
    nonce = secrets.token_urlsafe(24)
    with transaction.atomic():
        Invitation.objects.filter(
            target_type=target_type, target_id=str(target_id), used_at__isnull=True
        ).update(expires_at=now)
        invitation = Invitation.objects.create(
            target_type=target_type,
            target_id=str(target_id),
            token_hash=hash_token(nonce),
            channel=channel,
            created_by=created_by,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
        )
        audit_record(
            action=AuditAction.INVITATION,
            actor=created_by,
            object_type=target_type,
            object_id=target_id,
            summary=f"invitation {invitation.pk} sent by {channel}",
        )
    token = signing.dumps([invitation.pk, nonce], salt=INVITATION_SALT)
    return invitation, token


def _invitation_refused() -> AccountError:
    return AccountError(
        _(
            "This invitation link is not valid any more: it was used already, replaced by a "
            "newer one, or is too old. Ask the service for a new one."
        ),
        field="token",
        status=404,
    )


def invitation_for_token(*, token: str, lock: bool = False) -> Invitation:
    try:
        pk, nonce = signing.loads(
            token, salt=INVITATION_SALT, max_age=datetime.timedelta(days=settings.INVITATION_DAYS)
        )
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise _invitation_refused() from exc
    rows = Invitation.objects.select_for_update() if lock else Invitation.objects.all()
    invitation = rows.filter(pk=pk).first()
    if (
        invitation is None
        or not constant_time_compare(invitation.token_hash, hash_token(str(nonce)))
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
        or invitation_subject(invitation.target_type) is None
    ):
        raise _invitation_refused()
    return invitation


def invitation_details(*, invitation: Invitation) -> SubjectDetails:
    subject = invitation_subject(invitation.target_type)
    details = subject.describe(invitation.target_id) if subject else None
    if details is None:
        raise _invitation_refused()
    return details


@transaction.atomic
def invitation_claim(*, token: str, password: str = "") -> User:
    """Set up the invited person's access, attached to the record they were invited for.

    An account already attached to it is reused (the link then also signs them in); otherwise
    a family account is created. No password means signing in with codes.
    """
    invitation = invitation_for_token(token=token, lock=True)
    subject = invitation_subject(invitation.target_type)
    details = invitation_details(invitation=invitation)
    assert subject is not None
    user = details.account
    if user is None:
        email = details.email
        if email and contacts.user_ids_for(contacts.Identifier(contacts.EMAIL, email.lower())):
            # Another account uses the address: the new one keeps none of its own.
            email = ""
        user = family_account_create(
            first_name=details.first_name, last_name=details.last_name, email=email
        )
        subject.attach(invitation.target_id, user)
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise AccountError(" ".join(error.messages), field="password") from error
        user.set_password(password)
        user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    audit_record(
        action=AuditAction.INVITATION_CLAIM,
        actor=user,
        object_type=invitation.target_type,
        object_id=invitation.target_id,
        summary=f"invitation {invitation.pk} claimed"
        + (" with a password" if password else " for code sign-in"),
    )
    return user
