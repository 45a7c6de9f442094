"""How a person is found from what they type to sign in ("e-mail or phone"), and how a message
reaches them there.

Accounts know only the e-mail of ``User``. Apps that hold other contacts of an account (a
guardian's phone) register a finder; the app that owns the channels registers the senders.
Nothing here imports a higher app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from core.phones import phone_to_e164

EMAIL = "email"
PHONE = "phone"
SMS = "sms"


@dataclass(frozen=True)
class Contact:
    """Where one account can be reached: ``channel`` is "email" or "sms"."""

    user_id: int
    channel: str
    address: str
    language: str = ""
    # False when the person asked for nothing by this channel: the account is still theirs.
    reachable: bool = True


@dataclass(frozen=True)
class Identifier:
    """What a person typed, normalised: ("email", "nadia@example.org") or ("phone", "+336…")."""

    kind: str
    value: str


ContactFinder = Callable[[Identifier], Iterable[Contact]]
Sender = Callable[..., None]

_finders: list[ContactFinder] = []
_senders: dict[str, Sender] = {}


def register_contact_finder(finder: ContactFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def register_sender(channel: str, sender: Sender) -> None:
    """``sender(address=…, subject=…, body=…, reference=…)``; raises on a failed delivery."""
    _senders[channel] = sender


def identifier_parse(raw: str) -> Identifier | None:
    """An e-mail address (lower-cased) or a phone number as typed (E.164); None otherwise."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 254:
        return None
    if "@" in raw:
        local, _at, domain = raw.rpartition("@")
        if not local or "." not in domain or any(c.isspace() for c in raw):
            return None
        return Identifier(EMAIL, raw.lower())
    try:
        phone = phone_to_e164(raw)
    except ValueError:
        return None
    return Identifier(PHONE, phone)


def _account_emails(identifier: Identifier) -> Iterable[Contact]:
    if identifier.kind != EMAIL:
        return []
    users = get_user_model().objects.filter(email__iexact=identifier.value, is_active=True)
    return [Contact(user.pk, EMAIL, user.email) for user in users.only("pk", "email")]


def contacts_of(identifier: Identifier) -> list[Contact]:
    found: list[Contact] = []
    for finder in [_account_emails, *_finders]:
        found.extend(finder(identifier))
    return found


class AmbiguousIdentifier(Exception):
    """More than one active account stands behind one address or number."""


def contact_for(identifier: Identifier, *, ambiguous_raises: bool = False) -> Contact | None:
    """The one active account the identifier names, and how to reach it there.

    Two accounts behind one address or number name nobody: a code must not go to the wrong
    person's account. With ``ambiguous_raises`` that case raises AmbiguousIdentifier, so that
    the person can be told to call the service rather than wait for a code.
    """
    contacts = contacts_of(identifier)
    user_ids = {contact.user_id for contact in contacts}
    active = set(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", flat=True)
    )
    if len(active) > 1 and ambiguous_raises:
        raise AmbiguousIdentifier(identifier.kind)
    contacts = [c for c in contacts if c.user_id in active and c.reachable]
    if len(active) != 1 or not contacts:
        return None
    # A finder that knows the person's language comes after the plain account e-mail.
    with_language = [contact for contact in contacts if contact.language]
    return (with_language or contacts)[0]


def user_ids_for(identifier: Identifier) -> set[int]:
    return {contact.user_id for contact in contacts_of(identifier)}


def _send_email(*, address: str, subject: str, body: str, reference: str) -> None:
    send_mail(subject, body, None, [address])


def send_to(contact: Contact, *, subject: str, body: str, reference: str) -> None:
    """Deliver one message now, through the sender registered for its channel."""
    sender = _senders.get(contact.channel)
    if sender is None and contact.channel == EMAIL:
        sender = _send_email
    if sender is None:
        raise LookupError(f"no sender for {contact.channel}")
    sender(address=contact.address, subject=subject, body=body, reference=reference)
