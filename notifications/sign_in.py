"""Letting families in: sign-in codes and invitations reach guardians through the service's own
channels (SMS_BACKEND, EMAIL_BACKEND).

Accounts, the lowest app, asks through its registries (accounts.contacts, accounts.invitations);
this module fills them from what the service knows of guardians, and holds the one write that
starts an invitation from a household's page.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import contacts
from accounts.invitations import InvitationSubject, SubjectDetails, register_invitation_subject
from accounts.services import invitation_create
from core.errors import DomainError
from households.models import Guardian
from households.selectors import guardians_with_phone
from households.services import guardian_link_account

from .models import Channel
from .sms import send_sms

GUARDIAN = "households.guardian"


class InvitationError(DomainError):
    """An invitation could not be sent."""


def _guardians_contacts(identifier: contacts.Identifier) -> list[contacts.Contact]:
    guardians = Guardian.objects.filter(user__isnull=False, user__is_active=True)
    if identifier.kind == contacts.PHONE:
        # Every account behind the number, however it was stored: two of them make the number
        # ambiguous, and a code must then go to nobody rather than open the wrong household.
        # A guardian who opted out of SMS still names the number's account.
        rows = guardians_with_phone(identifier.value, among=guardians)
        channel = contacts.SMS
    else:
        rows = list(guardians.filter(email__iexact=identifier.value))
        channel = contacts.EMAIL
    return [
        contacts.Contact(
            user_id=guardian.user_id,
            channel=channel,
            address=identifier.value if channel == contacts.SMS else guardian.email,
            language=guardian.language,
            reachable=not (
                guardian.opt_out_sms if channel == contacts.SMS else guardian.opt_out_email
            ),
        )
        for guardian in rows
        if guardian.user_id is not None
    ]


def _send_sms(*, address: str, subject: str, body: str, reference: str) -> None:
    send_sms(to=address, body=body, reference=reference)


def _send_email(*, address: str, subject: str, body: str, reference: str) -> None:
    EmailMessage(subject=subject, body=body, to=[address]).send()


def _describe_guardian(target_id: str) -> SubjectDetails | None:
    guardian = Guardian.objects.select_related("user").filter(pk=target_id).first()
    if guardian is None:
        return None
    return SubjectDetails(
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        email=guardian.email,
        account=guardian.user,
    )


def _attach_guardian(target_id: str, user) -> None:
    guardian = Guardian.objects.select_for_update().get(pk=target_id)
    guardian_link_account(guardian=guardian, user=user)


def register() -> None:
    contacts.register_contact_finder(_guardians_contacts)
    contacts.register_sender(contacts.SMS, _send_sms)
    contacts.register_sender(contacts.EMAIL, _send_email)
    register_invitation_subject(
        InvitationSubject(label=GUARDIAN, describe=_describe_guardian, attach=_attach_guardian)
    )


def invitation_channels(guardian: Guardian) -> list[str]:
    """The channels an invitation can go by to this guardian."""
    found = []
    if guardian.phone and not guardian.opt_out_sms:
        found.append(Channel.SMS)
    if guardian.email and not guardian.opt_out_email:
        found.append(Channel.EMAIL)
    return found


@transaction.atomic
def guardian_invite(*, guardian: Guardian, channel: str, invited_by) -> str:
    """Send the guardian a signed, single-use link to set up their access to their household.

    Returns the channel used. The link is sent at once (a person is waiting for it, often in
    front of the mediator); if the provider refuses it, nothing is recorded.
    """
    if channel not in invitation_channels(guardian):
        raise InvitationError(
            _("This guardian has no phone or e-mail address for this channel."),
            field="channel",
            status=422,
        )
    if guardian.user_id is not None and guardian.user.has_usable_password():
        raise InvitationError(
            _("This guardian already has an account with a password."), field="guardian", status=409
        )
    _invitation, token = invitation_create(
        target_type=GUARDIAN, target_id=guardian.pk, channel=channel, created_by=invited_by
    )
    link = settings.SITE_URL + reverse("accounts:claim", args=[token])
    with translation.override(guardian.language or settings.LANGUAGE_CODE):
        subject = _("Your access to the mediation service")
        body = _(
            "Hello %(name)s, the mediation service invites you to follow your family's "
            "enrolments online. Open this link within %(days)d days to set up your access: "
            "%(link)s"
        ) % {"name": guardian.first_name, "days": settings.INVITATION_DAYS, "link": link}
    contact = contacts.Contact(
        user_id=guardian.user_id or 0,
        channel=contacts.SMS if channel == Channel.SMS else contacts.EMAIL,
        address=guardian.phone if channel == Channel.SMS else guardian.email,
    )
    try:
        contacts.send_to(
            contact, subject=subject, body=body, reference=f"invitation-{_invitation.pk}"
        )
    except Exception as error:
        raise InvitationError(
            _("The invitation could not be sent. Try again in a few minutes."),
            field="channel",
            status=503,
        ) from error
    return channel
