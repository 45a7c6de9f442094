"""Signal receivers: they write outbox rows inside the sender's transaction.

Delivery itself is queued on commit (see delivery.messages_queue), so a rolled-back enrolment or
session change leaves no message behind and sends nothing.
"""

import logging

from django.conf import settings
from django.urls import reverse

from accounts.roles import is_staff_member
from attendance import signals as attendance_signals
from attendance.selectors import follow_up_contact
from enrolment import signals as enrolment_signals
from enrolment.models import EnrolmentStatus
from sessions import signals as session_signals

from . import services
from .models import MessageKind

logger = logging.getLogger(__name__)


def on_enrolment_placing(
    sender, participant, programme, session=None, **kwargs
) -> services.EnrolmentNotice:
    # Read before the target's row is locked, so that under the lock only the message's
    # insert is left.
    return services.enrolment_notice_prepare(
        participant=participant, programme=programme, session=session
    )


def on_enrolment_confirmed(sender, enrolment, changed_by=None, prepared=None, **kwargs) -> None:
    services.enrolment_notify(
        enrolment=enrolment,
        kind=MessageKind.ENROLMENT_CONFIRMED,
        notice=(prepared or {}).get(on_enrolment_placing),
    )


def on_enrolment_waitlisted(sender, enrolment, changed_by=None, prepared=None, **kwargs) -> None:
    services.enrolment_notify(
        enrolment=enrolment,
        kind=MessageKind.ENROLMENT_WAITLISTED,
        notice=(prepared or {}).get(on_enrolment_placing),
    )


def on_enrolment_promoted(sender, enrolment, changed_by=None, **kwargs) -> None:
    services.enrolment_notify(enrolment=enrolment, kind=MessageKind.ENROLMENT_PROMOTED)


def on_enrolment_cancelled(
    sender, enrolment, changed_by=None, previous_status=None, **kwargs
) -> None:
    # A declined referral was never a place the family held: nothing to tell.
    if previous_status == EnrolmentStatus.PROPOSED:
        return
    services.enrolment_notify(enrolment=enrolment, kind=MessageKind.ENROLMENT_CANCELLED)
    # A place the family gave up themselves: the mediators learn it from the family's act, not
    # by chance on the programme's page. Staff who cancel know already.
    if (
        previous_status == EnrolmentStatus.CONFIRMED
        and changed_by is not None
        and not is_staff_member(changed_by)
    ):
        services.family_left_notify(enrolment=enrolment, changed_by=changed_by)


def on_session_cancelled(sender, session, changed_by=None, **kwargs) -> None:
    services.session_notify_change(session=session, kind=MessageKind.SESSION_CANCELLED)


def on_session_moved(sender, session, previous=None, changed_by=None, **kwargs) -> None:
    services.session_notify_change(
        session=session, kind=MessageKind.SESSION_MOVED, previous=previous
    )


def on_follow_up_opened(sender, follow_up, changed_by=None, **kwargs) -> None:
    if follow_up.mediator is None:
        logger.warning("Follow-up %s has no mediator to tell", follow_up.pk)
        return
    sessions = list(follow_up.sessions.order_by("starts_at"))
    contact = follow_up_contact(follow_up)
    services.follow_up_notify(
        key=f"follow-up:{follow_up.pk}:opened",
        mediator_user=follow_up.mediator.user,
        participant_name=follow_up.participant.full_name,
        programme=follow_up.programme,
        absences=len(sessions),
        session_dates=[session.starts_at for session in sessions],
        guardian=contact.name if contact else "",
        guardian_phone=contact.phone if contact else "",
        guardian_email=contact.email if contact else "",
        url=f"{settings.SITE_URL}{reverse('attendance:follow-ups')}",
    )


def on_child_left_with_unlisted_person(sender, check_out, recorded_by=None, **kwargs) -> None:
    services.check_out_unlisted_notify(check_out=check_out, recorded_by=recorded_by)


def connect() -> None:
    """Connect the receivers of lower apps' signals (called once from AppConfig.ready)."""
    pairs = [
        (enrolment_signals.enrolment_placing, on_enrolment_placing),
        (enrolment_signals.enrolment_confirmed, on_enrolment_confirmed),
        (enrolment_signals.enrolment_waitlisted, on_enrolment_waitlisted),
        (enrolment_signals.enrolment_promoted, on_enrolment_promoted),
        (enrolment_signals.enrolment_cancelled, on_enrolment_cancelled),
        (session_signals.session_cancelled, on_session_cancelled),
        (session_signals.session_moved, on_session_moved),
        (attendance_signals.follow_up_opened, on_follow_up_opened),
        (attendance_signals.child_left_with_unlisted_person, on_child_left_with_unlisted_person),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")


def sweep_at_worker_start(sender=None, **kwargs) -> None:
    """Beat fires an interval entry only after its first interval: sweep once at start-up."""
    from kombu.exceptions import OperationalError

    from .tasks import sweep

    try:
        sweep.delay()
    except OperationalError:
        logger.warning("Broker unreachable at worker start: the first beat sweep will run")


def outbox_health():
    """/health: a channel whose oldest due message waited longer than
    NOTIFICATIONS_HEALTH_MAX_WAIT is down (a hung provider, stalled workers)."""
    from core.health import Check

    from .selectors import outbox_backlog

    return [
        Check(
            name=backlog.channel,
            ok=not backlog.late,
            figures={
                "due": backlog.due,
                "oldest_wait_seconds": int(backlog.oldest_wait.total_seconds()),
            },
        )
        for backlog in outbox_backlog()
    ]
