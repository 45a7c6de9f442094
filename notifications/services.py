"""Writes of the notifications app: what to tell whom, as outbox rows, and staff's actions.

Receivers of the enrolment and sessions signals call these inside the sender's transaction, so a
message exists if and only if its cause was committed; delivery is queued after the commit.
"""

import datetime
import functools
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.errors import DomainError
from core.menu import entry_url
from core.time import local_midnight
from enrolment.models import Enrolment, EnrolmentStatus
from households.selectors import (
    Contact,
    contacts_of_participants,
    enrolment_contact,
    with_contacts,
)
from programmes.models import EnrolmentMode, Programme
from sessions.hooks import seats_taken
from sessions.models import Session, SessionStatus

from . import submissions, timing
from .delivery import dispatch_on_commit, messages_queue
from .models import Channel, Message, MessageKind, MessageState
from .rendering import to_context_value

logger = logging.getLogger(__name__)


class NotificationError(DomainError):
    """A rule on messages was broken."""


# --- Recipients and rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    channel: str | None  # None: nobody to send to (no contact, or opted out of every channel)
    address: str
    language: str
    name: str


def recipient_from_contact(contact: Contact | None) -> Recipient:
    if contact is None:
        return Recipient(None, "", settings.LANGUAGE_CODE, "")
    channel = contact.reachable_channel
    addresses: dict[str | None, str] = {Channel.SMS: contact.phone, Channel.EMAIL: contact.email}
    address = addresses.get(channel, "")
    return Recipient(channel, address, contact.language or settings.LANGUAGE_CODE, contact.name)


def _unreachable_reason(recipient: Recipient) -> str:
    if not recipient.name:
        return _("Nobody to contact in this household.")
    return _("The guardian opted out of every channel they can be reached by.")


def build_message(
    *,
    key: str,
    kind: str,
    recipient: Recipient,
    context: dict,
    due_at: datetime.datetime | None = None,
    **links,
) -> Message:
    """An unsaved outbox row; a recipient who cannot be reached gives a cancelled row, so that
    staff see why nothing went and nobody writes it again."""
    message = Message(
        key=key,
        kind=kind,
        channel=recipient.channel or Channel.SMS,
        address=recipient.address,
        language=recipient.language,
        recipient_name=recipient.name,
        context=to_context_value(context),
        due_at=due_at or timezone.now(),
        **links,
    )
    if recipient.channel is None:
        message.state = MessageState.CANCELLED
        message.cancel_reason = _unreachable_reason(recipient)
    return message


def _session_context(session: Session, participant_names: Iterable[str] = ()) -> dict:
    return {
        "programme": session.programme.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue": session.venue.name,
        "address": session.venue.address,
        "what_to_bring": session.programme.what_to_bring,
        "session_url": f"{settings.SITE_URL}{session.get_absolute_url()}",
        "participants": list(participant_names),
    }


# --- Enrolment events ------------------------------------------------------------------------

_ENROLMENT_EVENTS: dict[str, tuple[str, str]] = {
    MessageKind.ENROLMENT_CONFIRMED: ("confirmed", "confirmed_at"),
    MessageKind.ENROLMENT_WAITLISTED: ("waitlisted", "created_at"),
    MessageKind.ENROLMENT_PROMOTED: ("promoted", "promoted_at"),
    MessageKind.ENROLMENT_CANCELLED: ("cancelled", "cancelled_at"),
}


def _first_coming_session(enrolment: Enrolment) -> Session | None:
    if enrolment.session_id is not None:
        return Session.objects.select_related("programme", "venue").get(pk=enrolment.session_id)
    return (
        Session.objects.select_related("programme", "venue")
        .filter(programme_id=enrolment.programme_id, starts_at__gt=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )


@dataclass(frozen=True)
class EnrolmentNotice:
    """What the message about a new enrolment needs whatever place it gets, read before the
    target's row is locked: whom to tell, the session to name, the sessions whose reminders
    may already be due, and whether the guardian has an e-mail address (a reminder that no
    SMS can bring before the session goes by e-mail then)."""

    recipient: Recipient
    session: Session | None
    reminder_sessions: list[Session]
    can_email: bool = False


def _reminder_horizon(programme: Programme, now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(
        days=max(
            [
                offset.approximate.days + 1
                for offset in timing.programme_offsets(programme.reminder_offsets)
            ]
            or [0]
        )
    )


def enrolment_notice_prepare(
    *, participant, programme: Programme, session: Session | None
) -> EnrolmentNotice:
    """Read what enrolment_notify() needs for a new enrolment, outside the target's lock."""
    # The participant was just read (and locked) by the service: one query for the guardians.
    contact = contacts_of_participants(
        [(participant.pk, participant.household_id, participant.guardian_record_id)]
    ).get(participant.pk)
    recipient = recipient_from_contact(contact)
    can_email = contact is not None and contact.can_email
    probe = Enrolment(participant=participant, programme=programme, session=session)
    if session is not None:
        first = _first_coming_session(probe)
        return EnrolmentNotice(
            recipient=recipient,
            session=first,
            reminder_sessions=[first] if first else [],
            can_email=can_email,
        )
    now = timezone.now()
    horizon = _reminder_horizon(programme, now)
    coming = Session.objects.filter(programme_id=programme.pk, starts_at__gt=now).exclude(
        status=SessionStatus.CANCELLED
    )
    # In one query: the sessions whose reminders may be due, and the first coming one (which
    # the message names) even when it is further away.
    rows = list(
        coming.filter(
            Q(starts_at__lte=horizon)
            | Q(pk=Subquery(coming.order_by("starts_at", "pk").values("pk")[:1]))
        )
        .select_related("programme", "venue")
        .order_by("starts_at", "pk")
    )
    return EnrolmentNotice(
        recipient=recipient,
        session=rows[0] if rows else None,
        reminder_sessions=[row for row in rows if row.starts_at <= horizon],
        can_email=can_email,
    )


def enrolment_notify(
    *, enrolment: Enrolment, kind: str, reason: str = "", notice: EnrolmentNotice | None = None
) -> Message | None:
    """Tell the participant's contact about an enrolment event, in the caller's transaction.

    With a ``notice`` prepared before the target's lock, the enrolment is taken as given (just
    saved) and the only query is the insert of the message; without one, everything is read.
    """
    event, moment_field = _ENROLMENT_EVENTS[kind]
    if notice is None:
        enrolment = with_contacts(Enrolment.objects.select_related("programme", "participant")).get(
            pk=enrolment.pk
        )
        recipient = recipient_from_contact(enrolment_contact(enrolment))
        session = (
            _first_coming_session(enrolment)
            if kind != MessageKind.ENROLMENT_CANCELLED
            else enrolment.session
        )
    else:
        recipient, session = notice.recipient, notice.session
    moment = getattr(enrolment, moment_field) or enrolment.created_at
    context: dict[str, Any] = {
        "participant": enrolment.participant.first_name,
        "programme": enrolment.programme.title,
        "reason": reason,
        "position": enrolment.waitlist_position,
    }
    if session is not None and kind != MessageKind.ENROLMENT_CANCELLED:
        context |= _session_context(session)
        context["participants"] = [enrolment.participant.first_name]
    # Several dates booked in one submission: one message lists every answer.
    submission = (
        (recipient.channel, recipient.address, enrolment.programme_id, enrolment.participant_id)
        if notice is not None and enrolment.session_id is not None
        else None
    )
    answer = submissions.answer_of(enrolment) if submission else {}
    if submission and submissions.submission_add(key=submission, answer=answer):
        message = None
    else:
        message = build_message(
            key=f"enrolment:{enrolment.pk}:{event}:{int(moment.timestamp())}",
            kind=kind,
            recipient=recipient,
            context=context,
            programme_id=enrolment.programme_id,
            session_id=enrolment.session_id,
            enrolment=enrolment,
            participant_id=enrolment.participant_id,
            household_id=enrolment.participant.household_id,
        )
        # A prepared notice is for an enrolment inserted in this transaction: its key is new.
        messages_queue([message], new_keys=notice is not None)
        if submission:
            submissions.submission_hold(key=submission, message=message, answer=answer)
    if kind in (MessageKind.ENROLMENT_CONFIRMED, MessageKind.ENROLMENT_PROMOTED):
        _skip_reminders_already_due(
            enrolments=[enrolment],
            sessions=notice.reminder_sessions if notice is not None else None,
            recipient=notice.recipient if notice is not None else None,
            can_email=notice.can_email if notice is not None else None,
            reason=_(
                "The enrolment message, sent when these reminders were already due, says it all."
            ),
        )
    if kind == MessageKind.ENROLMENT_CANCELLED:
        _cancel_pending_reminders(
            Q(participant_id=enrolment.participant_id, programme_id=enrolment.programme_id)
            & (Q(session_id=enrolment.session_id) if enrolment.session_id else Q()),
            reason=_("The enrolment was cancelled."),
        )
    return message


# --- Session events --------------------------------------------------------------------------


def _confirmed_for_session(session: Session) -> QuerySet[Enrolment]:
    return with_contacts(
        Enrolment.objects.filter(
            status=EnrolmentStatus.CONFIRMED, programme_id=session.programme_id
        )
        .filter(Q(session_id=session.pk) | Q(session__isnull=True))
        .select_related("participant")
        .order_by("pk")
    )


def _cancel_pending_reminders(condition: Q, *, reason: str) -> int:
    return Message.objects.filter(
        condition, kind=MessageKind.REMINDER, state=MessageState.PENDING
    ).update(state=MessageState.CANCELLED, cancel_reason=reason[:200])


def session_notify_change(*, session: Session, kind: str, previous: dict | None = None) -> int:
    """Tell everyone enrolled that a session is cancelled or moved (one message per contact,
    naming each of their participants); pending reminders for the old time are cancelled."""
    session = Session.objects.select_related("programme", "venue").get(pk=session.pk)
    _cancel_pending_reminders(
        Q(session_id=session.pk),
        reason=(
            _("The session was cancelled.")
            if kind == MessageKind.SESSION_CANCELLED
            else _("The session was moved; reminders follow the new time.")
        ),
    )
    enrolments = list(_confirmed_for_session(session))
    by_contact: dict[tuple, list[Enrolment]] = defaultdict(list)
    contacts: dict[tuple, Recipient] = {}
    for enrolment in enrolments:
        contact = enrolment_contact(enrolment)
        group = (contact.guardian_id if contact else f"p{enrolment.participant_id}",)
        by_contact[group].append(enrolment)
        contacts[group] = recipient_from_contact(contact)
    event = "cancelled" if kind == MessageKind.SESSION_CANCELLED else "moved"
    messages = []
    for group, members in by_contact.items():
        context = _session_context(session, [member.participant.first_name for member in members])
        # Words for the code are chosen when the message is written, in its language.
        context["reason"] = session.status_reason
        context["reason_code"] = session.status_reason_code
        if previous:
            context["previous_starts_at"] = previous.get("starts_at")
        told = _replace_unsent_about_session(
            session=session,
            household_id=members[0].participant.household_id,
            kind=kind,
            context=context,
        )
        if told:
            continue
        messages.append(
            build_message(
                key=f"session:{session.pk}:{event}:r{session.revision}:{group[0]}",
                kind=kind,
                recipient=contacts[group],
                context=context,
                programme_id=session.programme_id,
                session_id=session.pk,
                household_id=members[0].participant.household_id,
                participant_id=members[0].participant_id if len(members) == 1 else None,
            )
        )
    messages_queue(messages)
    if kind == MessageKind.SESSION_MOVED:
        _skip_reminders_already_due(
            enrolments=enrolments,
            sessions=[session],
            reason=_(
                "The message about the move, sent when these reminders were already due, "
                "says it all."
            ),
        )
    return len(messages)


_SUPERSEDED_ON_CHANGE = (MessageKind.SESSION_MOVED, MessageKind.SESSION_CANCELLED)
_UPDATED_ON_MOVE = (MessageKind.ENROLMENT_CONFIRMED, MessageKind.ENROLMENT_PROMOTED)


def _replace_unsent_about_session(
    *, session: Session, household_id: int, kind: str, context: dict
) -> bool:
    """Messages about ``session`` to this household that are still unsent (an SMS waiting for
    the morning) are replaced by one giving its latest state, so that a family does not get at
    08:00 the confirmation with the old time, "moved to 14:00", "moved to 16:00" and
    "cancelled". Each row is changed only while still pending (a conditional UPDATE): one that
    a worker took meanwhile counts as told.

    Earlier change messages are cancelled, and the new one says what time the family was last
    told of. On a move, an unsent confirmation of an enrolment in this very session is given
    the new time and place instead; it then tells everything, and True is returned (no
    message to add). On a cancellation it is cancelled too: the cancellation names the session.
    """
    unsent = list(
        Message.objects.filter(
            session_id=session.pk,
            household_id=household_id,
            state=MessageState.PENDING,
            kind__in=[*_SUPERSEDED_ON_CHANGE, *_UPDATED_ON_MOVE],
        ).order_by("created_at", "pk")
    )
    reason = _("Replaced by a later message giving the latest state of the session.")[:200]
    told_by_confirmation = False
    for message in unsent:
        pending = Message.objects.filter(pk=message.pk, state=MessageState.PENDING)
        if message.kind in _UPDATED_ON_MOVE and kind == MessageKind.SESSION_MOVED:
            refreshed = {
                **message.context,
                **to_context_value(
                    {
                        name: context[name]
                        for name in ("starts_at", "ends_at", "venue", "address", "session_url")
                    }
                ),
            }
            told_by_confirmation |= bool(pending.update(context=refreshed))
            continue
        if pending.update(state=MessageState.CANCELLED, cancel_reason=reason) and (
            message.kind == MessageKind.SESSION_MOVED and message.context.get("previous_starts_at")
        ):
            # What the family was last told is the time before the first of these moves.
            context.setdefault("told_starts_at", message.context["previous_starts_at"])
    if "told_starts_at" in context:
        context["previous_starts_at"] = context.pop("told_starts_at")
    return told_by_confirmation


# --- Reminders -------------------------------------------------------------------------------

_URL_SENTINEL = 2_147_483_647


@functools.cache
def _session_url_pattern() -> str:
    # Reversed once: a sweep writes thousands of links, and reverse() costs a few milliseconds.
    return settings.SITE_URL + reverse("sessions:detail", kwargs={"pk": _URL_SENTINEL})


def _session_url(session_id: int) -> str:
    return _session_url_pattern().replace(str(_URL_SENTINEL), str(session_id))


def _reminder_key(
    participant_id: int, session_id: int, offset: timing.Offset, starts_at: datetime.datetime
) -> str:
    return f"reminder:p{participant_id}:s{session_id}:{offset}:{int(starts_at.timestamp())}"


@dataclass(frozen=True)
class _Reminded:
    """Who a reminder is for, as plain values (the sweep builds no enrolment model)."""

    enrolment_id: int
    participant_id: int
    first_name: str
    household_id: int
    programme_id: int
    programme_title: str
    what_to_bring: str

    @classmethod
    def of(cls, enrolment: Enrolment) -> "_Reminded":
        return cls(
            enrolment.pk,
            enrolment.participant_id,
            enrolment.participant.first_name,
            enrolment.participant.household_id,
            enrolment.programme_id,
            enrolment.programme.title,
            enrolment.programme.what_to_bring,
        )


def _reminder_row(
    *,
    enrolment: Enrolment | _Reminded,
    recipient: Recipient,
    offset: timing.Offset,
    session_id: int,
    starts_at,
    ends_at,
    venue: str,
    address: str,
    due_at,
    state: str = MessageState.PENDING,
    reason: str = "",
) -> Message:
    who = enrolment if isinstance(enrolment, _Reminded) else _Reminded.of(enrolment)
    message = build_message(
        key=_reminder_key(who.participant_id, session_id, offset, starts_at),
        kind=MessageKind.REMINDER,
        recipient=recipient,
        due_at=due_at,
        context={
            "participant": who.first_name,
            "programme": who.programme_title,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": venue,
            "address": address,
            "what_to_bring": who.what_to_bring,
            "session_url": _session_url(session_id),
        },
        programme_id=who.programme_id,
        session_id=session_id,
        enrolment_id=who.enrolment_id,
        participant_id=who.participant_id,
        household_id=who.household_id,
        reminder_offset=str(offset),
        session_starts_at=starts_at,
    )
    if state == MessageState.CANCELLED and message.state != MessageState.CANCELLED:
        message.state, message.cancel_reason = state, reason[:200]
    return message


def _skip_reminders_already_due(
    *,
    enrolments: list[Enrolment],
    reason: str,
    sessions: list[Session] | None = None,
    recipient: Recipient | None = None,
    can_email: bool | None = None,
) -> None:
    """Write, as cancelled, the reminders that are already due for these enrolments: the
    message just written covers them, and the sweep must not send them late. ``sessions``,
    ``recipient`` and ``can_email`` (whether the guardian has an e-mail address), when given,
    are those of every enrolment (nothing more is read)."""
    now = timezone.now()
    horizon = max((_reminder_horizon(e.programme, now) for e in enrolments), default=now)
    rows = []
    for enrolment in enrolments:
        if sessions is not None:
            targets = sessions
        elif enrolment.session_id is not None:
            targets = [cast(Session, enrolment.session)]  # session_id is set, so not None
        else:
            targets = list(
                Session.objects.filter(
                    programme_id=enrolment.programme_id,
                    starts_at__gt=now,
                    starts_at__lte=horizon,
                )
                .exclude(status=SessionStatus.CANCELLED)
                .select_related("venue")
            )
        if recipient is not None:
            told, emailable = recipient, bool(can_email)
        else:
            contact = enrolment_contact(enrolment)
            told = recipient_from_contact(contact)
            emailable = contact is not None and contact.can_email
        by_sms = told.channel == Channel.SMS
        for session in targets:
            if by_sms and timing.sms_too_late(now=now, starts_at=session.starts_at):
                # The message just written waits for the end of the quiet hours, after the
                # session: it covers nothing, and the sweep decides about these reminders.
                continue
            for offset in timing.programme_offsets(enrolment.programme.reminder_offsets):
                due = timing.reminder_due_at(
                    starts_at=session.starts_at, offset=offset, by_sms=by_sms, can_email=emailable
                )
                if due <= now < session.starts_at:
                    rows.append(
                        _reminder_row(
                            enrolment=enrolment,
                            recipient=told,
                            offset=offset,
                            session_id=session.pk,
                            starts_at=session.starts_at,
                            ends_at=session.ends_at,
                            venue=session.venue.name,
                            address=session.venue.address,
                            due_at=due,
                            state=MessageState.CANCELLED,
                            reason=reason,
                        )
                    )
    messages_queue(rows)


def _candidates(
    *,
    whole_cycle: bool,
    session_ids: list[int],
    offset: timing.Offset,
    after: tuple[int, int] = (0, 0),
) -> QuerySet[Enrolment, tuple]:
    """Confirmed enrolments in these sessions (their own, or their programme's whole cycle),
    one row per (enrolment, session), the session's fields annotated, in keyset order.

    Those already reminded are left out in Python (``_reminded``), not with a NOT EXISTS: the
    outbox grows during a sweep faster than its statistics, and the planner, believing it
    nearly empty, compared every candidate with every reminder of the offset."""
    target = "programme__sessions__" if whole_cycle else "session__"
    after_session, after_pk = after
    enrolments = Enrolment.objects.filter(
        # Keyset on (session, enrolment), in the same filter() call as the other conditions on
        # the target: a second call on programme__sessions would join the sessions again.
        Q(**{f"{target}id__gt": after_session})
        | Q(**{f"{target}id": after_session}, pk__gt=after_pk),
        status=EnrolmentStatus.CONFIRMED,
        session__isnull=whole_cycle,
        **{f"{target}id__in": session_ids},
    ).annotate(
        target_session_id=F(f"{target}id"),
        target_starts_at=F(f"{target}starts_at"),
        target_ends_at=F(f"{target}ends_at"),
        target_venue=F(f"{target}venue__name"),
        target_address=F(f"{target}venue__address"),
    )
    # Plain rows: building an enrolment, participant and programme model per row was most of
    # the sweep's time.
    return enrolments.order_by("target_session_id", "pk").values_list(*_CANDIDATE_COLUMNS)


def _reminded(*, session_ids: list[int], offset: timing.Offset) -> set[tuple]:
    """(participant, session, session start) of the reminders of this offset already written
    for these sessions: one index range (session, kind) per chunk."""
    return set(
        Message.objects.filter(
            session_id__in=session_ids, kind=MessageKind.REMINDER, reminder_offset=str(offset)
        ).values_list("participant_id", "session_id", "session_starts_at")
    )


_CANDIDATE_COLUMNS = (
    "pk",
    "participant_id",
    "participant__first_name",
    "participant__household_id",
    "participant__guardian_record_id",
    "programme_id",
    "programme__title",
    "programme__what_to_bring",
    "programme__reminder_offsets",
    "target_session_id",
    "target_starts_at",
    "target_ends_at",
    "target_venue",
    "target_address",
)


def _due_session_chunks(
    *, programme_ids: list[int], now: datetime.datetime, until: datetime.datetime, batch: int
) -> Iterator[list[int]]:
    """Ids of the sessions starting in (now, until], in keyset pages on the primary key, cut
    into chunks whose places add up to about ``batch``: a chunk's enrolments are read (and
    sorted) on their own, so no query ever sorts every reminder still to write."""
    sessions = Session.objects.filter(
        programme_id__in=programme_ids,
        starts_at__gt=now,
        starts_at__lte=until,
        status__in=[SessionStatus.SCHEDULED, SessionStatus.MOVED],
    ).annotate(places=Coalesce("capacity_override", "programme__capacity"))
    last_pk = 0
    while True:
        page = list(
            sessions.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "places")[:batch]
        )
        if not page:
            return
        last_pk = page[-1][0]
        chunk: list[int] = []
        room = batch
        for pk, places in page:
            if chunk and (places or 1) > room:
                yield chunk
                chunk, room = [], batch
            chunk.append(pk)
            room -= places or 1
        if chunk:
            yield chunk


def reminders_create_due(*, now: datetime.datetime | None = None) -> int:
    """Write the reminders that are due and not written yet; return how many this call wrote
    to be sent.

    Per offset, only sessions close enough to need one are looked at, a few at a time (as many
    as make about a batch of places); already written (participant, session, offset) are
    excluded in SQL. Queries grow with the batches, and memory holds one batch at a time.
    """
    now = now or timezone.now()
    batch = settings.NOTIFICATIONS_BATCH_SIZE
    # A day offset is up to an hour longer across DST; an SMS can move to the start of the
    # quiet hours (up to their length earlier).
    slack = datetime.timedelta(hours=1) + timing.quiet_hours_length()
    longest = max((offset.approximate for offset in _all_offsets()), default=None)
    if longest is None:
        return 0
    programmes = (
        Programme.objects.filter(
            sessions__starts_at__gt=now,
            sessions__starts_at__lte=now + longest + slack,
        )
        .distinct()
        .values_list("pk", "reminder_offsets", "enrolment_mode")
    )
    by_offset: dict[tuple[timing.Offset, bool], list[int]] = defaultdict(list)
    for programme_id, raw, mode in programmes:
        for offset in timing.programme_offsets(raw):
            by_offset[offset, mode == EnrolmentMode.WHOLE_CYCLE].append(programme_id)
    created = 0
    for (offset, whole_cycle), programme_ids in by_offset.items():
        chunks = _due_session_chunks(
            programme_ids=programme_ids,
            now=now,
            until=now + offset.approximate + slack,
            batch=batch,
        )
        for chunk in chunks:
            # Usually one page per chunk; more only where a session holds more confirmed
            # people than its places (a capacity lowered afterwards).
            last: tuple[int, int] = (0, 0)
            reminded = _reminded(session_ids=chunk, offset=offset)
            while True:
                # One row more than a batch says whether another page follows.
                page = list(
                    _candidates(
                        whole_cycle=whole_cycle, session_ids=chunk, offset=offset, after=last
                    )[: batch + 1]
                )
                more = len(page) > batch
                page = page[:batch]
                if not page:
                    break
                last = (page[-1][9], page[-1][0])
                new = [row for row in page if (row[1], row[9], row[10]) not in reminded]
                # Counted from what this sweep wrote: another sweep running at once may have
                # written some of the same rows first (their keys are unique), and those are
                # its own.
                if new:
                    created += len(messages_queue(_due_rows(new, offset, now)))
                if not more:
                    break
    return created


def _all_offsets() -> set[timing.Offset]:
    offsets = set(timing.programme_offsets([]))
    for raw in (
        Programme.objects.exclude(reminder_offsets=[])
        .values_list("reminder_offsets", flat=True)
        .distinct()
    ):
        offsets.update(timing.programme_offsets(raw))
    return offsets


def _due_rows(page: list[tuple], offset: timing.Offset, now) -> list[Message]:
    contacts = contacts_of_participants([(row[1], row[3], row[4]) for row in page])
    offsets_of: dict[int, list[timing.Offset]] = {}
    rows = []
    for (
        pk,
        participant_id,
        first_name,
        household_id,
        _record,
        programme_id,
        title,
        what_to_bring,
        raw_offsets,
        session_id,
        starts_at,
        ends_at,
        venue,
        address,
    ) in page:
        contact = contacts.get(participant_id)
        recipient = recipient_from_contact(contact)
        by_sms = recipient.channel == Channel.SMS
        can_email = contact is not None and contact.can_email
        plan = timing.reminder_timing(
            starts_at=starts_at, offset=offset, by_sms=by_sms, can_email=can_email
        )
        if not plan.due_at <= now < starts_at:
            continue
        if plan.by_email_instead and contact is not None:
            # No SMS could go between the reminder's moment and the session.
            recipient = Recipient(Channel.EMAIL, contact.email, recipient.language, recipient.name)
        if programme_id not in offsets_of:
            offsets_of[programme_id] = timing.programme_offsets(raw_offsets)
        state, reason = MessageState.PENDING, ""
        # After an outage, only the latest of the reminders now due goes out.
        if any(
            timing.reminder_due_at(
                starts_at=starts_at, offset=other, by_sms=by_sms, can_email=can_email
            )
            <= now
            for other in offsets_of[programme_id]
            if other.approximate < offset.approximate
        ):
            state, reason = (
                MessageState.CANCELLED,
                _("A later reminder was due by the time this one could go."),
            )
        elif recipient.channel == Channel.SMS and timing.sms_too_late(now=now, starts_at=starts_at):
            state, reason = (
                MessageState.CANCELLED,
                _(
                    "No SMS could go before the session outside the quiet hours, and the guardian "
                    "has no e-mail address."
                ),
            )
            logger.info(
                "Reminder %s of participant %s for session %s dropped: %s",
                offset,
                participant_id,
                session_id,
                reason,
            )
        rows.append(
            _reminder_row(
                enrolment=_Reminded(
                    pk, participant_id, first_name, household_id, programme_id, title, what_to_bring
                ),
                recipient=recipient,
                offset=offset,
                session_id=session_id,
                starts_at=starts_at,
                ends_at=ends_at,
                venue=venue,
                address=address,
                due_at=plan.due_at,
                state=state,
                reason=reason,
            )
        )
    return rows


# --- Staff: digest, follow-ups, retries ------------------------------------------------------


def _user_language(user) -> str:
    profile = getattr(user, "profile", None)
    return getattr(profile, "language", None) or settings.LANGUAGE_CODE


def _staff_recipient(user) -> Recipient:
    """A member of staff, told by e-mail (unreachable without an address)."""
    return Recipient(
        Channel.EMAIL if user.email else None,
        user.email,
        _user_language(user),
        user.get_full_name() or user.get_username(),
    )


def digests_create(*, day: datetime.date) -> int:
    """One e-mail per mediator and coordinator with the sessions of ``day`` that concern them
    (headcounts included); nobody with no session that day gets one."""
    start = local_midnight(day)
    sessions = list(
        Session.objects.filter(
            starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
        )
        .select_related("programme", "venue")
        .prefetch_related("facilitators__user", "programme__mediators__user")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return 0
    taken = seats_taken(sessions)
    User = get_user_model()
    coordinators = list(
        User.objects.filter(
            Q(groups__name=Role.COORDINATOR) | Q(is_superuser=True),
            is_active=True,
        )
        .exclude(email="")
        .select_related("profile")
        .distinct()
    )
    per_user: dict[int, list[Session]] = defaultdict(list)
    users = {user.pk: user for user in coordinators}
    for session in sessions:
        staff = [m.user for m in session.facilitators.all()]
        staff += [m.user for m in session.programme.mediators.all()]
        for user in staff:
            if user.is_active and user.email:
                users.setdefault(user.pk, user)
                if session not in per_user[user.pk]:
                    per_user[user.pk].append(session)
    for user in coordinators:
        per_user[user.pk] = sessions
    messages = []
    for user_id, own in per_user.items():
        user = users[user_id]
        items = [
            {
                "programme": s.programme.title,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "venue": s.venue.name,
                "status": s.status,
                "headcount": taken.get(s.pk, 0),
                "capacity": s.capacity,
                "url": f"{settings.SITE_URL}{s.get_absolute_url()}",
            }
            for s in own
        ]
        messages.append(
            build_message(
                key=f"digest:{user.pk}:{day.isoformat()}",
                kind=MessageKind.DAILY_DIGEST,
                recipient=Recipient(
                    Channel.EMAIL,
                    user.email,
                    _user_language(user),
                    user.get_full_name() or user.get_username(),
                ),
                context={"day": day, "sessions": items},
                recipient_user=user,
            )
        )
    return len(messages_queue(messages))


def follow_up_notify(
    *,
    key: str,
    mediator_user,
    participant_name: str,
    programme: Programme,
    absences: int,
    session_dates: list[datetime.datetime],
    guardian: str = "",
    guardian_phone: str = "",
    guardian_email: str = "",
    url: str = "",
) -> Message:
    """Tell a mediator that a follow-up was opened for them (the attendance app calls this from
    its follow-up signal, inside its transaction). ``key`` names the follow-up, e.g.
    "follow-up:<pk>:opened"."""
    recipient = _staff_recipient(mediator_user)
    message = build_message(
        key=key,
        kind=MessageKind.FOLLOW_UP_OPENED,
        recipient=recipient,
        context={
            "participant": participant_name,
            "programme": programme.title,
            "absences": absences,
            "session_dates": session_dates,
            "guardian": guardian,
            "guardian_phone": guardian_phone,
            "guardian_email": guardian_email,
            "url": url,
        },
        programme=programme,
        recipient_user=mediator_user,
    )
    messages_queue([message])
    return message


def check_out_unlisted_notify(*, check_out, recorded_by=None) -> int:
    """Tell the programme's mediators and the coordinators at once that a child left with
    someone not on their sheet's list (the attendance app's signal, inside its transaction).
    The message names the child and the person, as the register does: no health detail."""
    session = check_out.session
    programme = session.programme
    User = get_user_model()
    people = {
        user.pk: user
        for user in User.objects.filter(
            Q(groups__name=Role.COORDINATOR) | Q(mediator__programmes=programme),
            is_active=True,
        )
        .select_related("profile")
        .distinct()
    }
    url = f"{settings.SITE_URL}{reverse('attendance:register', args=[session.pk])}"
    messages = []
    for user in people.values():
        recipient = _staff_recipient(user)
        messages.append(
            build_message(
                key=f"check-out:{check_out.pk}:{check_out.client_id}:unlisted:{user.pk}",
                kind=MessageKind.CHECK_OUT_UNLISTED,
                recipient=recipient,
                context={
                    "participant": check_out.participant.full_name,
                    "programme": programme.title,
                    "starts_at": session.starts_at,
                    "collector": check_out.collector_name,
                    "note": check_out.note,
                    "checked_out_at": check_out.checked_out_at,
                    "recorded_by": (recorded_by.get_full_name() or recorded_by.username)
                    if recorded_by is not None
                    else "",
                    "url": url,
                },
                programme=programme,
                session=session,
                participant=check_out.participant,
                household_id=check_out.participant.household_id,
                recipient_user=user,
            )
        )
    return len(messages_queue(messages))


def family_left_notify(*, enrolment: Enrolment, changed_by) -> int:
    """Tell the programme's mediators that a family gave up a place themselves (the enrolment's
    signal, inside its transaction): they may want to call, and they plan the groups."""
    programme = enrolment.programme
    User = get_user_model()
    mediators = User.objects.filter(mediator__programmes=programme, is_active=True).select_related(
        "profile"
    )
    url = f"{settings.SITE_URL}{reverse('enrolment:programme-people', args=[programme.pk])}"
    messages = []
    for user in mediators:
        recipient = _staff_recipient(user)
        messages.append(
            build_message(
                key=f"enrolment:{enrolment.pk}:left:{user.pk}",
                kind=MessageKind.FAMILY_LEFT,
                recipient=recipient,
                context={
                    "participant": enrolment.participant.full_name,
                    "programme": programme.title,
                    "starts_at": enrolment.session.starts_at if enrolment.session else None,
                    "reason": enrolment.cancel_reason,
                    "cancelled_by": changed_by.get_full_name() or changed_by.get_username(),
                    "url": url,
                },
                programme=programme,
                session=enrolment.session,
                enrolment=enrolment,
                participant=enrolment.participant,
                household_id=enrolment.participant.household_id,
                recipient_user=user,
            )
        )
    return len(messages_queue(messages))


def safety_sheet_reminders_create(*, now: datetime.datetime | None = None) -> int:
    """Remind a family whose child's sheet is still incomplete, once per enrolment, when the
    first session is SAFETY_SHEET_REMINDER_DAYS away or less."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=settings.SAFETY_SHEET_REMINDER_DAYS)
    coming = Session.objects.filter(starts_at__gt=now, starts_at__lte=horizon).exclude(
        status=SessionStatus.CANCELLED
    )
    enrolments = with_contacts(
        Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED, sheet_pending=True)
        .filter(Q(session__in=coming) | Q(session__isnull=True, programme__sessions__in=coming))
        .exclude(
            Exists(
                Message.objects.filter(
                    enrolment=OuterRef("pk"), kind=MessageKind.SAFETY_SHEET_REMINDER
                )
            )
        )
        .select_related("programme", "participant")
        .distinct()
    )
    messages = []
    for enrolment in enrolments:
        recipient = recipient_from_contact(enrolment_contact(enrolment))
        session = _first_coming_session(enrolment)
        messages.append(
            build_message(
                key=f"safety-sheet:{enrolment.pk}:reminder",
                kind=MessageKind.SAFETY_SHEET_REMINDER,
                recipient=recipient,
                context={
                    "participant": enrolment.participant.first_name,
                    "programme": enrolment.programme.title,
                    "starts_at": session.starts_at if session else None,
                    "url": f"{settings.SITE_URL}{entry_url('family')}",
                },
                programme=enrolment.programme,
                enrolment=enrolment,
                participant=enrolment.participant,
                household_id=enrolment.participant.household_id,
            )
        )
    return len(messages_queue(messages))


@transaction.atomic
def message_retry(*, message: Message, retried_by=None) -> Message:
    """Send a failed message again, from a fresh count of attempts."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.state != MessageState.FAILED:
        raise NotificationError(
            _("Only a failed message can be sent again."), field="state", status=409
        )
    now = timezone.now()
    message.state = MessageState.PENDING
    message.attempts = 0
    message.due_at = now
    message.dispatched_at = now
    message.claimed_by = ""
    message.last_error = _("Sent again by %(user)s after: %(error)s") % {
        "user": retried_by or _("the system"),
        "error": message.last_error,
    }
    message.save(
        update_fields=["state", "attempts", "due_at", "dispatched_at", "claimed_by", "last_error"]
    )
    dispatch_on_commit([message.pk])
    return message
