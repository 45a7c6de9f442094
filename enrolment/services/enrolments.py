"""Writes on enrolments: eligibility, capacity, waiting lists, cancellation and referrals.

Capacity holds under concurrent requests because every decision that gives or frees a place is
taken while holding a row lock on the place's target: the programme row for a whole-cycle
programme, the session row for a per-session one (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
serialises writing transactions anyway). Counting happens after the lock is granted, so each
transaction sees the places its predecessors committed. Waiting-list positions are handed out
under the same lock, hence in commit order.

Lock order is participant, then target, everywhere, so two transactions never wait on each other
in a cycle.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Func, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_staff_member
from households.eligibility import ineligibility_reason, long_datetime
from households.models import Household, Participant
from households.services import current_sheet, member_participant, sheet_missing_parts
from programmes.models import Partner, Programme, ProgrammeStatus
from sessions.models import Session, SessionStatus

from .. import signals
from ..errors import EnrolmentError, TargetConflict
from ..gates import enrolment_gates_check
from ..models import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus

# Positions are shifted through this offset so that the partial unique index on positions, which
# cannot be deferred, never sees two rows with the same position in the middle of an UPDATE.
_POSITION_SHIFT = 1_000_000


# --- Eligibility -------------------------------------------------------------------------------


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _first_session(programme: Programme) -> Session | None:
    return (
        Session.objects.filter(programme=programme)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )


def eligibility_date(*, programme: Programme, session: Session | None) -> datetime.date:
    """The day the participant's age is taken: the first session they would attend."""
    if session is not None:
        return _local_date(session.starts_at)
    first = _first_session(programme)
    return _local_date(first.starts_at) if first else timezone.localdate()


def eligibility_check(
    *,
    participant: Participant,
    programme: Programme,
    session: Session | None = None,
    day: datetime.date | None = None,
) -> None:
    """Raise EnrolmentError saying what does not fit: age on the first session, or audience."""
    day = day or eligibility_date(programme=programme, session=session)
    reason = ineligibility_reason(
        first_name=participant.first_name,
        birth_date=participant.birth_date,
        sex=participant.sex,
        programme=programme,
        day=day,
    )
    if reason is not None:
        raise TargetConflict(reason, field="participant")


# --- Target and conflicts -------------------------------------------------------------------


def _check_target(*, programme: Programme, session: Session | None) -> datetime.date | None:
    """Refuse a target that takes no enrolment now; return the day ages are taken on (the
    first session's, read in the same query for a whole cycle), if known."""
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise TargetConflict(_("This programme is not open for enrolment."), field="programme")
    enrolment_gates_check(programme=programme, session=session)
    now = timezone.now()
    if programme.is_whole_cycle:
        if session is not None:
            raise TargetConflict(
                _("This programme is enrolled for the whole cycle, not session by session."),
                field="session",
            )
        bounds = (
            Session.objects.filter(programme=programme)
            .exclude(status=SessionStatus.CANCELLED)
            .aggregate(count=Count("pk"), last_end=Max("ends_at"), first=Min("starts_at"))
        )
        if bounds["count"] and bounds["last_end"] <= now:
            raise TargetConflict(_("This programme has ended."), field="programme")
        return _local_date(bounds["first"]) if bounds["first"] else None
    if session is None:
        raise TargetConflict(
            _("Choose a session: this programme is enrolled session by session."), field="session"
        )
    if session.programme_id != programme.pk:
        raise TargetConflict(_("This session belongs to another programme."), field="session")
    if session.status == SessionStatus.CANCELLED:
        raise TargetConflict(_("This session is cancelled."), field="session")
    if session.starts_at <= now:
        raise TargetConflict(_("This session has already started."), field="session")
    return _local_date(session.starts_at)


def _target_filter(*, programme_id: int, session_id: int | None) -> Q:
    if session_id is None:
        return Q(programme_id=programme_id, session__isnull=True)
    return Q(session_id=session_id)


def _check_not_enrolled(
    *, participant: Participant, programme: Programme, session: Session | None
) -> None:
    existing = Enrolment.objects.filter(
        _target_filter(programme_id=programme.pk, session_id=session.pk if session else None),
        participant=participant,
        status__in=ACTIVE_STATUSES,
    ).first()
    if existing is None:
        return
    if existing.status == EnrolmentStatus.PROPOSED:
        message = _("%(name)s already has a referral to this programme waiting for acceptance.")
    elif session is not None:
        message = _("%(name)s is already enrolled in this session.")
    else:
        message = _("%(name)s is already enrolled in this programme.")
    raise EnrolmentError(
        message % {"name": participant.first_name}, field="participant", status=409
    )


def _check_no_overlap(
    *, participant: Participant, programme: Programme, session: Session | None
) -> None:
    """A participant cannot hold places in two sessions that overlap in time."""
    if session is not None:
        wanted = Session.objects.filter(pk=session.pk)
    else:
        wanted = Session.objects.filter(programme=programme, ends_at__gt=timezone.now()).exclude(
            status=SessionStatus.CANCELLED
        )
    held_statuses = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED)
    held = Session.objects.exclude(status=SessionStatus.CANCELLED).filter(
        Q(enrolments__participant=participant, enrolments__status__in=held_statuses)
        | Q(
            programme__enrolments__participant=participant,
            programme__enrolments__session__isnull=True,
            programme__enrolments__status__in=held_statuses,
        )
    )
    # The target itself is the duplicate check's business, not an overlap.
    held = held.exclude(programme=programme) if session is None else held.exclude(pk=session.pk)
    clash = (
        held.filter(
            Exists(
                wanted.filter(starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at"))
            )
        )
        .select_related("programme")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        local = timezone.localtime(clash.starts_at)
        raise EnrolmentError(
            _(
                "%(name)s is already expected at “%(programme)s” on %(date)s at %(time)s, "
                "at the same time."
            )
            % {
                "name": participant.first_name,
                "programme": clash.programme.title,
                "date": local.strftime("%d/%m/%Y"),
                "time": local.strftime("%H:%M"),
            },
            field="participant",
            status=409,
        )


# --- Places under lock ----------------------------------------------------------------------


def _target_rows(*, programme_id: int, session_id: int | None):
    if session_id is None:
        return Programme.objects.filter(pk=programme_id)
    return Session.objects.filter(pk=session_id)


def headcount_bump(rows: QuerySet) -> int:
    """Tell the partner and mediator feeds that the places taken in these sessions or
    programmes may have changed: their headcount version (ETag, kept events) and, in the same
    statement, its moment (Last-Modified)."""
    return rows.update(
        headcount_version=F("headcount_version") + 1, headcount_changed_at=timezone.now()
    )


def _take_lock(*, programme_id: int, session_id: int | None) -> None:
    """Lock the row places are counted against by bumping its headcount version: the UPDATE
    takes the row lock as ``SELECT … FOR UPDATE`` would, and in the same statement tells the
    partner and mediator feeds that their places may have changed."""
    headcount_bump(_target_rows(programme_id=programme_id, session_id=session_id))


def _lock_target(*, programme_id: int, session_id: int | None) -> tuple[int, bool]:
    """Lock the target's row; return its capacity and whether it waitlists."""
    _take_lock(programme_id=programme_id, session_id=session_id)
    if session_id is None:
        programme = Programme.objects.get(pk=programme_id)
        return programme.capacity, programme.waitlist_enabled
    session = Session.objects.select_related("programme").get(pk=session_id)
    return session.capacity, session.programme.waitlist_enabled


def _places_taken(*, programme_id: int, session_id: int | None) -> int:
    confirmed = Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED)
    if session_id is None:
        return confirmed.filter(programme_id=programme_id, session__isnull=True).count()
    # Whole-cycle enrolments of the programme, if any, sit in every one of its sessions.
    return confirmed.filter(
        Q(session_id=session_id) | Q(programme_id=programme_id, session__isnull=True)
    ).count()


@dataclass(frozen=True)
class _Tally:
    """The target's capacity, places taken and waiting list, as read under its lock."""

    capacity: int
    waitlist_enabled: bool
    taken: int
    waiting: int
    last_position: int


def _tally(*, programme_id: int, session_id: int | None) -> _Tally:
    """Capacity, places taken, people waiting and the last waiting position, in one query:
    every query made while holding the target's lock delays every other enrolment in it."""
    own = _target_filter(programme_id=programme_id, session_id=session_id)
    counted = (
        own
        if session_id is None
        # Whole-cycle enrolments of the programme, if any, sit in every one of its sessions.
        else (own | Q(programme_id=programme_id, session__isnull=True))
    )
    enrolments = Enrolment.objects.order_by()

    def figure(rows, expression):
        return Subquery(rows.annotate(value=expression).values("value")[:1])

    waiting = enrolments.filter(own, status=EnrolmentStatus.WAITLISTED)
    counts = {
        "taken": figure(
            enrolments.filter(counted, status=EnrolmentStatus.CONFIRMED),
            Func(F("pk"), function="COUNT"),
        ),
        "waiting": figure(waiting, Func(F("pk"), function="COUNT")),
        "last": figure(waiting, Func(F("waitlist_position"), function="MAX")),
    }
    if session_id is None:
        row = (
            Programme.objects.filter(pk=programme_id)
            .values_list("capacity", "waitlist_enabled")
            .annotate(**counts)
            .get()
        )
    else:
        row = (
            Session.objects.filter(pk=session_id)
            .values_list(
                Coalesce("capacity_override", "programme__capacity"), "programme__waitlist_enabled"
            )
            .annotate(**counts)
            .get()
        )
    capacity, waitlist_enabled, taken, waiting_count, last = row
    return _Tally(
        capacity=capacity,
        waitlist_enabled=waitlist_enabled,
        taken=taken or 0,
        waiting=waiting_count or 0,
        last_position=last or 0,
    )


def _waitlist(*, programme_id: int, session_id: int | None):
    return Enrolment.objects.filter(
        _target_filter(programme_id=programme_id, session_id=session_id),
        status=EnrolmentStatus.WAITLISTED,
    )


def _close_gap(*, programme_id: int, session_id: int | None, position: int) -> None:
    """Move everyone behind ``position`` one place forward."""
    behind = _waitlist(programme_id=programme_id, session_id=session_id)
    behind.filter(waitlist_position__gt=position).update(
        waitlist_position=F("waitlist_position") + _POSITION_SHIFT
    )
    behind.filter(waitlist_position__gt=_POSITION_SHIFT).update(
        waitlist_position=F("waitlist_position") - _POSITION_SHIFT - 1
    )


def _place(
    enrolment: Enrolment,
    *,
    free: int,
    waitlist_enabled: bool,
    target: str,
    last_position: int | None = None,
) -> None:
    """Confirm or waitlist ``enrolment`` (unsaved status) given the ``free`` places counted
    under the target's lock (and the last waiting position, when counted with them)."""
    now = timezone.now()
    if free > 0:
        enrolment.status = EnrolmentStatus.CONFIRMED
        enrolment.waitlist_position = None
        enrolment.confirmed_at = now
        return
    if not waitlist_enabled:
        message = (
            _("This session is full.") if target == "session" else _("This programme is full.")
        )
        raise EnrolmentError(message, field=target, status=409)
    last = (
        last_position
        if last_position is not None
        else _waitlist(
            programme_id=enrolment.programme_id, session_id=enrolment.session_id
        ).aggregate(last=Max("waitlist_position"))["last"]
    )
    enrolment.status = EnrolmentStatus.WAITLISTED
    enrolment.waitlist_position = (last or 0) + 1


def _fill_free_places(
    *,
    programme_id: int,
    session_id: int | None,
    capacity: int,
    changed_by,
    tally: _Tally | None = None,
) -> int:
    """Promote the first waitlisted, in order, while places are free; the target is locked.
    Returns the places still free afterwards."""
    if tally is None:
        free = capacity - _places_taken(programme_id=programme_id, session_id=session_id)
    else:
        free = capacity - tally.taken
        if tally.waiting == 0:
            return free
    if free <= 0:
        return free
    promoted = list(
        _waitlist(programme_id=programme_id, session_id=session_id)
        .select_for_update()
        .order_by("waitlist_position")[:free]
    )
    now = timezone.now()
    for enrolment in promoted:
        position = enrolment.waitlist_position
        enrolment.status = EnrolmentStatus.CONFIRMED
        enrolment.waitlist_position = None
        enrolment.promoted_at = enrolment.confirmed_at = now
        enrolment.headcount_counted = True
        enrolment.save(update_fields=["status", "waitlist_position", "promoted_at", "confirmed_at"])
        _close_gap(programme_id=programme_id, session_id=session_id, position=position)
    for enrolment in promoted:
        signals.enrolment_promoted.send(Enrolment, enrolment=enrolment, changed_by=changed_by)
    return free - len(promoted)


def _touch(household_id: int) -> None:
    Household.objects.filter(pk=household_id).update(last_activity_at=timezone.now())


def _lock_participant(participant: Participant) -> Participant:
    return Participant.objects.select_for_update().get(pk=participant.pk)


def _lock_and_check_request(
    *, participant: Participant, programme: Programme, session: Session | None
) -> Participant:
    """Lock the participant (their enrolments are decided one at a time), then check the
    request against the target, eligibility and their other enrolments."""
    participant = _lock_participant(participant)
    day = _check_target(programme=programme, session=session)
    eligibility_check(participant=participant, programme=programme, session=session, day=day)
    _check_not_enrolled(participant=participant, programme=programme, session=session)
    return participant


def _prepare_announcement(
    *, participant: Participant, programme: Programme, session: Session | None
) -> dict:
    """Let receivers read, before the target's lock, what they need once the place is given
    (whom to tell and about which session): what each returned, keyed by receiver."""
    responses = signals.enrolment_placing.send(
        Enrolment, participant=participant, programme=programme, session=session
    )
    return {receiver: response for receiver, response in responses if response is not None}


def _announce_placed(enrolment: Enrolment, *, changed_by, prepared: dict | None = None) -> None:
    signal = (
        signals.enrolment_confirmed
        if enrolment.status == EnrolmentStatus.CONFIRMED
        else signals.enrolment_waitlisted
    )
    signal.send(Enrolment, enrolment=enrolment, changed_by=changed_by, prepared=prepared or {})


def _save_new(enrolment: Enrolment) -> None:
    # No savepoint of its own (two more round trips under the lock): the error leaves the
    # service, whose atomic block rolls back everything it did.
    enrolment.headcount_counted = True
    try:
        enrolment.save()
    except IntegrityError as exc:
        # Only reachable when a service was bypassed: the constraints are the last guard.
        raise EnrolmentError(
            _("This participant is already enrolled here."), field="participant", status=409
        ) from exc


# --- Services -------------------------------------------------------------------------------


@transaction.atomic
def enrolment_create(
    *,
    participant: Participant,
    programme: Programme,
    session: Session | None = None,
    source: str = EnrolmentSource.FAMILY_ONLINE,
    created_by=None,
    note: str = "",
) -> Enrolment:
    """Enrol a participant: confirmed when a place is free, else waitlisted or refused."""
    participant = _lock_and_check_request(
        participant=participant, programme=programme, session=session
    )
    _check_no_overlap(participant=participant, programme=programme, session=session)

    _touch(participant.household_id)
    session_id = session.pk if session else None
    enrolment = Enrolment(
        participant=participant,
        programme=programme,
        session=session,
        source=source,
        created_by=created_by,
        note=note,
    )
    prepared = _prepare_announcement(participant=participant, programme=programme, session=session)
    # The place is held whatever the sheet says; the family completes it before the first
    # session. Read before the lock, like everything that does not decide the place.
    sheet_pending = bool(sheet_missing_parts(current_sheet(participant), programme))

    # From here on the target's row is locked until the commit: only count, place and insert
    # (the enrolment, its audit event, its message), each one query.
    _take_lock(programme_id=programme.pk, session_id=session_id)
    tally = _tally(programme_id=programme.pk, session_id=session_id)
    # A place freed without a promotion (a capacity raised by hand) goes to those already waiting.
    free = _fill_free_places(
        programme_id=programme.pk,
        session_id=session_id,
        capacity=tally.capacity,
        changed_by=created_by,
        tally=tally,
    )
    promoted = free != tally.capacity - tally.taken
    _place(
        enrolment,
        free=free,
        waitlist_enabled=tally.waitlist_enabled,
        target="session" if session else "programme",
        last_position=None if promoted else tally.last_position,
    )
    enrolment.sheet_pending = sheet_pending
    _save_new(enrolment)
    _announce_placed(enrolment, changed_by=created_by, prepared=prepared)
    return enrolment


def enrolment_source_for(user) -> str:
    """Staff enrol on a family's behalf; anyone else is the family itself."""
    return EnrolmentSource.MEDIATOR if is_staff_member(user) else EnrolmentSource.FAMILY_ONLINE


def _cycle_start(enrolment: Enrolment) -> datetime.datetime | None:
    if enrolment.session is not None:
        return enrolment.session.starts_at
    if "cycle_start" in enrolment.__dict__:  # annotated by a page listing many enrolments
        return enrolment.__dict__["cycle_start"]
    return (
        Session.objects.filter(programme_id=enrolment.programme_id)
        .exclude(status=SessionStatus.CANCELLED)
        .aggregate(first=Min("starts_at"))["first"]
    )


def cancellation_deadline(enrolment: Enrolment) -> datetime.datetime | None:
    """Until when a family may cancel a place online before it starts: the programme's deadline
    before the session, or before the first session of a whole cycle; None without a session."""
    start = _cycle_start(enrolment)
    if start is None:
        return None
    return start - datetime.timedelta(hours=enrolment.programme.cancellation_deadline_hours)


@dataclass(kw_only=True)
class CancelPolicy:
    """What a family may do with a place now: cancel before the deadline, leave a cycle that
    has started, or neither (between the deadline and the start, or once a session began)."""

    allowed: bool
    leaving_cycle: bool = False
    deadline: datetime.datetime | None = None
    starts_at: datetime.datetime | None = None


def cancellation_policy(enrolment: Enrolment, *, by_family: bool = True) -> CancelPolicy:
    start = _cycle_start(enrolment)
    deadline = cancellation_deadline(enrolment)
    if enrolment.status != EnrolmentStatus.CONFIRMED or not by_family:
        return CancelPolicy(allowed=True, deadline=deadline, starts_at=start)
    now = timezone.now()
    if enrolment.session_id is None and start is not None and start <= now:
        # A cycle under way: a family can always leave it, nobody is held in a course.
        return CancelPolicy(allowed=True, leaving_cycle=True, deadline=deadline, starts_at=start)
    return CancelPolicy(
        allowed=deadline is None or now <= deadline, deadline=deadline, starts_at=start
    )


def cancellable_online_if_booked(*, programme: Programme, session: Session | None) -> bool:
    """Whether a family booking ``session`` (or the whole cycle) now could still cancel online."""
    draft = Enrolment(programme=programme, session=session, status=EnrolmentStatus.CONFIRMED)
    return cancellation_policy(draft).allowed


def _too_late(policy: CancelPolicy) -> str:
    contact = settings.SERVICE_CONTACT
    return _(
        "It is too late to cancel online: the deadline was %(deadline)s. Call the "
        "mediation service on %(phone)s (%(hours)s) or come to the service: "
        "%(address)s."
    ) % {
        "deadline": long_datetime(policy.deadline),
        "phone": contact["phone"],
        "hours": contact["hours"],
        "address": contact["address"],
    }


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, cancelled_by, reason: str = "") -> Enrolment:
    """Cancel; a freed place goes at once to the first on the waiting list.

    Families may cancel a confirmed place until the programme's deadline, and leave a
    whole-cycle programme at any time once it has started (the place is then not offered again:
    a newcomer would join a course half-way); staff at any time. Leaving a waiting list or
    declining a referral is always possible.
    """
    programme_id, session_id = enrolment.programme_id, enrolment.session_id
    capacity, _waitlist_enabled = _lock_target(programme_id=programme_id, session_id=session_id)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "session", "participant")
        .get(pk=enrolment.pk)
    )
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise EnrolmentError(_("This enrolment is already cancelled."), field="status", status=409)
    previous_status = enrolment.status
    # ``cancelled_by=None`` is the system (a script, a retention job): no deadline applies.
    by_family = cancelled_by is not None and not is_staff_member(cancelled_by)
    policy = cancellation_policy(enrolment, by_family=by_family)
    if not policy.allowed:
        raise EnrolmentError(_too_late(policy), field="status", status=409)
    position = enrolment.waitlist_position
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.waitlist_position = None
    enrolment.cancelled_at = timezone.now()
    enrolment.cancelled_by = cancelled_by
    enrolment.cancel_reason = reason.strip()[:300]
    enrolment.headcount_counted = True
    enrolment.save(
        update_fields=[
            "status",
            "waitlist_position",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
        ]
    )
    if position is not None:
        _close_gap(programme_id=programme_id, session_id=session_id, position=position)
    _touch(enrolment.participant.household_id)
    signals.enrolment_cancelled.send(
        Enrolment, enrolment=enrolment, changed_by=cancelled_by, previous_status=previous_status
    )
    started = policy.starts_at is not None and policy.starts_at <= timezone.now()
    if previous_status == EnrolmentStatus.CONFIRMED and not (session_id is None and started):
        _fill_free_places(
            programme_id=programme_id,
            session_id=session_id,
            capacity=capacity,
            changed_by=cancelled_by,
        )
    return enrolment


@transaction.atomic
def referral_create(
    *,
    participant: Participant,
    programme: Programme,
    session: Session | None = None,
    partner: Partner,
    created_by=None,
    note: str = "",
) -> Enrolment:
    """A partner proposes a participant; no place is taken until the referral is accepted."""
    participant = _lock_and_check_request(
        participant=participant, programme=programme, session=session
    )
    enrolment = Enrolment(
        participant=participant,
        programme=programme,
        session=session,
        status=EnrolmentStatus.PROPOSED,
        source=EnrolmentSource.PARTNER_REFERRAL,
        referred_by_partner=partner,
        created_by=created_by,
        note=note,
    )
    _save_new(enrolment)
    _touch(participant.household_id)
    signals.referral_proposed.send(Enrolment, enrolment=enrolment, changed_by=created_by)
    return enrolment


@transaction.atomic
def referral_accept(*, enrolment: Enrolment, accepted_by) -> Enrolment:
    """The guardian, or a mediator on their behalf, accepts a referral: it takes a place now."""
    participant = _lock_participant(enrolment.participant)
    programme_id, session_id = enrolment.programme_id, enrolment.session_id
    capacity, waitlist_enabled = _lock_target(programme_id=programme_id, session_id=session_id)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "session")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != EnrolmentStatus.PROPOSED:
        raise EnrolmentError(_("This referral was already answered."), field="status", status=409)
    _check_target(programme=enrolment.programme, session=enrolment.session)
    _check_no_overlap(
        participant=participant, programme=enrolment.programme, session=enrolment.session
    )
    free = _fill_free_places(
        programme_id=programme_id, session_id=session_id, capacity=capacity, changed_by=accepted_by
    )
    _place(
        enrolment,
        free=free,
        waitlist_enabled=waitlist_enabled,
        target="session" if session_id else "programme",
    )
    enrolment.headcount_counted = True
    enrolment.save(update_fields=["status", "waitlist_position", "confirmed_at"])
    _touch(participant.household_id)
    _announce_placed(enrolment, changed_by=accepted_by)
    return enrolment


@dataclass(kw_only=True)
class DateAnswer:
    """What became of one date of a booking: an enrolment, or the reason it was refused."""

    session: Session | None
    enrolment: Enrolment | None = None
    refusal: str = ""


def enrolment_create_many(
    *,
    participant: Participant,
    programme: Programme,
    sessions: list[Session],
    source: str = EnrolmentSource.FAMILY_ONLINE,
    created_by=None,
    note: str = "",
) -> list[DateAnswer]:
    """Book several dates of a per-session programme in one request.

    Each date is all or nothing on its own (its own transaction): a full or clashing date is
    answered with its reason and does not undo the others. Dates are taken in time order, so a
    waiting-list position never depends on the order the boxes were ticked.
    """
    if not sessions:
        raise EnrolmentError(_("Choose at least one date."), field="sessions")
    answers = []
    for session in sorted(sessions, key=lambda s: s.starts_at):
        try:
            enrolment = enrolment_create(
                participant=participant,
                programme=programme,
                session=session,
                source=source,
                created_by=created_by,
                note=note,
            )
        except EnrolmentError as error:
            answers.append(DateAnswer(session=session, refusal=error.message))
        else:
            answers.append(DateAnswer(session=session, enrolment=enrolment))
    return answers


@dataclass(frozen=True)
class MemberBooking:
    participant: Participant
    answers: list[DateAnswer]


def member_book(
    *,
    household: Household,
    key: str,
    birth_date: datetime.date | None,
    programme: Programme,
    sessions: list[Session] | None = None,
    session: Session | None = None,
    source: str,
    created_by,
    note: str = "",
) -> MemberBooking:
    """Enrol a household's member on dates (``sessions``: an answer per date), or else in the
    whole cycle or ``session`` (a refusal raises); a new adult participant is kept only if
    something is booked (a mistyped birth date is not)."""
    with transaction.atomic():
        participant = member_participant(household=household, key=key, birth_date=birth_date)
        if sessions is None:
            enrolment = enrolment_create(
                participant=participant,
                programme=programme,
                session=session,
                source=source,
                created_by=created_by,
                note=note,
            )
            answers = [DateAnswer(session=session, enrolment=enrolment)]
        else:
            answers = enrolment_create_many(
                participant=participant,
                programme=programme,
                sessions=sessions,
                source=source,
                created_by=created_by,
                note=note,
            )
        if not any(answer.enrolment for answer in answers):
            transaction.set_rollback(True)
    return MemberBooking(participant=participant, answers=answers)
