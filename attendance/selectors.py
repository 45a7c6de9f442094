"""Reads on attendance: who may take a register, the register itself, follow-ups and rates."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.roles import Role, has_role
from core.reads import personal_read
from core.time import local_day_bounds, local_today
from enrolment.models import Enrolment, EnrolmentStatus
from households.access import participants_visible_to
from households.models import Guardian, Participant, SafetySheet
from households.selectors import Contact, current_sheets, enrolment_contact
from programmes.models import Mediator, Programme
from programmes.selectors import age_on
from sessions.models import Session, SessionStatus

from .models import (
    ATTENDED_STATUSES,
    AnonymousHeadcount,
    Attendance,
    AttendanceCorrection,
    CheckOut,
    CollectedBy,
    FollowUp,
    FollowUpStatus,
    HeldDeclaration,
    OutreachContact,
    RegisterSignature,
)


def can_take_attendance(user, session: Session) -> bool:
    """Facilitators of the session, mediators of its programme and coordinators; nobody else."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.COORDINATOR):
        return True
    if not has_role(user, Role.MEDIATOR):
        return False
    return (
        Session.objects.filter(pk=session.pk)
        .filter(Q(facilitators__user=user) | Q(programme__mediators__user=user))
        .exists()
    )


def can_see_programme_attendance(user, programme: Programme) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR):
        return True
    return has_role(user, Role.MEDIATOR) and programme.mediators.filter(user=user).exists()


def register_lock_at(session: Session) -> datetime.datetime:
    return session.ends_at + datetime.timedelta(days=settings.ATTENDANCE_LOCK_DAYS)


def register_is_locked(session: Session, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= register_lock_at(session)


def register_opens_on(session: Session) -> datetime.date:
    """Marks are taken from the day of the session on, not before."""
    return timezone.localtime(session.starts_at).date()


def expected_enrolments(session: Session) -> QuerySet[Enrolment]:
    """Confirmed enrolments in the session, or in its programme's whole cycle."""
    return (
        Enrolment.objects.filter(
            programme_id=session.programme_id, status=EnrolmentStatus.CONFIRMED
        )
        .filter(Q(session_id=session.pk) | Q(session__isnull=True))
        .select_related("participant")
        .order_by("participant__last_name", "participant__first_name", "participant_id")
    )


def sessions_for_register(user) -> QuerySet[Session]:
    """Sessions whose register ``user`` may take, with what the register page shows."""
    sessions = Session.objects.select_related("programme", "venue")
    if has_role(user, Role.COORDINATOR):
        return sessions
    if not has_role(user, Role.MEDIATOR):
        return sessions.none()
    mine = Session.objects.filter(
        Q(facilitators__user=user) | Q(programme__mediators__user=user)
    ).values("pk")
    return sessions.filter(pk__in=mine)


ADULT_AGE = 18


@dataclass
class ChildSafety:
    """What the session's facilitators see of a child's safety sheet on the register."""

    sheet: SafetySheet | None
    guardians: list[str]

    @property
    def allergy(self) -> bool:
        return self.sheet is not None and self.sheet.has_allergy

    @property
    def pai(self) -> bool:
        return self.sheet is not None and self.sheet.has_pai

    @property
    def may_leave_alone(self) -> bool:
        return self.sheet is not None and self.sheet.may_leave_alone

    @property
    def no_photos(self) -> bool:
        # No sheet: no consent to photos either.
        return self.sheet is None or self.sheet.no_photos

    @property
    def authorised(self) -> list[dict]:
        """Who may collect the child: the guardians, then the people on the sheet."""
        people = [{"name": name, "relation": "", "phone": ""} for name in self.guardians]
        return people + (self.sheet.authorised_people if self.sheet is not None else [])


@dataclass
class RegisterRow:
    participant: Participant
    expected: bool
    attendance: Attendance | None = None
    signature: RegisterSignature | None = None
    check_out: CheckOut | None = None
    minor: bool = False
    safety: ChildSafety | None = None

    @property
    def needs_check_out(self) -> bool:
        """A child who came and has not been handed over yet."""
        return self.minor and self.status in ATTENDED_STATUSES and self.check_out is None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def note(self) -> str:
        return self.attendance.note if self.attendance else ""


@dataclass
class Rate:
    expected: int
    attended: int

    @property
    def percent(self) -> int | None:
        if not self.expected:
            return None
        return round(100 * min(self.attended, self.expected) / self.expected)


@dataclass
class Register:
    session: Session
    rows: list[RegisterRow]
    headcounts: list[AnonymousHeadcount]
    corrections: list[AttendanceCorrection] = field(default_factory=list)
    held_declaration: HeldDeclaration | None = None
    signatures: dict[int, RegisterSignature] = field(default_factory=dict)
    # Flags and details of the safety sheets: only for the session's facilitators.
    shows_safety: bool = False

    @property
    def taken(self) -> bool:
        """Whether the register was taken: a mark, or an anonymous headcount of someone."""
        return self.marked > 0 or self.anonymous_total > 0 or bool(self.signatures)

    @property
    def not_checked_out(self) -> list[RegisterRow]:
        """Children still to hand over; once the session has ended, a warning."""
        return [row for row in self.rows if row.needs_check_out]

    @property
    def ended(self) -> bool:
        return timezone.now() >= self.session.ends_at

    @property
    def rate(self) -> Rate:
        expected = [row for row in self.rows if row.expected]
        attended = [row for row in expected if row.status in ATTENDED_STATUSES]
        return Rate(expected=len(expected), attended=len(attended))

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.attendance is not None)

    @property
    def walk_ins(self) -> int:
        return sum(1 for row in self.rows if not row.expected)

    @property
    def anonymous_total(self) -> int:
        return sum(headcount.count for headcount in self.headcounts)


def is_facilitator(user, session: Session) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return session.facilitators.filter(user=user).exists()


def _is_minor(participant: Participant, session: Session) -> bool:
    return age_on(participant.birth_date, timezone.localtime(session.starts_at).date()) < ADULT_AGE


def register_get(*, session: Session, with_corrections: bool = False, user=None) -> Register:
    """The expected participants with their marks, then walk-ins, in a fixed number of
    queries whatever the number of participants. With ``user`` one of the session's
    facilitators, each child's safety flags too (two more queries)."""
    expected = [enrolment.participant for enrolment in expected_enrolments(session)]
    marks = {
        attendance.participant_id: attendance
        for attendance in Attendance.objects.filter(session=session).select_related(
            "participant", "marked_by"
        )
    }
    rows = [
        RegisterRow(
            participant=participant, expected=True, attendance=marks.pop(participant.pk, None)
        )
        for participant in expected
    ]
    # A mark of someone no longer expected (a walk-in, or an enrolment cancelled after the
    # session) stays on the register.
    rows += sorted(
        (
            RegisterRow(participant=mark.participant, expected=False, attendance=mark)
            for mark in marks.values()
        ),
        key=lambda row: (row.participant.last_name, row.participant.first_name),
    )
    check_outs = {
        check_out.participant_id: check_out
        for check_out in CheckOut.objects.filter(session=session)
    }
    for row in rows:
        row.check_out = check_outs.get(row.participant.pk)
        row.minor = _is_minor(row.participant, session)
    shows_safety = user is not None and is_facilitator(user, session)
    if shows_safety:
        ids = [row.participant.pk for row in rows]
        sheets = current_sheets(ids)
        guardians: dict[int, list[str]] = defaultdict(list)
        for participant_id, first_name, last_name in (
            Guardian.objects.filter(household__participants__in=ids)
            .order_by("-is_primary", "pk")
            .values_list("household__participants", "first_name", "last_name")
        ):
            guardians[participant_id].append(f"{first_name} {last_name}".strip())
        for row in rows:
            row.safety = ChildSafety(
                sheet=sheets.get(row.participant.pk), guardians=guardians[row.participant.pk]
            )
    headcounts = list(AnonymousHeadcount.objects.filter(session=session))
    corrections = []
    if with_corrections:
        corrections = list(
            AttendanceCorrection.objects.filter(attendance__session=session).select_related(
                "attendance__participant", "corrected_by"
            )[:50]
        )
    held_declaration = (
        HeldDeclaration.objects.filter(session=session).select_related("declared_by").first()
    )
    signatures = {
        signature.participant_id: signature
        for signature in RegisterSignature.objects.filter(session=session)
    }
    for row in rows:
        row.signature = signatures.get(row.participant.pk)
    return Register(
        session=session,
        rows=rows,
        headcounts=headcounts,
        corrections=corrections,
        held_declaration=held_declaration,
        signatures=signatures,
        shows_safety=shows_safety,
    )


def sessions_of_day(*, user, day: datetime.date | None = None) -> list[Session]:
    """The user's sessions of a local day, each with ``marked`` (marks taken so far)."""
    start, end = local_day_bounds(day or local_today())
    return list(
        sessions_for_register(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(marked=Count("attendances"))
        .order_by("starts_at", "pk")
    )


def children_not_checked_out(*, user, days: int = 2) -> list[tuple[Session, int]]:
    """Sessions of the last ``days`` days, ended, with children marked present or late and not
    checked out, and how many: for the mediator's home."""
    now = timezone.now()
    today_start, _end = local_day_bounds(local_today())
    sessions = list(
        sessions_for_register(user)
        .filter(starts_at__gte=today_start - datetime.timedelta(days=days), ends_at__lte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .filter(
            Exists(Attendance.objects.filter(session=OuterRef("pk"), status__in=ATTENDED_STATUSES))
        )
        .order_by("-starts_at", "pk")[:20]
    )
    if not sessions:
        return []
    attended = Attendance.objects.filter(
        session__in=sessions, status__in=ATTENDED_STATUSES
    ).exclude(
        Exists(
            CheckOut.objects.filter(
                session=OuterRef("session"), participant=OuterRef("participant")
            )
        )
    )
    counts: dict[int, int] = defaultdict(int)
    by_pk = {session.pk: session for session in sessions}
    for session_id, birth_date in attended.values_list("session_id", "participant__birth_date"):
        session = by_pk[session_id]
        if age_on(birth_date, timezone.localtime(session.starts_at).date()) < ADULT_AGE:
            counts[session_id] += 1
    return [(session, counts[session.pk]) for session in sessions if counts[session.pk]]


def check_outs_to_unlisted(*, start: datetime.datetime, end: datetime.datetime) -> int:
    """Children handed to someone not on their sheet's list, in a period: a count, no names."""
    return CheckOut.objects.filter(
        collected_by=CollectedBy.OTHER, checked_out_at__gte=start, checked_out_at__lt=end
    ).count()


# --- Held means held ---------------------------------------------------------------------------
# The one definition of a session that took place, used by the register pages and every report.


def register_taken() -> Q:
    """On an outer Session query: a register was taken (a mark, whatever it says, or an
    anonymous headcount of at least one person)."""
    return (
        Q(Exists(Attendance.objects.filter(session_id=OuterRef("pk"))))
        | Q(Exists(AnonymousHeadcount.objects.filter(session_id=OuterRef("pk"), count__gt=0)))
        | signed()
    )


def signed() -> Q:
    """On an outer Session query: at least one signature was drawn on the register."""
    return Q(Exists(RegisterSignature.objects.filter(session_id=OuterRef("pk"))))


def held_declared() -> Q:
    """On an outer Session query: a coordinator declared it held without a register."""
    return Q(Exists(HeldDeclaration.objects.filter(session_id=OuterRef("pk"))))


def past_sessions(sessions: QuerySet[Session], *, now: datetime.datetime) -> QuerySet[Session]:
    """Sessions that started before ``now`` and were not cancelled."""
    return sessions.exclude(status=SessionStatus.CANCELLED).filter(starts_at__lt=now)


def sessions_held(sessions: QuerySet[Session], *, now: datetime.datetime) -> QuerySet[Session]:
    """Past sessions whose register was taken or that a coordinator declared held."""
    return past_sessions(sessions, now=now).filter(register_taken() | held_declared())


def sessions_register_missing(
    sessions: QuerySet[Session], *, now: datetime.datetime
) -> QuerySet[Session]:
    """Past sessions with neither a register nor a declaration: not counted as held."""
    return past_sessions(sessions, now=now).exclude(register_taken() | held_declared())


def sessions_to_complete(*, user, limit: int = 50) -> list[Session]:
    """The user's past sessions whose register is missing, the most recent first: once the
    day is over they are not counted as held until someone takes the register (or a
    coordinator declares them held)."""
    today_start, _end = local_day_bounds(local_today())
    return list(
        sessions_register_missing(sessions_for_register(user), now=today_start).order_by(
            "-starts_at", "pk"
        )[:limit]
    )


def walk_in_candidates(*, user, query: str, limit: int = 20) -> QuerySet[Participant]:
    """Participants the user may see whose name matches every word of ``query``."""
    words = query.split()
    if not words:
        return Participant.objects.none()
    participants = participants_visible_to(user)
    for word in words:
        participants = participants.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return participants.select_related("household").order_by("last_name", "first_name")[:limit]


def follow_ups_visible_to(user) -> QuerySet[FollowUp]:
    if not getattr(user, "is_authenticated", False):
        return FollowUp.objects.none()
    if has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR):
        return FollowUp.objects.all()
    if not has_role(user, Role.MEDIATOR):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(
        Q(mediator__user=user)
        | Q(pk__in=FollowUp.objects.filter(programme__mediators__user=user).values("pk"))
    )


def follow_up_list(*, user, status: str | None = FollowUpStatus.OPEN) -> QuerySet[FollowUp]:
    follow_ups = follow_ups_visible_to(user)
    if status:
        follow_ups = follow_ups.filter(status=status)
    return (
        follow_ups.select_related(
            "participant__household",
            "participant__guardian_record",
            "programme",
            "mediator__user",
            "closed_by",
        )
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("starts_at")),
            Prefetch(
                "participant__household__guardians",
                queryset=Guardian.objects.order_by("-is_primary", "pk"),
            ),
        )
        .order_by("-opened_at", "-pk")
    )


@dataclass
class ParticipantRate:
    participant_id: int
    name: str
    rate: Rate


@dataclass
class ProgrammeFigures:
    programme: Programme
    sessions: list[tuple[Session, Rate]]
    participants: list[ParticipantRate]

    @property
    def overall(self) -> Rate:
        return Rate(
            expected=sum(rate.expected for _session, rate in self.sessions),
            attended=sum(min(rate.attended, rate.expected) for _session, rate in self.sessions),
        )


def programme_figures(*, programme: Programme) -> ProgrammeFigures:
    """Attendance rates (present and late over expected) of the sessions whose register was
    taken, per session and per participant, in three queries.

    Expected means the current confirmed enrolments: the session's own, or the whole cycle's.
    """
    held = list(
        Session.objects.filter(programme=programme)
        .exclude(status=SessionStatus.CANCELLED)
        .filter(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
        .order_by("starts_at")
    )
    held_ids = {session.pk for session in held}
    enrolments = list(
        Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.CONFIRMED)
        .filter(Q(session__isnull=True) | Q(session_id__in=held_ids))
        .values_list(
            "participant_id", "session_id", "participant__first_name", "participant__last_name"
        )
    )
    attended_pairs = set(
        Attendance.objects.filter(
            session_id__in=held_ids, status__in=ATTENDED_STATUSES
        ).values_list("participant_id", "session_id")
    )
    expected_by_session: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for participant_id, session_id, first_name, last_name in enrolments:
        names[participant_id] = f"{first_name} {last_name}".strip()
        targets = held_ids if session_id is None else {session_id}
        for target in targets:
            expected_by_session[target].add(participant_id)
    per_participant: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    session_rates = []
    for session in held:
        expected = expected_by_session[session.pk]
        attended = {pid for pid in expected if (pid, session.pk) in attended_pairs}
        session_rates.append((session, Rate(expected=len(expected), attended=len(attended))))
        for participant_id in expected:
            per_participant[participant_id][0] += 1
            per_participant[participant_id][1] += participant_id in attended
    participants = sorted(
        (
            ParticipantRate(
                participant_id=pid,
                name=names[pid],
                rate=Rate(expected=counts[0], attended=counts[1]),
            )
            for pid, counts in per_participant.items()
        ),
        key=lambda row: row.name,
    )
    return ProgrammeFigures(programme=programme, sessions=session_rates, participants=participants)


def responsible_mediator(*, programme: Programme, session: Session | None) -> Mediator | None:
    """A mediator of the programme who facilitated the session, else its first mediator."""
    mediators = list(programme.mediators.order_by("pk"))
    if session is not None:
        facilitators = set(session.facilitators.values_list("pk", flat=True))
        for mediator in mediators:
            if mediator.pk in facilitators:
                return mediator
    return mediators[0] if mediators else None


def follow_up_contact(follow_up: FollowUp) -> Contact | None:
    """The guardian to call: the same rule as for an enrolment, which only reads the
    participant (loaded with its guardians by follow_up_list)."""
    return enrolment_contact(follow_up)


def programmes_with_figures_for(user) -> QuerySet[Programme]:
    """Programmes whose attendance figures ``user`` may read: coordinators all, mediators
    their own."""
    if not getattr(user, "is_authenticated", False):
        return Programme.objects.none()
    if has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR):
        return Programme.objects.all()
    if not has_role(user, Role.MEDIATOR):
        return Programme.objects.none()
    return Programme.objects.filter(
        pk__in=Programme.objects.filter(mediators__user=user).values("pk")
    )


def sessions_with_attendance(session_ids) -> set[int]:
    """Sessions whose register holds marks or headcounts: regenerating a schedule keeps them."""
    ids = list(session_ids)
    marked = set(
        Attendance.objects.filter(session_id__in=ids)
        .values_list("session_id", flat=True)
        .distinct()
    )
    counted = set(
        AnonymousHeadcount.objects.filter(session_id__in=ids)
        .values_list("session_id", flat=True)
        .distinct()
    )
    return marked | counted


def follow_ups_read(request, *, user, status: str | None = FollowUpStatus.OPEN) -> list[FollowUp]:
    """Follow-ups with their guardians' contacts, the read recorded in the audit trail (one
    event for the request, naming every household shown)."""
    follow_ups = list(follow_up_list(user=user, status=status))
    households = {
        follow_up.participant.household_id: follow_up.participant.household
        for follow_up in follow_ups
    }
    personal_read(request, households.values(), summary=gettext_noop("follow-ups of absences"))
    return follow_ups


def participants_named_in(figures: ProgrammeFigures) -> list[Participant]:
    """The people a programme's figures name, for the audit trail (ids only: no query)."""
    return [Participant(pk=rate.participant_id) for rate in figures.participants]


@dataclass
class SheetData:
    """What a printed attendance sheet shows."""

    session: Session
    participants: list[Participant]
    facilitators: list[str]


def register_sheet(*, session: Session) -> SheetData:
    """The expected participants and the facilitators (else the programme's mediators)."""
    participants = [enrolment.participant for enrolment in expected_enrolments(session)]
    facilitators = [str(mediator) for mediator in session.facilitators.select_related("user")]
    if not facilitators:
        facilitators = [
            str(mediator) for mediator in session.programme.mediators.select_related("user")
        ]
    return SheetData(session=session, participants=participants, facilitators=facilitators)


def outreach_recent(*, user, limit: int = 10) -> QuerySet:
    """The user's latest outreach contacts, each with ``people`` (everyone counted)."""
    return (
        OutreachContact.objects.filter(recorded_by=user)
        .annotate(people=Coalesce(Sum("counts__count"), 0))
        .order_by("-day", "-pk")[:limit]
    )
