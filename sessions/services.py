"""Writes on sessions and schedules."""

import datetime
import secrets
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import hash_token
from core.errors import DomainError
from core.time import is_skipped_local_time, school_year_of
from programmes.models import Programme, ProgrammeStatus, Venue
from programmes.services import programme_save, programme_unique_slug

from . import signals
from .holidays import HolidayCalendar
from .hooks import sessions_in_use
from .models import (
    ChangeReason,
    FeedContentVersion,
    FeedTokenBase,
    Schedule,
    ScheduleKind,
    Session,
    SessionStatus,
)
from .scheduling import (
    Occurrence,
    ScheduleRule,
    SkippedDate,
    as_date,
    plan_schedule,
    schedule_rule_problems,
    shift_to_next_school_year,
    skipped_time_message,
)

Token = TypeVar("Token", bound=FeedTokenBase)


class SessionError(DomainError):
    """A rule on sessions or schedules was broken."""


@dataclass(frozen=True)
class ScheduleConflict:
    session_id: int
    date: datetime.date
    reason: str


@dataclass
class ScheduleApplyReport:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    deleted: list[datetime.date] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[ScheduleConflict] = field(default_factory=list)
    # Filled on a dry run too, when no session has an id yet: the dates that would change.
    created_dates: list[datetime.date] = field(default_factory=list)
    updated_dates: list[datetime.date] = field(default_factory=list)
    skipped: list[SkippedDate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Dates to create whose start is already past (they would count as held only once their
    # register is taken): a person is asked before they are created.
    created_past: list[datetime.date] = field(default_factory=list)


@transaction.atomic
def schedule_apply(
    *,
    schedule: Schedule,
    calendar: HolidayCalendar | None = None,
    rule: ScheduleRule | None = None,
    dry_run: bool = False,
) -> ScheduleApplyReport:
    """Create, update or delete the schedule's sessions so they match its rule.

    Sessions edited by hand, or holding enrolments or attendance, are never deleted or moved:
    they are reported as conflicts for a person to decide.

    ``rule`` replaces the schedule's own (a form not yet saved); ``dry_run`` computes the same
    report without writing anything, for a preview. A schedule not yet saved has no sessions.
    """
    plan = plan_schedule(rule or ScheduleRule.from_schedule(schedule), calendar)
    report = ScheduleApplyReport(skipped=plan.skipped, warnings=plan.warnings)
    venue_id = schedule.venue_id or schedule.programme.venue_id

    existing: dict[datetime.date, Session] = {}
    if schedule.pk is not None:
        sessions = Session.objects.filter(schedule=schedule)
        if not dry_run:
            sessions = sessions.select_for_update()
        # Generated sessions always have their date (the only way a schedule gets sessions).
        existing = {
            session.schedule_date: session
            for session in sessions
            if session.schedule_date is not None
        }
    wanted: dict[datetime.date, Occurrence] = {occ.date: occ for occ in plan.occurrences}
    in_use = sessions_in_use(session.pk for session in existing.values())

    now = timezone.now()
    to_create: list[Session] = []
    for day, occurrence in wanted.items():
        session = existing.get(day)
        if session is None:
            report.created_dates.append(day)
            if occurrence.starts_at < now:
                report.created_past.append(day)
            to_create.append(
                Session(
                    programme_id=schedule.programme_id,
                    schedule=schedule,
                    schedule_date=day,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    venue_id=venue_id,
                )
            )
            continue
        differs = (
            session.starts_at != occurrence.starts_at
            or session.ends_at != occurrence.ends_at
            or session.venue_id != venue_id
        )
        if not differs:
            report.unchanged += 1
        elif session.edited_by_hand and session.updated_at >= schedule.updated_at:
            # Edited by hand after the rule's last change: a decision already taken, not a
            # conflict to report again on every regeneration.
            report.unchanged += 1
        elif session.edited_by_hand:
            report.conflicts.append(
                ScheduleConflict(
                    session.pk, day, _("This session was edited by hand; it was left as it is.")
                )
            )
        elif session.pk in in_use:
            report.conflicts.append(
                ScheduleConflict(
                    session.pk,
                    day,
                    _("People are enrolled or attendance was taken: move this session by hand."),
                )
            )
        else:
            report.updated_dates.append(day)
            if dry_run:
                continue
            session.starts_at, session.ends_at = occurrence.starts_at, occurrence.ends_at
            session.venue_id = venue_id
            session.revision += 1
            session.updated_at = timezone.now()
            session.save(update_fields=["starts_at", "ends_at", "venue", "revision", "updated_at"])
            report.updated.append(session.pk)

    for day, session in existing.items():
        if day in wanted:
            continue
        if session.edited_by_hand or session.pk in in_use:
            report.conflicts.append(
                ScheduleConflict(
                    session.pk,
                    day,
                    _(
                        "This date is no longer in the schedule, but the session has enrolments, "
                        "attendance or manual changes: cancel it by hand if it should not take place."
                    ),
                )
            )
        else:
            report.deleted.append(day)
            if not dry_run:
                session.delete()

    report.conflicts.sort(key=lambda conflict: conflict.date)
    if dry_run:
        return report
    created = Session.objects.bulk_create(to_create)
    facilitator_ids = list(schedule.facilitators.values_list("pk", flat=True))
    if facilitator_ids:
        through = Session.facilitators.through
        through.objects.bulk_create(
            [through(session_id=s.pk, mediator_id=m) for s in created for m in facilitator_ids]
        )
    report.created = [session.pk for session in created]
    return report


def _mark_changed(session: Session) -> None:
    session.revision += 1
    session.updated_at = timezone.now()
    session.edited_by_hand = True


REASON_LENGTH = cast(int, Session._meta.get_field("status_reason").max_length)


def _change_reason(reason_code: str, reason: str) -> tuple[str, str]:
    """A reason the families will read: a kind from the list, or words; "other" needs words."""
    reason_code, reason = (reason_code or "").strip(), (reason or "").strip()
    if reason_code and reason_code not in ChangeReason.values:
        raise SessionError(_("Choose a reason from the list."), field="reason_code")
    if not reason_code and not reason:
        raise SessionError(
            _(
                "Say why: the families will read it (for example: the facilitator is ill, the "
                "venue is closed for works)."
            ),
            field="reason_code",
        )
    if reason_code == ChangeReason.OTHER and not reason:
        raise SessionError(_("Write the reason the families will read."), field="reason")
    if len(reason) > REASON_LENGTH:
        raise SessionError(
            _("Keep the reason under %(limit)d characters.") % {"limit": REASON_LENGTH},
            field="reason",
        )
    return reason_code, reason


@transaction.atomic
def session_cancel(
    *, session: Session, reason: str = "", reason_code: str = "", changed_by=None
) -> Session:
    """Cancel a session; the families are told why (``reason_code`` in their language, then
    ``reason`` as written)."""
    reason_code, reason = _change_reason(reason_code, reason)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise SessionError(_("This session is already cancelled."), field="status", status=409)
    if session.ends_at <= timezone.now():
        raise SessionError(
            _("A session that has already taken place cannot be cancelled."), status=409
        )
    session.status = SessionStatus.CANCELLED
    session.status_reason, session.status_reason_code = reason, reason_code
    _mark_changed(session)
    session.save()
    signals.session_cancelled.send(Session, session=session, changed_by=changed_by)
    return session


@transaction.atomic
def session_move(
    *,
    session: Session,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    venue: Venue | None = None,
    reason: str = "",
    reason_code: str = "",
    changed_by=None,
) -> Session:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise SessionError(_("Times must carry a time zone."), field="starts_at")
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if is_skipped_local_time(moment):
            raise SessionError(skipped_time_message(moment.date(), moment.time()), field=name)
    if ends_at <= starts_at:
        raise SessionError(_("The end must come after the start."), field="ends_at")
    if starts_at <= timezone.now():
        raise SessionError(
            _("A session can only be moved to a time in the future."), field="starts_at"
        )
    reason_code, reason = _change_reason(reason_code, reason)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise SessionError(_("A cancelled session cannot be moved."), field="status", status=409)
    previous = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue_id": session.venue_id,
    }
    new_venue_id = venue.pk if venue else session.venue_id
    if (starts_at, ends_at, new_venue_id) == (session.starts_at, session.ends_at, session.venue_id):
        raise SessionError(
            _("The new time and place are the same as the current ones."), field="starts_at"
        )
    session.starts_at, session.ends_at, session.venue_id = starts_at, ends_at, new_venue_id
    session.status = SessionStatus.MOVED
    session.status_reason, session.status_reason_code = reason, reason_code
    _mark_changed(session)
    session.save()
    signals.session_moved.send(Session, session=session, previous=previous, changed_by=changed_by)
    return session


@transaction.atomic
def feed_token_issue(*, token: Token, created_by=None) -> tuple[Token, str]:
    """Save ``token`` (new, naming its owner) with a fresh secret, revoking the owner's previous
    token; return it with the raw secret, which is shown once and stored only hashed."""
    now = timezone.now()
    type(token)._default_manager.select_for_update().filter(
        revoked_at__isnull=True, **token.owner_fields()
    ).update(revoked_at=now)
    raw = secrets.token_urlsafe(32)
    token.token_hash, token.prefix = hash_token(raw), raw[:6]
    token.created_at, token.created_by = now, created_by
    token.save()
    return token, raw


def feed_token_rotate(*, token: Token, created_by=None) -> tuple[Token, str]:
    """A new secret for the same owner and language; the old URL answers 410 Gone from now on."""
    fresh = type(token)(**token.owner_fields(), language=token.language)
    return feed_token_issue(token=fresh, created_by=created_by)


@transaction.atomic
def feed_token_revoke(*, token: FeedTokenBase) -> FeedTokenBase:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        type(token)._default_manager.filter(pk=token.pk).update(revoked_at=token.revoked_at)
    return token


def sessions_touch(*, sessions: QuerySet[Session], new_revision: bool = True) -> int:
    """Record that something the events of ``sessions`` show changed without the sessions
    themselves changing (their venue, their programme's text or mediators, a participant's first
    name). Their DTSTAMP and LAST-MODIFIED move, and their SEQUENCE with ``new_revision``, so
    that clients take the new text; only the feeds holding these sessions get a new version."""
    values: dict = {"updated_at": timezone.now()}
    if new_revision:
        values["revision"] = F("revision") + 1
    return sessions.update(**values)


def feed_content_touch() -> None:
    """Record that who sees which session changed (a programme's partners, a session's
    facilitators, a deleted session): no remaining session row dates that (see
    FeedContentVersion)."""
    now = timezone.now()
    if not FeedContentVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        FeedContentVersion.objects.get_or_create(pk=1, defaults={"changed_at": now})


def feed_token_mark_read(*, token: FeedTokenBase) -> None:
    """Note when a feed was last read in full: at most one write an hour, and never on a 304,
    which must stay at two queries."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(hours=1):
        token.last_used_at = now
        type(token)._default_manager.filter(pk=token.pk).update(last_used_at=now)


def programme_duplicate_into_next_school_year(*, programme: Programme) -> Programme:
    """A draft copy of the programme whose schedules fall on the same weekdays one school year
    later. No session is generated: the coordinator checks the copy, then generates them."""
    reference = min(
        (
            day
            for schedule in programme.schedules.all()
            for day in [schedule.start_date, *map(as_date, schedule.dates or ())]
            if day
        ),
        default=timezone.localdate(),
    )
    next_year = school_year_of(reference) + 1
    label = f"{next_year}–{next_year + 1}"
    copy = Programme.objects.get(pk=programme.pk)
    copy.pk = None
    copy.title = _("%(title)s (%(year)s)") % {"title": programme.title, "year": label}
    copy.title = copy.title[: Programme._meta.get_field("title").max_length]
    copy.slug = programme_unique_slug(f"{programme.slug}-{next_year}-{next_year + 1}")
    copy.status = ProgrammeStatus.DRAFT
    copy.save()
    copy.mediators.set(programme.mediators.all())
    copy.partners.set(programme.partners.all())

    for schedule in programme.schedules.prefetch_related("facilitators"):
        keep_weekday = schedule.kind != ScheduleKind.HOLIDAY_WEEKDAYS
        facilitators = list(schedule.facilitators.all())
        schedule.pk = None
        schedule.programme = copy
        if schedule.start_date:
            schedule.start_date = shift_to_next_school_year(
                schedule.start_date, keep_weekday=keep_weekday
            )
        if schedule.end_date:
            schedule.end_date = shift_to_next_school_year(
                schedule.end_date, keep_weekday=keep_weekday
            )
        schedule.dates = [
            shift_to_next_school_year(as_date(day)).isoformat() for day in schedule.dates or ()
        ]
        schedule.excluded_dates = [
            shift_to_next_school_year(as_date(day), keep_weekday=keep_weekday).isoformat()
            for day in schedule.excluded_dates or ()
        ]
        schedule.save()
        schedule.facilitators.set(facilitators)
    return copy


@transaction.atomic
def schedule_save(
    *,
    schedule: Schedule,
    facilitators: list | None = None,
    calendar: HolidayCalendar | None = None,
    create_past: bool = False,
) -> ScheduleApplyReport:
    """Save a schedule built by a form and generate its sessions at once.

    Dates already past are created only when ``create_past`` says the person agreed: a past
    session that nobody held would otherwise wait as "register missing"."""
    problems = schedule_rule_problems(ScheduleRule.from_schedule(schedule))
    if problems:
        field_name, message = problems[0]
        raise SessionError(message, field=field_name)
    if not create_past:
        past = schedule_apply(schedule=schedule, calendar=calendar, dry_run=True).created_past
        if past:
            raise SessionError(past_dates_message(past), field="create_past_dates", status=409)
    schedule.save()
    if facilitators is not None:
        schedule.facilitators.set(facilitators)
    return schedule_apply(schedule=schedule, calendar=calendar)


def past_dates_message(past: list[datetime.date]) -> str:
    """The question asked before creating sessions on dates already past."""
    return ngettext(
        "%(count)d date is already past (%(first)s): tick “Also create the dates already "
        "past” to create it anyway, or change the first date.",
        "%(count)d dates are already past (from %(first)s to %(last)s): tick “Also create the "
        "dates already past” to create them anyway, or change the first date.",
        len(past),
    ) % {
        "count": len(past),
        "first": date_format(past[0], "DATE_FORMAT"),
        "last": date_format(past[-1], "DATE_FORMAT"),
    }


@transaction.atomic
def programme_create_with_schedule(
    *,
    programme: Programme,
    mediators: list,
    partners: list,
    schedule: Schedule,
    facilitators: list,
    create_past: bool = False,
) -> ScheduleApplyReport:
    """A coordinator's new programme and its first schedule, saved together or not at all: a
    schedule that fails leaves no programme behind."""
    programme = programme_save(programme=programme, mediators=mediators, partners=partners)
    schedule.programme = programme
    return schedule_save(schedule=schedule, facilitators=facilitators, create_past=create_past)
