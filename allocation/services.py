"""Writes on allocation rounds: open a round, enter wishes, close, compute, publish.

The allocation itself is ``matching.allocate``, a pure function; this module gathers its inputs
from the database (free places, eligibility, times already held, the rules that apply to each
child), stores them with the round so that the computation can be reproduced, and turns the
result into enrolments through the enrolment app's own services.
"""

import datetime
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction
from accounts.roles import is_staff_member
from core.time import school_year_bounds, school_year_of
from enrolment.errors import EnrolmentError
from enrolment.models import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus
from enrolment.services import eligibility_check, enrolment_create
from households.models import Guardian, Household, Participant
from households.selectors import Contact
from jobs.services import job_start
from notifications.delivery import messages_queue
from notifications.models import Message, MessageKind, MessageState
from notifications.services import build_message, recipient_from_contact
from programmes.models import EnrolmentMode, Partner, Programme, ProgrammeStatus
from sessions.hooks import seats_taken
from sessions.models import Session, SessionStatus

from . import matching
from .errors import AllocationError
from .models import (
    MAX_WEIGHT,
    AllocationRound,
    ChildResult,
    PriorityRule,
    RoundActivity,
    RoundStatus,
    SiblingGroup,
    SiblingGroupMember,
    Wish,
    WishOutcome,
)

MAX_WISHES = 10
ALLOCATION_RESULT = MessageKind.ALLOCATION_RESULT
Report = Callable[..., None]


def _no_report(done: int, total: int, message: str = "") -> None:
    return None


# --- Rounds ---------------------------------------------------------------------------------


def _check_rules(
    *,
    wishes_open_at,
    wishes_close_at,
    max_per_child: int,
    max_per_household: int | None,
    weights: dict[str, int],
) -> None:
    if wishes_close_at <= wishes_open_at:
        raise AllocationError(_("Wishes must close after they open."), field="wishes_close_at")
    if max_per_child < 1:
        raise AllocationError(
            _("A child must be able to get at least one activity."), field="max_per_child"
        )
    if max_per_household is not None and max_per_household < 1:
        raise AllocationError(
            _("A household must be able to get at least one activity."), field="max_per_household"
        )
    for rule, weight in weights.items():
        if rule not in PriorityRule.values:
            raise AllocationError(_("Unknown priority rule."), field="weights")
        if not 0 <= weight <= MAX_WEIGHT:
            raise AllocationError(
                _("A weight is a whole number from 0 to %(max)s.") % {"max": MAX_WEIGHT},
                field=f"weight_{rule}",
            )


def _activities_for(programmes: Iterable[Programme]) -> list[tuple[Programme, Session | None]]:
    now = timezone.now()
    targets: list[tuple[Programme, Session | None]] = []
    for programme in programmes:
        if programme.status != ProgrammeStatus.PUBLISHED:
            raise AllocationError(
                _("“%(title)s” is not published.") % {"title": programme.title},
                field="programmes",
                status=409,
            )
        if programme.enrolment_mode == EnrolmentMode.WHOLE_CYCLE:
            targets.append((programme, None))
            continue
        sessions = list(
            Session.objects.filter(programme=programme, starts_at__gt=now)
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("starts_at")
        )
        if not sessions:
            raise AllocationError(
                _("“%(title)s” has no coming session.") % {"title": programme.title},
                field="programmes",
                status=409,
            )
        targets += [(programme, session) for session in sessions]
    return targets


@transaction.atomic
def round_create(
    *,
    title: str,
    wishes_open_at: datetime.datetime,
    wishes_close_at: datetime.datetime,
    results_on: datetime.date,
    programmes: list[Programme],
    max_per_child: int = 2,
    max_per_household: int | None = None,
    weights: dict[str, int] | None = None,
    created_by=None,
) -> AllocationRound:
    """Open a round over the coming sessions of per-session programmes (one activity each) and
    over whole-cycle programmes (one activity for the cycle)."""
    weights = weights or {}
    if not title.strip():
        raise AllocationError(_("Give the round a title."), field="title")
    _check_rules(
        wishes_open_at=wishes_open_at,
        wishes_close_at=wishes_close_at,
        max_per_child=max_per_child,
        max_per_household=max_per_household,
        weights=weights,
    )
    if not programmes:
        raise AllocationError(_("Choose at least one programme."), field="programmes")
    targets = _activities_for(programmes)
    busy = RoundActivity.objects.filter(
        round__status__in=(RoundStatus.OPEN, RoundStatus.CLOSED),
        programme__in=[programme for programme, _session in targets],
    )
    if busy.exists():
        raise AllocationError(
            _("A programme is already in a round that is not published."),
            field="programmes",
            status=409,
        )
    round_ = AllocationRound(
        title=title.strip(),
        wishes_open_at=wishes_open_at,
        wishes_close_at=wishes_close_at,
        results_on=results_on,
        max_per_child=max_per_child,
        max_per_household=max_per_household,
        created_by=created_by,
        **{f"weight_{rule}": weight for rule, weight in weights.items()},
    )
    round_.save()
    RoundActivity.objects.bulk_create(
        [
            RoundActivity(round=round_, programme=programme, session=session)
            for programme, session in targets
        ]
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=created_by,
        target=round_,
        summary=f"allocation round, {len(targets)} activities",
    )
    return round_


def _lock(round_: AllocationRound) -> AllocationRound:
    return AllocationRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_update_rules(
    *,
    round_: AllocationRound,
    weights: dict[str, int],
    max_per_child: int,
    max_per_household: int | None,
    changed_by=None,
) -> AllocationRound:
    """Change weights and caps; allowed until the results are published (then rerun)."""
    round_ = _lock(round_)
    if round_.status == RoundStatus.PUBLISHED:
        raise AllocationError(
            _("The results are published: the rules can no longer change."),
            field="status",
            status=409,
        )
    _check_rules(
        wishes_open_at=round_.wishes_open_at,
        wishes_close_at=round_.wishes_close_at,
        max_per_child=max_per_child,
        max_per_household=max_per_household,
        weights=weights,
    )
    for rule, weight in weights.items():
        setattr(round_, f"weight_{rule}", weight)
    round_.max_per_child = max_per_child
    round_.max_per_household = max_per_household
    round_.save()
    summary = ", ".join(f"{rule}={weight}" for rule, weight in sorted(round_.weights.items()))
    audit_record(
        action=AuditAction.CHANGE,
        actor=changed_by,
        target=round_,
        summary=f"rules: {summary}, per child {max_per_child}, per household {max_per_household}",
    )
    return round_


@transaction.atomic
def round_close(*, round_: AllocationRound, closed_by=None) -> AllocationRound:
    """Stop taking wishes and draw the seed, which is published from now on."""
    round_ = _lock(round_)
    if round_.status != RoundStatus.OPEN:
        raise AllocationError(_("This round is already closed."), field="status", status=409)
    now = timezone.now()
    round_.status = RoundStatus.CLOSED
    round_.seed = secrets.token_hex(16)
    round_.closed_at = now
    if round_.wishes_close_at > now:
        round_.wishes_close_at = max(now, round_.wishes_open_at + datetime.timedelta(seconds=1))
    round_.save()
    audit_record(
        action=AuditAction.CHANGE,
        actor=closed_by,
        target=round_,
        summary=f"closed, seed {round_.seed}",
    )
    return round_


def round_holds_places(*, programme: Programme, session: Session | None) -> None:
    """Enrolment gate: no first come, first served on a round's activities before publication."""
    target = Q(programme=programme, session__isnull=True)
    if session is not None:
        target |= Q(session=session)
    held = (
        RoundActivity.objects.filter(
            target, round__status__in=(RoundStatus.OPEN, RoundStatus.CLOSED)
        )
        .select_related("round")
        .first()
    )
    if held is not None:
        raise EnrolmentError(
            _(
                "Places in this activity are given by the allocation round “%(round)s”: make a "
                "wish there. Places left are open to everyone once its results are published."
            )
            % {"round": held.round.title},
            field="session" if session is not None else "programme",
            status=409,
        )


# --- Wishes ---------------------------------------------------------------------------------


def _source_for(user, partner: Partner | None) -> str:
    if partner is not None:
        return EnrolmentSource.PARTNER_REFERRAL
    if user is not None and is_staff_member(user):
        return EnrolmentSource.MEDIATOR
    return EnrolmentSource.FAMILY_ONLINE


def _first_session(activity: RoundActivity) -> Session | None:
    if activity.session_id is not None:
        return activity.session
    return (
        Session.objects.filter(programme_id=activity.programme_id)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )


def _drop_from_groups(*, round_: AllocationRound, participant_ids: list[int]) -> None:
    memberships = SiblingGroupMember.objects.filter(
        round=round_, participant_id__in=participant_ids
    )
    group_ids = list(memberships.values_list("group_id", flat=True).distinct())
    memberships.delete()
    # A group of one is no group.
    SiblingGroup.objects.filter(pk__in=group_ids).annotate(size=Count("memberships")).filter(
        size__lt=2
    ).delete()


@transaction.atomic
def wishes_set(
    *,
    round_: AllocationRound,
    participants: list[Participant],
    activities: list[RoundActivity],
    grouped: bool = False,
    created_by=None,
    partner: Partner | None = None,
) -> list[Wish]:
    """Replace the ranked wishes of one child, or of siblings who wish the same activities.

    ``grouped`` keeps the siblings together: each activity is given to all of them or to none.
    """
    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open_at(timezone.now()):
        raise AllocationError(_("Wishes for this round are closed."), field="round", status=409)
    if not participants:
        raise AllocationError(_("Choose the children this wish list is for."), field="participants")
    households = {participant.household_id for participant in participants}
    if len(households) > 1:
        raise AllocationError(
            _("Children who wish together must belong to the same household."), field="participants"
        )
    if grouped and len(participants) < 2:
        raise AllocationError(
            _("Choose at least two children to keep them together."), field="participants"
        )
    if len(activities) > MAX_WISHES:
        raise AllocationError(
            _("At most %(count)s wishes.") % {"count": MAX_WISHES}, field="activities"
        )
    if len({activity.pk for activity in activities}) != len(activities):
        raise AllocationError(_("Each activity can be wished for once."), field="activities")
    if any(activity.round_id != round_.pk for activity in activities):
        raise AllocationError(_("This activity is not part of the round."), field="activities")
    for activity in activities:
        first = _first_session(activity)
        for participant in participants:
            try:
                eligibility_check(
                    participant=participant, programme=activity.programme, session=first
                )
            except EnrolmentError as error:
                raise AllocationError(error.message, field="activities") from error
    ids = [participant.pk for participant in participants]
    Wish.objects.filter(round=round_, participant_id__in=ids).delete()
    _drop_from_groups(round_=round_, participant_ids=ids)
    if grouped:
        group = SiblingGroup.objects.create(round=round_, household_id=households.pop())
        SiblingGroupMember.objects.bulk_create(
            [
                SiblingGroupMember(group=group, participant=participant, round=round_)
                for participant in participants
            ]
        )
    source = _source_for(created_by, partner)
    wishes = Wish.objects.bulk_create(
        [
            Wish(
                round=round_,
                participant=participant,
                activity=activity,
                rank=rank,
                source=source,
                referred_by_partner=partner,
                created_by=created_by,
            )
            for participant in participants
            for rank, activity in enumerate(activities, start=1)
        ]
    )
    audit_record(
        action=AuditAction.CHANGE,
        actor=created_by,
        target=round_,
        summary=f"wishes of participants {ids}: {len(activities)} activities"
        + (", grouped" if grouped else ""),
    )
    return wishes


# --- Computing --------------------------------------------------------------------------------


def _epoch(moment: datetime.datetime) -> int:
    return int(moment.timestamp())


def _school_year_first_day(today: datetime.date) -> datetime.date:
    return school_year_bounds(school_year_of(today))[0]


def round_inputs_build(*, round_: AllocationRound) -> matching.RoundInput:
    """What the algorithm reads, taken from the database now."""
    activities = list(round_.activities.select_related("programme", "session__programme"))
    programme_ids = {activity.programme_id for activity in activities}
    cycle_sessions: dict[int, list[Session]] = defaultdict(list)
    for session in (
        Session.objects.filter(programme_id__in=programme_ids)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
    ):
        cycle_sessions[session.programme_id].append(session)
    single_sessions = [activity.session for activity in activities if activity.session_id]
    taken = seats_taken(single_sessions)
    cycle_taken: dict[int, int] = defaultdict(int)
    for programme_id in Enrolment.objects.filter(
        programme_id__in=programme_ids, session__isnull=True, status=EnrolmentStatus.CONFIRMED
    ).values_list("programme_id", flat=True):
        cycle_taken[programme_id] += 1

    def sessions_of(activity: RoundActivity) -> list[Session]:
        if activity.session is not None:
            return [activity.session]
        return cycle_sessions[activity.programme_id]

    activity_inputs = []
    for activity in activities:
        if activity.session is not None:
            free = activity.session.capacity - taken.get(activity.session.pk, 0)
        else:
            free = activity.programme.capacity - cycle_taken[activity.programme_id]
        activity_inputs.append(
            matching.Activity(
                key=str(activity.pk),
                capacity=max(free, 0),
                slots=tuple(
                    (_epoch(s.starts_at), _epoch(s.ends_at)) for s in sessions_of(activity)
                ),
            )
        )
    by_key = {str(activity.pk): activity for activity in activities}

    wished: dict[int, list[str]] = defaultdict(list)
    sources: dict[int, set[str]] = defaultdict(set)
    for participant_id, activity_id, source in (
        Wish.objects.filter(round=round_)
        .order_by("participant_id", "rank")
        .values_list("participant_id", "activity_id", "source")
    ):
        wished[participant_id].append(str(activity_id))
        sources[participant_id].add(source)
    participants: dict[int, Participant] = {
        participant.pk: participant
        for participant in Participant.objects.filter(pk__in=list(wished)).select_related(
            "household"
        )
    }
    ids = list(participants)

    held = Enrolment.objects.filter(participant_id__in=ids, status__in=ACTIVE_STATUSES).values_list(
        "participant_id", "programme_id", "session_id", "status"
    )
    enrolled_in: dict[int, set[tuple[int, int | None]]] = defaultdict(set)
    busy: dict[int, set[tuple[int, int]]] = defaultdict(set)
    held_sessions: dict[int, list[int]] = defaultdict(list)
    held_programmes: dict[int, list[int]] = defaultdict(list)
    for participant_id, programme_id, session_id, status in held:
        enrolled_in[participant_id].add((programme_id, session_id))
        if status == EnrolmentStatus.PROPOSED:
            continue
        if session_id is None:
            held_programmes[participant_id].append(programme_id)
        else:
            held_sessions[participant_id].append(session_id)
    times = {
        pk: (start, end)
        for pk, start, end in Session.objects.filter(
            pk__in={pk for pks in held_sessions.values() for pk in pks}
        )
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("pk", "starts_at", "ends_at")
    }
    programme_times: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start, end, programme_id in (
        Session.objects.filter(
            programme_id__in={pk for pks in held_programmes.values() for pk in pks}
        )
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("starts_at", "ends_at", "programme_id")
    ):
        programme_times[programme_id].append((_epoch(start), _epoch(end)))
    for participant_id in ids:
        for session_id in held_sessions[participant_id]:
            if session_id in times:
                start, end = times[session_id]
                busy[participant_id].add((_epoch(start), _epoch(end)))
        for programme_id in held_programmes[participant_id]:
            busy[participant_id].update(programme_times[programme_id])

    first_day = _school_year_first_day(timezone.localdate())
    served = set(
        Enrolment.objects.filter(
            participant_id__in=ids,
            confirmed_at__date__gte=first_day,
        ).values_list("participant_id", flat=True)
    )
    granted_before: dict[int, int] = defaultdict(int)
    for participant_id in (
        Wish.objects.filter(
            participant_id__in=ids,
            outcome=WishOutcome.GRANTED,
            round__status=RoundStatus.PUBLISHED,
            round__results_on__gte=first_day,
        )
        .exclude(round=round_)
        .values_list("participant_id", flat=True)
    ):
        granted_before[participant_id] += 1

    # Eligibility depends on the birth date and sex only: children alike share one check.
    checked: dict[tuple, bool] = {}

    def is_eligible(participant: Participant, activity: RoundActivity) -> bool:
        key = (
            participant.birth_date,
            participant.sex,
            participant.guardian_record_id is None,
            activity.pk,
        )
        if key not in checked:
            sessions = sessions_of(activity)
            try:
                eligibility_check(
                    participant=participant,
                    programme=activity.programme,
                    session=sessions[0] if sessions else None,
                )
                checked[key] = True
            except EnrolmentError:
                checked[key] = False
        return checked[key]

    children = []
    criteria: dict[int, set[str]] = {}
    for participant_id in ids:
        participant = participants[participant_id]
        eligible = set()
        for key in wished[participant_id]:
            activity = by_key[key]
            if (activity.programme_id, activity.session_id) in enrolled_in[participant_id]:
                continue
            if is_eligible(participant, activity):
                eligible.add(key)
        children.append(
            matching.Child(
                key=str(participant_id),
                household=str(participant.household_id),
                eligible=frozenset(eligible),
                busy=tuple(sorted(busy[participant_id])),
            )
        )
        rules = set()
        if participant.household.in_qpv:
            rules.add(PriorityRule.QPV.value)
        if participant_id not in served:
            rules.add(PriorityRule.FIRST_TIME.value)
        if sources[participant_id] - {EnrolmentSource.FAMILY_ONLINE}:
            rules.add(PriorityRule.REFERRED.value)
        criteria[participant_id] = rules

    units = []
    grouped: set[int] = set()
    for group in SiblingGroup.objects.filter(round=round_).prefetch_related("memberships"):
        members = sorted(
            m.participant_id for m in group.memberships.all() if m.participant_id in participants
        )
        if len(members) < 2:
            continue
        grouped.update(members)
        common = [
            key for key in wished[members[0]] if all(key in wished[other] for other in members[1:])
        ]
        units.append(
            matching.Unit(
                key="g" + "-".join(map(str, members)),
                children=tuple(map(str, members)),
                wishes=tuple(common),
                criteria=frozenset(
                    set().union(*(criteria[m] for m in members))
                    | {PriorityRule.SIBLING_GROUP.value}
                ),
                granted_before=max(granted_before[m] for m in members),
            )
        )
    for participant_id in ids:
        if participant_id not in grouped:
            units.append(
                matching.Unit(
                    key=f"c{participant_id}",
                    children=(str(participant_id),),
                    wishes=tuple(wished[participant_id]),
                    criteria=frozenset(criteria[participant_id]),
                    granted_before=granted_before[participant_id],
                )
            )
    return matching.RoundInput(
        activities=tuple(activity_inputs),
        children=tuple(children),
        units=tuple(sorted(units, key=lambda unit: unit.key)),
        weights={str(rule): weight for rule, weight in round_.weights.items()},
        max_per_child=round_.max_per_child,
        max_per_household=round_.max_per_household,
        seed=round_.seed,
    )


def _store_result(
    round_: AllocationRound, data: matching.RoundInput, allocation: matching.Allocation
) -> None:
    units = {unit.key: unit for unit in data.units}
    results = []
    for position, unit_key in enumerate(allocation.order, start=1):
        unit = units[unit_key]
        for child in unit.children:
            results.append(
                ChildResult(
                    round=round_,
                    participant_id=int(child),
                    criteria=sorted(unit.criteria),
                    granted_before=unit.granted_before,
                    points=allocation.points[unit_key],
                    draw=allocation.draws[unit_key],
                    position=position,
                    grouped=len(unit.children) > 1,
                )
            )
    ChildResult.objects.filter(round=round_).delete()
    ChildResult.objects.bulk_create(results, batch_size=1000)
    by_child_activity = {}
    for decision in allocation.decisions:
        for child in units[decision.unit].children:
            by_child_activity[(int(child), int(decision.activity))] = decision
    # One UPDATE per outcome and pass (a handful), not one per wish.
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for pk, participant_id, activity_id in Wish.objects.filter(round=round_).values_list(
        "pk", "participant_id", "activity_id"
    ):
        found = by_child_activity.get((participant_id, activity_id))
        # A grouped child's wish that its siblings did not share is never examined.
        key = (
            (found.outcome, found.pass_number)
            if found is not None
            else (WishOutcome.INELIGIBLE, None)
        )
        groups[key].append(pk)
    for (outcome, pass_number), pks in groups.items():
        for start in range(0, len(pks), 500):
            Wish.objects.filter(pk__in=pks[start : start + 500]).update(
                outcome=outcome, pass_number=pass_number
            )


@transaction.atomic
def round_compute(
    *, round_: AllocationRound, computed_by=None, report: Report = _no_report
) -> matching.Allocation:
    """Compute (or recompute, with the round's current rules) the allocation for preview."""
    round_ = _lock(round_)
    if round_.status != RoundStatus.CLOSED:
        raise AllocationError(
            _("Close the round before computing the allocation."), field="status", status=409
        )
    report(0, 4, _("Reading the wishes"))
    data = round_inputs_build(round_=round_)
    report(1, 4, _("Allocating places"))
    allocation = matching.allocate(data)
    report(2, 4, _("Saving the result"))
    _store_result(round_, data, allocation)
    round_.inputs = matching.input_to_json(data)
    round_.result_digest = allocation.digest()
    round_.computed_at = timezone.now()
    round_.save(update_fields=["inputs", "result_digest", "computed_at"])
    audit_record(
        action=AuditAction.CHANGE,
        actor=computed_by,
        target=round_,
        summary=f"computed, result {round_.result_digest[:12]}",
    )
    report(3, 4)
    return allocation


def round_reproduce(*, round_: AllocationRound) -> tuple[str, str]:
    """(stored fingerprint, fingerprint of a new run over the stored inputs and seed)."""
    if not round_.inputs:
        raise AllocationError(_("This round has not been computed yet."), field="round")
    allocation = matching.allocate(matching.input_from_json(round_.inputs))
    return round_.result_digest, allocation.digest()


# --- Publishing -------------------------------------------------------------------------------


def _household_contact(household: Household) -> Contact | None:
    guardians = sorted(household.guardians.all(), key=lambda g: (not g.is_primary, g.pk))
    if not guardians:
        return None
    guardian: Guardian = guardians[0]
    return Contact(
        guardian_id=guardian.pk,
        name=guardian.full_name,
        phone=guardian.phone,
        email=guardian.email,
        channel=guardian.preferred_channel,
        language=guardian.language,
        opt_out_sms=guardian.opt_out_sms,
        opt_out_email=guardian.opt_out_email,
    )


def _enrol(wish: Wish, *, published_by) -> None:
    activity = wish.activity
    try:
        wish.enrolment = enrolment_create(
            participant=wish.participant,
            programme=activity.programme,
            session=activity.session,
            source=wish.source,
            created_by=published_by,
            note=_("Allocation round “%(round)s”") % {"round": wish.round.title},
        )
    except EnrolmentError as error:
        # Something changed since the computation (a session cancelled or started).
        wish.publication_note = error.message[:300]
        return
    if wish.referred_by_partner_id is not None:
        # The partner who wished for the child follows the enrolment as its referral.
        Enrolment.objects.filter(pk=wish.enrolment.pk).update(
            referred_by_partner_id=wish.referred_by_partner_id
        )


def _result_messages(round_: AllocationRound, household_ids: set[int]) -> list[Message]:
    messages = []
    url = f"{settings.SITE_URL}{reverse('allocation:results', args=[round_.pk])}"
    wishes = (
        Wish.objects.filter(round=round_, participant__household_id__in=household_ids)
        .select_related("participant", "activity__programme", "activity__session", "enrolment")
        .order_by("participant__first_name", "participant_id", "rank")
    )
    per_household: dict[int, dict[int, dict]] = defaultdict(dict)
    for wish in wishes:
        child = per_household[wish.participant.household_id].setdefault(
            wish.participant_id,
            {"name": wish.participant.first_name, "granted": [], "waitlisted": []},
        )
        label = wish.activity.programme.title
        if wish.activity.session is not None:
            label += timezone.localtime(wish.activity.session.starts_at).strftime(" %d/%m %H:%M")
        if wish.enrolment is not None and wish.enrolment.status == EnrolmentStatus.CONFIRMED:
            child["granted"].append(label)
        elif wish.enrolment is not None:
            child["waitlisted"].append(label)
    households = Household.objects.filter(pk__in=household_ids).prefetch_related("guardians")
    for household in households:
        recipient = recipient_from_contact(_household_contact(household))
        context = {
            "round": round_.title,
            "children": list(per_household[household.pk].values()),
            "results_url": url,
        }
        messages.append(
            build_message(
                key=f"allocation:{round_.pk}:household:{household.pk}",
                kind=ALLOCATION_RESULT,
                recipient=recipient,
                context=context,
                household_id=household.pk,
            )
        )
    return messages


@transaction.atomic
def round_publish(
    *, round_: AllocationRound, published_by=None, report: Report = _no_report
) -> dict[str, int]:
    """Create the enrolments the allocation gave, tell each family, then open what is left."""
    round_ = _lock(round_)
    if round_.status != RoundStatus.CLOSED:
        raise AllocationError(
            _("Only a closed round can be published."), field="status", status=409
        )
    if round_.computed_at is None:
        raise AllocationError(
            _("Compute the allocation before publishing it."), field="status", status=409
        )
    # Published first: the enrolment gate lets the round's own enrolments through.
    round_.status = RoundStatus.PUBLISHED
    round_.published_at = timezone.now()
    round_.save(update_fields=["status", "published_at"])
    wishes = list(
        Wish.objects.filter(
            round=round_, outcome__in=(WishOutcome.GRANTED, WishOutcome.WAITLISTED)
        ).select_related("participant", "activity__programme", "activity__session", "round")
    )
    position = dict(
        ChildResult.objects.filter(round=round_).values_list("participant_id", "position")
    )
    # Places first, in the order they were given; then waiting lists in priority order.
    granted = sorted(
        (w for w in wishes if w.outcome == WishOutcome.GRANTED),
        key=lambda w: (w.pass_number, position.get(w.participant_id, 0), w.participant_id),
    )
    waiting = sorted(
        (w for w in wishes if w.outcome == WishOutcome.WAITLISTED),
        key=lambda w: (position.get(w.participant_id, 0), w.participant_id, w.rank),
    )
    ordered = granted + waiting
    total = len(ordered) + 1
    for done, wish in enumerate(ordered):
        _enrol(wish, published_by=published_by)
        if done % 50 == 0:
            report(done, total, _("Creating the enrolments"))
    Wish.objects.bulk_update(ordered, ["enrolment", "publication_note"], batch_size=1000)
    enrolment_ids = [wish.enrolment_id for wish in ordered if wish.enrolment_id]
    # One message per family says it all, instead of one per enrolment.
    Message.objects.filter(
        enrolment_id__in=enrolment_ids,
        state=MessageState.PENDING,
        kind__in=(MessageKind.ENROLMENT_CONFIRMED, MessageKind.ENROLMENT_WAITLISTED),
    ).update(
        state=MessageState.CANCELLED,
        cancel_reason=_("Told in the message with the allocation results."),
    )
    household_ids = set(
        Wish.objects.filter(round=round_).values_list("participant__household_id", flat=True)
    )
    messages_queue(_result_messages(round_, household_ids))
    confirmed = Enrolment.objects.filter(
        pk__in=enrolment_ids, status=EnrolmentStatus.CONFIRMED
    ).count()
    summary = {
        "confirmed": confirmed,
        "waitlisted": len(enrolment_ids) - confirmed,
        "not_created": len(ordered) - len(enrolment_ids),
        "families": len(household_ids),
    }
    audit_record(
        action=AuditAction.CHANGE,
        actor=published_by,
        target=round_,
        summary=f"published: {summary}",
    )
    report(total, total)
    return summary


# --- Background work ------------------------------------------------------------------------


def computation_start(*, round_: AllocationRound, started_by):
    from .jobs import COMPUTE

    if round_.status != RoundStatus.CLOSED:
        raise AllocationError(
            _("Close the round before computing the allocation."), field="status", status=409
        )
    title = _("Allocation of “%(round)s”") % {"round": round_.title}
    return job_start(kind=COMPUTE, owner=started_by, title=title, params={"round": round_.pk})


def publication_start(*, round_: AllocationRound, started_by):
    from .jobs import PUBLISH

    if round_.status != RoundStatus.CLOSED or round_.computed_at is None:
        raise AllocationError(
            _("Compute the allocation before publishing it."), field="status", status=409
        )
    title = _("Publication of “%(round)s”") % {"round": round_.title}
    return job_start(kind=PUBLISH, owner=started_by, title=title, params={"round": round_.pk})
