"""Writes on attendance: registers taken on a phone (possibly offline), walk-ins, headcounts,
and the follow-up of repeated absences.

A batch of marks is all or nothing: every item is checked before anything is written, so a bad
item (unknown participant, status, someone not expected) leaves the register as it was.

Marks sent again after a lost connection carry the ids the device gave them: a mark whose id the
server already holds changes nothing. Of two marks of the same person, the one taken last on the
device's clock wins, whatever order they arrive in.
"""

import base64
import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record, audit_record_many
from accounts.roles import Role, has_role
from core.age_bands import age_band_keys
from core.errors import DomainError
from enrolment.models import Enrolment, EnrolmentStatus
from households.access import participants_visible_to
from households.models import Guardian, Household, Participant, Sex
from households.selectors import current_sheets
from households.services import participant_create
from programmes.models import Field as ProgrammeField
from programmes.models import Kind, Programme
from sessions.models import Session, SessionStatus

from . import signals
from .models import (
    ATTENDED_STATUSES,
    FOLLOW_UP_NOTE_LENGTH,
    OUTREACH_COUNT_MAX,
    OUTREACH_FIRST_YEAR,
    AnonymousHeadcount,
    Attendance,
    AttendanceCorrection,
    AttendanceStatus,
    CheckOut,
    CollectedBy,
    FollowUp,
    FollowUpOutcome,
    FollowUpStatus,
    HeldDeclaration,
    OutreachContact,
    OutreachCount,
    RegisterSignature,
)
from .selectors import (
    ChildSafety,
    can_take_attendance,
    expected_enrolments,
    follow_ups_visible_to,
    is_facilitator,
    register_is_locked,
    register_opens_on,
    responsible_mediator,
)


class AttendanceError(DomainError):
    """A register, walk-in, headcount or follow-up that cannot be written."""


# Both are CharFields, whose max_length is always set.
NOTE_LENGTH = cast(int, Attendance._meta.get_field("note").max_length)
REASON_LENGTH = cast(int, AttendanceCorrection._meta.get_field("reason").max_length)


# Phones' clocks drift by minutes; beyond this, the phone's time is wrong, not early.
CLOCK_TOLERANCE = datetime.timedelta(hours=1)


def _device_time(at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    """When the phone says a thing happened. A phone whose clock runs far ahead (manual time
    after a clock change) keeps its marks, dated by the server's clock instead: refusing them
    would lose them, and believing them would let it win every later conflict."""
    return now if at is None or at > now + CLOCK_TOLERANCE else at


DEFAULT_FOLLOW_UP_THRESHOLD = 2


@dataclass(frozen=True)
class MarkInput:
    participant_id: int
    status: str
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    client_marked_at: datetime.datetime | None = None
    note: str = ""
    reason: str = ""
    walk_in: bool = False


@dataclass
class MarkResult:
    applied: list[uuid.UUID] = field(default_factory=list)
    # Replays of marks already held, and marks older than the one held.
    ignored: list[uuid.UUID] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


# --- Rights and state of a register ---------------------------------------------------------


def _check_can_mark(*, session: Session, user, now: datetime.datetime, reason: str = "") -> bool:
    """Raise unless ``user`` may change the register now; return whether it is locked."""
    if not can_take_attendance(user, session):
        raise AttendanceError(
            _(
                "Only the session's facilitators, the programme's mediators and coordinators "
                "can take attendance."
            ),
            status=403,
        )
    if session.status == SessionStatus.CANCELLED:
        raise AttendanceError(
            _("This session is cancelled: it has no register."), field="session", status=409
        )
    if register_opens_on(session) > timezone.localtime(now).date():
        raise AttendanceError(
            _("The register opens on the day of the session."), field="session", status=409
        )
    locked = register_is_locked(session, now=now)
    if locked and not has_role(user, Role.COORDINATOR):
        raise AttendanceError(
            _("This register is locked: only a coordinator can correct it now."), status=403
        )
    return locked


def _lock_session(session: Session) -> Session:
    # Marks of one session are applied one batch at a time, so two phones sending at once
    # compare their times against each other's marks.
    return Session.objects.select_for_update().select_related("programme").get(pk=session.pk)


# --- Marks -------------------------------------------------------------------------------------


def _validate(
    *,
    marks: list[MarkInput],
    expected_ids: set[int],
    on_register: set[int],
    known: dict[int, Participant],
    locked: bool,
    now: datetime.datetime,
) -> None:
    for index, mark in enumerate(marks):
        prefix = f"marks.{index}."
        if mark.status not in AttendanceStatus.values:
            raise AttendanceError(
                _("Unknown status “%(status)s”: use present, late, excused or absent.")
                % {"status": mark.status},
                field=prefix + "status",
            )
        if mark.participant_id not in known:
            raise AttendanceError(
                _("Unknown participant %(id)s.") % {"id": mark.participant_id},
                field=prefix + "participant_id",
            )
        if mark.participant_id not in expected_ids | on_register and not mark.walk_in:
            raise AttendanceError(
                _("%(name)s is not expected in this session: add them as a walk-in.")
                % {"name": known[mark.participant_id].full_name},
                field=prefix + "participant_id",
            )
        if len(mark.note) > NOTE_LENGTH:
            raise AttendanceError(
                _("Keep the note under %(count)s characters.") % {"count": NOTE_LENGTH},
                field=prefix + "note",
            )
        if len(mark.reason) > REASON_LENGTH:
            raise AttendanceError(
                _("Keep the reason under %(count)s characters.") % {"count": REASON_LENGTH},
                field=prefix + "reason",
            )
        if locked and not mark.reason.strip():
            raise AttendanceError(
                _("The register is locked: give a reason for the correction."),
                field=prefix + "reason",
            )


@transaction.atomic
def attendance_mark(
    *, session: Session, marks: list[MarkInput], marked_by, now: datetime.datetime | None = None
) -> MarkResult:
    """Apply a batch of marks to a session's register, all or nothing."""
    now = now or timezone.now()
    session = _lock_session(session)
    locked = _check_can_mark(session=session, user=marked_by, now=now)
    participant_ids = {mark.participant_id for mark in marks}
    expected_ids = set(expected_enrolments(session).values_list("participant_id", flat=True))
    held = {
        attendance.participant_id: attendance
        for attendance in Attendance.objects.select_for_update().filter(
            session=session, participant_id__in=participant_ids
        )
    }
    # Only the people on this register and those the marker may see are looked up at all, so
    # that no answer (not even a refusal) names someone else.
    known = Participant.objects.filter(
        Q(pk__in=expected_ids | set(held))
        | Q(pk__in=participants_visible_to(marked_by).values("pk")),
        pk__in=participant_ids,
    ).in_bulk()
    _validate(
        marks=marks,
        expected_ids=expected_ids,
        on_register=set(held),
        known=known,
        locked=locked,
        now=now,
    )

    client_ids = [mark.client_id for mark in marks]
    # Corrections may have no client id, but none is found by ``client_id__in``.
    seen: set[uuid.UUID | None] = set(
        Attendance.objects.filter(client_id__in=client_ids).values_list("client_id", flat=True)
    )
    seen |= set(
        AttendanceCorrection.objects.filter(client_id__in=client_ids).values_list(
            "client_id", flat=True
        )
    )

    result = MarkResult()
    created: dict[int, Attendance] = {}
    changed: dict[int, Attendance] = {}
    corrections: list[AttendanceCorrection] = []
    ordered = sorted(
        enumerate(marks), key=lambda item: (_device_time(item[1].client_marked_at, now), item[0])
    )
    for _index, mark in ordered:
        if mark.client_id in seen:
            result.ignored.append(mark.client_id)
            continue
        seen.add(mark.client_id)
        marked_at_device = _device_time(mark.client_marked_at, now)
        note = mark.note.strip()
        current = created.get(mark.participant_id) or held.get(mark.participant_id)
        if current is None:
            created[mark.participant_id] = Attendance(
                session=session,
                participant_id=mark.participant_id,
                status=mark.status,
                note=note,
                walk_in=mark.participant_id not in expected_ids,
                marked_by=marked_by,
                marked_at=now,
                client_id=mark.client_id,
                client_marked_at=marked_at_device,
            )
            result.applied.append(mark.client_id)
            continue
        if marked_at_device < current.client_marked_at:
            result.ignored.append(mark.client_id)
            continue
        if (current.status, current.note) != (mark.status, note):
            corrections.append(
                AttendanceCorrection(
                    attendance=current,
                    old_status=current.status,
                    new_status=mark.status,
                    old_note=current.note,
                    new_note=note,
                    reason=mark.reason.strip(),
                    after_lock=locked,
                    corrected_by=marked_by,
                    corrected_at=now,
                    client_id=mark.client_id,
                )
            )
        current.status, current.note = mark.status, note
        current.marked_by, current.marked_at = marked_by, now
        current.client_id, current.client_marked_at = mark.client_id, marked_at_device
        if current.pk is not None:
            changed[mark.participant_id] = current
        result.applied.append(mark.client_id)

    if created:
        Attendance.objects.bulk_create(created.values())
    if changed:
        Attendance.objects.bulk_update(
            changed.values(),
            ["status", "note", "marked_by", "marked_at", "client_id", "client_marked_at"],
        )
    if corrections:
        for correction in corrections:
            # Rows created earlier in this batch got their key from bulk_create.
            correction.attendance_id = correction.attendance.pk
        AttendanceCorrection.objects.bulk_create(corrections)
        audit_record_many(
            action=AuditAction.CHANGE,
            actor=marked_by,
            targets=[correction.attendance for correction in corrections],
            summary=_("Attendance corrected after the register locked")
            if locked
            else _("Attendance corrected"),
        )
    touched = set(created) | set(changed)
    if touched:
        result.follow_ups = follow_ups_evaluate(
            programme=session.programme, participant_ids=touched, changed_by=marked_by
        )
    return result


@transaction.atomic
def attendance_mark_all_present(
    *, session: Session, marked_by, now: datetime.datetime | None = None
) -> MarkResult:
    """Mark present every expected participant not marked yet; exceptions are corrected next."""
    now = now or timezone.now()
    marked = set(
        Attendance.objects.filter(session=session).values_list("participant_id", flat=True)
    )
    marks = [
        MarkInput(
            participant_id=participant_id, status=AttendanceStatus.PRESENT, client_marked_at=now
        )
        for participant_id in expected_enrolments(session).values_list("participant_id", flat=True)
        if participant_id not in marked
    ]
    return attendance_mark(session=session, marks=marks, marked_by=marked_by, now=now)


# --- Check-out and safety sheets -------------------------------------------------------------

COLLECTOR_LENGTH: int = CheckOut._meta.get_field("collector_name").max_length or 200
CHECK_OUT_NOTE_LENGTH: int = CheckOut._meta.get_field("note").max_length or 300


@dataclass(frozen=True)
class CheckOutInput:
    participant_id: int
    collected_by: str
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    collector_name: str = ""
    note: str = ""
    checked_out_at: datetime.datetime | None = None


@dataclass(frozen=True)
class SheetOpening:
    """A facilitator opened a child's safety details on the register (maybe offline)."""

    participant_id: int
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    opened_at: datetime.datetime | None = None


@dataclass
class BatchResult(MarkResult):
    check_outs_applied: list[uuid.UUID] = field(default_factory=list)
    check_outs_ignored: list[uuid.UUID] = field(default_factory=list)
    walk_ins: list["WalkInResult"] = field(default_factory=list)


def _same_name(left: str, right: str) -> bool:
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


def _check_check_out(
    check_out: CheckOutInput,
    *,
    prefix: str,
    attended: set[int],
    safety: dict[int, ChildSafety],
    now: datetime.datetime,
) -> None:
    if check_out.collected_by not in CollectedBy.values:
        raise AttendanceError(
            _("Say who collected the child: authorised, alone or other."),
            field=prefix + "collected_by",
        )
    if check_out.participant_id not in attended:
        raise AttendanceError(
            _("Only a child marked present or late can be checked out."),
            field=prefix + "participant_id",
        )
    name = check_out.collector_name.strip()
    if len(name) > COLLECTOR_LENGTH:
        raise AttendanceError(
            _("Keep the name under %(count)s characters.") % {"count": COLLECTOR_LENGTH},
            field=prefix + "collector_name",
        )
    if len(check_out.note) > CHECK_OUT_NOTE_LENGTH:
        raise AttendanceError(
            _("Keep the note under %(count)s characters.") % {"count": CHECK_OUT_NOTE_LENGTH},
            field=prefix + "note",
        )
    child = safety[check_out.participant_id]
    if check_out.collected_by == CollectedBy.ALONE and not child.may_leave_alone:
        raise AttendanceError(
            _("This child may not leave alone: say who collected them."),
            field=prefix + "collected_by",
        )
    if check_out.collected_by == CollectedBy.AUTHORISED and not any(
        _same_name(name, person["name"]) for person in child.authorised
    ):
        raise AttendanceError(
            _(
                "This person is not on the list of people authorised to collect the "
                "child: choose “someone else” and write a note."
            ),
            field=prefix + "collector_name",
        )
    if check_out.collected_by == CollectedBy.OTHER:
        if not name:
            raise AttendanceError(
                _("Give the name of the person who collected the child."),
                field=prefix + "collector_name",
            )
        if not check_out.note.strip():
            raise AttendanceError(
                _("Write a note: who this person is and how their identity was checked."),
                field=prefix + "note",
            )


def _safety_of(participant_ids: set[int]) -> dict[int, ChildSafety]:
    sheets = current_sheets(participant_ids)
    guardians: dict[int, list[str]] = {pid: [] for pid in participant_ids}
    for participant_id, first_name, last_name in Guardian.objects.filter(
        household__participants__in=participant_ids
    ).values_list("household__participants", "first_name", "last_name"):
        guardians[participant_id].append(f"{first_name} {last_name}".strip())
    return {
        pid: ChildSafety(sheet=sheets.get(pid), guardians=guardians[pid]) for pid in participant_ids
    }


def check_outs_record(
    *,
    session: Session,
    check_outs: list[CheckOutInput],
    recorded_by,
    now: datetime.datetime | None = None,
    result: BatchResult | None = None,
) -> BatchResult:
    """Record who collected each child, all or nothing; idempotent by client id. A child left
    with someone not on the list tells the programme's mediators and the coordinators."""
    now = now or timezone.now()
    result = result if result is not None else BatchResult()
    if not check_outs:
        return result
    session = _lock_session(session)
    _check_can_mark(session=session, user=recorded_by, now=now)
    ids = {check_out.participant_id for check_out in check_outs}
    attended = set(
        Attendance.objects.filter(
            session=session, participant_id__in=ids, status__in=ATTENDED_STATUSES
        ).values_list("participant_id", flat=True)
    )
    safety = _safety_of(ids & attended)
    for index, check_out in enumerate(check_outs):
        _check_check_out(
            check_out, prefix=f"check_outs.{index}.", attended=attended, safety=safety, now=now
        )
    held = {
        row.participant_id: row
        for row in CheckOut.objects.select_for_update().filter(
            session=session, participant_id__in=ids
        )
    }
    seen = set(
        CheckOut.objects.filter(client_id__in=[c.client_id for c in check_outs]).values_list(
            "client_id", flat=True
        )
    )
    unlisted = []
    for check_out in sorted(check_outs, key=lambda item: _device_time(item.checked_out_at, now)):
        if check_out.client_id in seen:
            result.check_outs_ignored.append(check_out.client_id)
            continue
        seen.add(check_out.client_id)
        at = _device_time(check_out.checked_out_at, now)
        current = held.get(check_out.participant_id)
        if current is not None and at < current.checked_out_at:
            result.check_outs_ignored.append(check_out.client_id)
            continue
        row = current or CheckOut(session=session, participant_id=check_out.participant_id)
        row.collected_by = check_out.collected_by
        row.collector_name = (
            "" if check_out.collected_by == CollectedBy.ALONE else check_out.collector_name.strip()
        )
        row.note = check_out.note.strip()
        row.checked_out_at, row.recorded_by, row.recorded_at = at, recorded_by, now
        row.client_id = check_out.client_id
        row.save()
        held[check_out.participant_id] = row
        result.check_outs_applied.append(check_out.client_id)
        if row.collected_by == CollectedBy.OTHER:
            unlisted.append(row)
    for row in unlisted:
        signals.child_left_with_unlisted_person.send(
            CheckOut, check_out=row, recorded_by=recorded_by
        )
    return result


def sheet_openings_record(*, session: Session, openings: list[SheetOpening], opened_by) -> int:
    """Audit each opening of a child's details on the register, once per client id."""
    if not openings or not is_facilitator(opened_by, session):
        return 0
    sheets = current_sheets({opening.participant_id for opening in openings})
    summaries = {
        opening.client_id: f"register {session.pk}: safety details opened ({opening.client_id})"
        for opening in openings
    }
    from accounts.models import AuditEvent

    done = set(
        AuditEvent.objects.filter(summary__in=summaries.values()).values_list("summary", flat=True)
    )
    recorded = 0
    for opening in openings:
        sheet = sheets.get(opening.participant_id)
        summary = summaries[opening.client_id]
        if sheet is None or summary in done:
            continue
        done.add(summary)
        audit_record(action=AuditAction.VIEW, actor=opened_by, target=sheet, summary=summary)
        recorded += 1
    return recorded


@transaction.atomic
def attendance_batch_apply(
    *,
    session: Session,
    marked_by,
    marks: list[MarkInput],
    check_outs: Sequence[CheckOutInput] = (),
    openings: Sequence[SheetOpening] = (),
    walk_ins: Sequence["WalkInInput"] = (),
    now: datetime.datetime | None = None,
) -> BatchResult:
    """What a phone sends: newcomers, marks, then check-outs, then openings of details; all or
    nothing."""
    now = now or timezone.now()
    registered = walk_ins_register(session=session, walk_ins=walk_ins, marked_by=marked_by, now=now)
    marked = (
        attendance_mark(session=session, marks=marks, marked_by=marked_by, now=now)
        if marks
        else MarkResult()
    )
    result = BatchResult(
        applied=marked.applied,
        ignored=marked.ignored,
        follow_ups=marked.follow_ups,
        walk_ins=registered,
    )
    check_outs_record(
        session=session, check_outs=list(check_outs), recorded_by=marked_by, now=now, result=result
    )
    sheet_openings_record(session=session, openings=list(openings), opened_by=marked_by)
    return result


# --- Walk-ins ----------------------------------------------------------------------------------


@transaction.atomic
def walk_in_add(
    *,
    session: Session,
    participant: Participant,
    marked_by,
    status: str = AttendanceStatus.PRESENT,
    now: datetime.datetime | None = None,
) -> MarkResult:
    """Put on the register someone who came without being enrolled in this session."""
    return attendance_mark(
        session=session,
        marked_by=marked_by,
        now=now,
        marks=[
            MarkInput(
                participant_id=participant.pk,
                status=status,
                walk_in=True,
                client_marked_at=now or timezone.now(),
            )
        ],
    )


@dataclass(frozen=True)
class WalkInInput:
    """A newcomer typed on a phone, maybe offline: ``client_id`` makes sending it again harmless."""

    first_name: str
    last_name: str
    birth_date: datetime.date
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    neighbourhood: str = ""
    in_qpv: bool = False
    registered_at: datetime.datetime | None = None


@dataclass(frozen=True)
class WalkInResult:
    client_id: uuid.UUID
    participant: Participant
    created: bool


@transaction.atomic
def walk_in_register(
    *,
    session: Session,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    marked_by,
    neighbourhood: str = "",
    in_qpv: bool = False,
    client_id: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> Participant:
    """A newcomer with the least data that reports need: a household of their own, created by
    the mediator, completed later (guardian, consents) when the family enrols."""
    return walk_in_register_one(
        session=session,
        walk_in=WalkInInput(
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            client_id=client_id or uuid.uuid4(),
            neighbourhood=neighbourhood,
            in_qpv=in_qpv,
        ),
        marked_by=marked_by,
        now=now,
    ).participant


@transaction.atomic
def walk_in_register_one(
    *, session: Session, walk_in: WalkInInput, marked_by, now: datetime.datetime | None = None
) -> WalkInResult:
    """Register one newcomer as present, or find the one this ``client_id`` already created."""
    now = now or timezone.now()
    # The session's lock makes two sends of the same registration wait for each other.
    session = _lock_session(session)
    _check_can_mark(session=session, user=marked_by, now=now)
    earlier = (
        Attendance.objects.filter(registration_client_id=walk_in.client_id)
        .select_related("participant")
        .first()
    )
    if earlier is not None:
        if earlier.session_id != session.pk:
            raise AttendanceError(
                _("This walk-in was already sent for another session."), field="client_id"
            )
        return WalkInResult(
            client_id=walk_in.client_id, participant=earlier.participant, created=False
        )
    household = Household.objects.create(
        created_by=marked_by, neighbourhood=walk_in.neighbourhood.strip(), in_qpv=walk_in.in_qpv
    )
    participant = participant_create(
        household=household,
        first_name=walk_in.first_name,
        last_name=walk_in.last_name,
        birth_date=walk_in.birth_date,
    )
    arrived_at = _device_time(walk_in.registered_at, now)
    attendance_mark(
        session=session,
        marked_by=marked_by,
        now=now,
        marks=[
            MarkInput(
                participant_id=participant.pk,
                status=AttendanceStatus.PRESENT,
                walk_in=True,
                client_marked_at=arrived_at,
            )
        ],
    )
    Attendance.objects.filter(session=session, participant=participant).update(
        registration_client_id=walk_in.client_id
    )
    return WalkInResult(client_id=walk_in.client_id, participant=participant, created=True)


def walk_ins_register(
    *,
    session: Session,
    walk_ins: Sequence[WalkInInput],
    marked_by,
    now: datetime.datetime | None = None,
) -> list[WalkInResult]:
    """A batch from a phone: a refusal names the item (``walk_ins.<n>.<field>``) so the phone
    can tell which one was refused and keep the others."""
    results = []
    for index, walk_in in enumerate(walk_ins):
        try:
            results.append(
                walk_in_register_one(session=session, walk_in=walk_in, marked_by=marked_by, now=now)
            )
        except DomainError as error:
            name = f"{walk_in.first_name} {walk_in.last_name}".strip()
            raise AttendanceError(
                _("%(name)s was not added: %(reason)s") % {"name": name, "reason": error.message},
                field=f"walk_ins.{index}.{error.field or 'client_id'}",
                status=error.status,
            ) from error
    return results


@transaction.atomic
def headcount_set(
    *,
    session: Session,
    counts: dict[str, int],
    updated_by,
    now: datetime.datetime | None = None,
) -> list[AnonymousHeadcount]:
    """Set (not add to) the anonymous headcount of each age band: sending twice is harmless."""
    now = now or timezone.now()
    session = _lock_session(session)
    _check_can_mark(session=session, user=updated_by, now=now)
    if session.programme.kind != Kind.HEALTH_PREVENTION:
        raise AttendanceError(
            _("Anonymous headcounts are only for open health-prevention sessions."),
            field="age_band",
            status=409,
        )
    for age_band, count in counts.items():
        if age_band not in age_band_keys():
            raise AttendanceError(
                _("Unknown age band “%(band)s”.") % {"band": age_band}, field="age_band"
            )
        if count is None or count < 0:
            raise AttendanceError(_("A headcount cannot be negative."), field=age_band)
    for age_band, count in counts.items():
        AnonymousHeadcount.objects.update_or_create(
            session=session,
            age_band=age_band,
            defaults={"count": count, "updated_by": updated_by, "updated_at": now},
        )
    return list(AnonymousHeadcount.objects.filter(session=session))


# --- Held without a register ------------------------------------------------------------------

HELD_REASON_LENGTH = cast(int, HeldDeclaration._meta.get_field("reason").max_length)


@transaction.atomic
def held_declaration_create(
    *,
    session: Session,
    reason: str,
    declared_by,
    now: datetime.datetime | None = None,
) -> HeldDeclaration:
    """A coordinator states that a past session took place although no register was taken;
    reports then count it as held, and say it was declared without a register."""
    now = now or timezone.now()
    if not has_role(declared_by, Role.COORDINATOR):
        raise AttendanceError(
            _("Only a coordinator can declare a session held without a register."), status=403
        )
    session = _lock_session(session)
    if session.status == SessionStatus.CANCELLED:
        raise AttendanceError(
            _("A cancelled session cannot be declared held."), field="reason", status=409
        )
    if session.starts_at >= now:
        raise AttendanceError(
            _("A session can be declared held only once it has started."),
            field="reason",
            status=409,
        )
    reason = (reason or "").strip()
    if not reason:
        raise AttendanceError(
            _(
                "Say why there is no register, for example: the sheet was "
                "lost, the register was kept on paper."
            ),
            field="reason",
        )
    if len(reason) > HELD_REASON_LENGTH:
        raise AttendanceError(
            _("Keep the reason under %(limit)d characters.") % {"limit": HELD_REASON_LENGTH},
            field="reason",
        )
    declaration, _created = HeldDeclaration.objects.update_or_create(
        session=session, defaults={"reason": reason, "declared_by": declared_by, "declared_at": now}
    )
    return declaration


# --- Signatures --------------------------------------------------------------------------------

SIGNATURE_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX_BYTES = 200_000


@transaction.atomic
def signature_record(
    *,
    session: Session,
    participant: Participant,
    image: str,
    taken_by,
    now: datetime.datetime | None = None,
) -> RegisterSignature:
    """Keep the signature a person drew on the phone for this session (drawing again replaces
    it). Only someone who may take the register, from the day of the session on, for someone
    on the register."""
    now = now or timezone.now()
    session = _lock_session(session)
    _check_can_mark(session=session, user=taken_by, now=now)
    on_register = (
        expected_enrolments(session).filter(participant=participant).exists()
        or Attendance.objects.filter(session=session, participant=participant).exists()
    )
    if not on_register:
        raise AttendanceError(
            _("This person is not on the register of this session."), field="participant"
        )
    image = (image or "").strip()
    try:
        if not image.startswith(SIGNATURE_PREFIX):
            raise ValueError
        data = base64.b64decode(image[len(SIGNATURE_PREFIX) :], validate=True)
    except ValueError:
        data = b""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise AttendanceError(_("Sign in the box first."), field="image")
    if len(data) > SIGNATURE_MAX_BYTES:
        raise AttendanceError(
            _("This signature is too large: clear it and sign again."), field="image"
        )
    signature, _created = RegisterSignature.objects.update_or_create(
        session=session,
        participant=participant,
        defaults={"image": image, "signed_at": now, "taken_by": taken_by},
    )
    return signature


# --- Outreach ("aller vers") ---------------------------------------------------------------------

PLACE_LENGTH = cast(int, OutreachContact._meta.get_field("place").max_length)
NEIGHBOURHOOD_LENGTH = cast(int, OutreachContact._meta.get_field("neighbourhood").max_length)


@transaction.atomic
def outreach_record(
    *,
    client_id: uuid.UUID,
    recorded_by,
    day: datetime.date,
    place: str,
    theme: str,
    counts: dict[tuple[str, str], int],
    neighbourhood: str = "",
    in_qpv: bool = False,
    referral: bool = False,
    now: datetime.datetime | None = None,
) -> OutreachContact:
    """People a mediator met on outreach, counted by age band and sex, without names. A
    contact sent again with the same ``client_id`` (a phone back online) changes nothing."""
    now = now or timezone.now()
    if not has_role(recorded_by, Role.MEDIATOR, Role.COORDINATOR):
        raise AttendanceError(_("Only mediators and coordinators record outreach."), status=403)
    existing = OutreachContact.objects.filter(client_id=client_id).first()
    if existing is not None:
        return existing
    if day.year < OUTREACH_FIRST_YEAR:
        raise AttendanceError(_("Choose the day of the contact, today or before."), field="day")
    if day > timezone.localtime(now).date():
        # Depends on today's date, which no schema can state: a conflict with the clock.
        raise AttendanceError(
            _("Choose the day of the contact, today or before."), field="day", status=409
        )
    place, neighbourhood = (place or "").strip(), (neighbourhood or "").strip()
    if not place:
        raise AttendanceError(_("Say where the contact took place."), field="place")
    if len(place) > PLACE_LENGTH or len(neighbourhood) > NEIGHBOURHOOD_LENGTH:
        raise AttendanceError(
            _("This text is too long."),
            field="place" if len(place) > PLACE_LENGTH else "neighbourhood",
        )
    if theme not in ProgrammeField.values:
        raise AttendanceError(_("Choose a theme from the list."), field="theme")
    bands, sexes = set(age_band_keys()), set(Sex.values)
    for (band, sex), count in counts.items():
        if band not in bands or sex not in sexes:
            raise AttendanceError(_("Unknown age band or sex."), field="counts")
        if count is None or count < 0:
            raise AttendanceError(_("A headcount cannot be negative."), field="counts")
        if count > OUTREACH_COUNT_MAX:
            raise AttendanceError(
                _("A headcount is %(max)s at most.") % {"max": OUTREACH_COUNT_MAX},
                field="counts",
            )
    if not sum(counts.values()):
        raise AttendanceError(_("Count at least one person met."), field="counts")
    try:
        with transaction.atomic():
            contact = OutreachContact.objects.create(
                client_id=client_id,
                day=day,
                place=place,
                neighbourhood=neighbourhood,
                in_qpv=in_qpv,
                theme=theme,
                referral=referral,
                recorded_by=recorded_by,
                recorded_at=now,
            )
            OutreachCount.objects.bulk_create(
                [
                    OutreachCount(contact=contact, age_band=band, sex=sex, count=count)
                    for (band, sex), count in counts.items()
                    if count
                ]
            )
    except IntegrityError:
        # The same contact posted twice at the same instant (a retry racing the first post):
        # the unique client_id let one in, and the other answers with it.
        return OutreachContact.objects.get(client_id=client_id)
    return contact


# --- Follow-up of absences ---------------------------------------------------------------------


def follow_up_threshold(programme: Programme) -> int:
    """Unexcused absences in a row that open a follow-up; 0 when the rule is off."""
    if programme.kind == Kind.REMOBILISATION:
        return programme.absence_follow_up_threshold or DEFAULT_FOLLOW_UP_THRESHOLD
    if not programme.is_whole_cycle:
        return 0
    return programme.absence_follow_up_threshold


def _absence_streak(attendances: list[Attendance], covered: set[int]) -> list[Session]:
    """Sessions of the latest unexcused absences in a row, newest first.

    Excused absences neither count nor break the run; a presence (or lateness) ends it, and so
    does a session already part of an earlier follow-up.
    """
    streak = []
    for attendance in attendances:
        if attendance.session_id in covered:
            break
        if attendance.status == AttendanceStatus.ABSENT:
            streak.append(attendance.session)
        elif attendance.status != AttendanceStatus.EXCUSED:
            break
    return streak


def follow_ups_evaluate(
    *, programme: Programme, participant_ids: set[int], changed_by=None
) -> list[FollowUp]:
    """Open a follow-up for each participant whose unexcused absences in a row reach the
    programme's threshold, unless one is already open."""
    threshold = follow_up_threshold(programme)
    if not threshold or not participant_ids:
        return []
    existing = FollowUp.objects.filter(programme=programme, participant_id__in=participant_ids)
    open_for = set(
        existing.filter(status=FollowUpStatus.OPEN).values_list("participant_id", flat=True)
    )
    candidates = set(participant_ids) - open_for
    if not candidates:
        return []
    covered: dict[int, set[int]] = {}
    for participant_id, session_id in FollowUp.sessions.through.objects.filter(
        followup__in=existing.filter(participant_id__in=candidates)
    ).values_list("followup__participant_id", "session_id"):
        covered.setdefault(participant_id, set()).add(session_id)
    by_participant: dict[int, list[Attendance]] = {}
    for attendance in (
        Attendance.objects.filter(session__programme=programme, participant_id__in=candidates)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session")
        .order_by("participant_id", "-session__starts_at")
    ):
        by_participant.setdefault(attendance.participant_id, []).append(attendance)
    opened = []
    for participant_id, attendances in by_participant.items():
        streak = _absence_streak(attendances, covered.get(participant_id, set()))
        if len(streak) < threshold:
            continue
        opened.append(
            _follow_up_open(
                programme=programme,
                participant_id=participant_id,
                sessions=streak,
                changed_by=changed_by,
            )
        )
    return opened


def _follow_up_open(
    *, programme: Programme, participant_id: int, sessions: list[Session], changed_by
) -> FollowUp:
    enrolment = (
        Enrolment.objects.filter(
            programme=programme, participant_id=participant_id, status=EnrolmentStatus.CONFIRMED
        )
        .order_by("-created_at")
        .first()
    )
    follow_up = FollowUp.objects.create(
        participant_id=participant_id,
        programme=programme,
        enrolment=enrolment,
        mediator=responsible_mediator(programme=programme, session=sessions[0]),
    )
    follow_up.sessions.set(sessions)
    signals.follow_up_opened.send(sender=FollowUp, follow_up=follow_up, changed_by=changed_by)
    return follow_up


@transaction.atomic
def follow_up_close(
    *,
    follow_up: FollowUp,
    outcome: str,
    closed_by,
    note: str = "",
    now: datetime.datetime | None = None,
) -> FollowUp:
    """Record what the mediator did, and close the follow-up."""
    if not follow_ups_visible_to(closed_by).filter(pk=follow_up.pk).exists():
        raise AttendanceError(
            _("Only the programme's mediators and coordinators can close this follow-up."),
            status=403,
        )
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.OPEN:
        raise AttendanceError(_("This follow-up is already closed."), field="status", status=409)
    if outcome not in FollowUpOutcome.values:
        raise AttendanceError(_("Choose what came of the follow-up."), field="outcome")
    if len(note.strip()) > FOLLOW_UP_NOTE_LENGTH:
        raise AttendanceError(
            _("Keep the note under %(count)s characters.") % {"count": FOLLOW_UP_NOTE_LENGTH},
            field="note",
        )
    follow_up.status = FollowUpStatus.CLOSED
    follow_up.outcome = outcome
    follow_up.outcome_note = note.strip()
    follow_up.closed_at = now or timezone.now()
    follow_up.closed_by = closed_by
    follow_up.save(update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by"])
    # The outcome and its note are about the family: the change is in the audit trail.
    audit_record(
        action=AuditAction.CHANGE,
        actor=closed_by,
        target=follow_up,
        summary=f"follow-up closed: {outcome}; participant {follow_up.participant_id}",
    )
    return follow_up
