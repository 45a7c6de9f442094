"""Reads of allocation rounds, shaped for the pages and the API (bounded queries).

Who sees what:
- a round's rules, weights and activities are public (families read them before wishing);
- a family sees and changes its own children's wishes and results;
- a mediator acts for the households they may see (enrolment.access), for rounds holding one of
  their programmes;
- a partner acts for the children it referred (an enrolment or a wish it referred);
- a coordinator or an administrator sees everything, and alone manages rounds.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from enrolment.access import partner_of
from enrolment.models import Enrolment
from enrolment.services import eligibility_date
from households.access import households_visible_to
from households.eligibility import ineligibility_reason
from households.models import Household, Participant
from programmes.models import Programme, ProgrammeStatus
from programmes.selectors import age_on

from .models import (
    AllocationRound,
    ChildResult,
    PriorityRule,
    RoundActivity,
    RoundStatus,
    SiblingGroupMember,
    Wish,
    WishOutcome,
)

AGE_BANDS = ((0, 5), (6, 8), (9, 11), (12, 14), (15, 17))


def can_manage_rounds(user) -> bool:
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def round_list() -> QuerySet[AllocationRound]:
    return AllocationRound.objects.annotate(
        activity_count=Count("activities", distinct=True)
    ).order_by("-wishes_open_at", "-pk")


def round_get(*, pk: int) -> AllocationRound:
    try:
        return AllocationRound.objects.get(pk=pk)
    except AllocationRound.DoesNotExist as missing:
        raise Http404 from missing


def round_activities(*, round_: AllocationRound) -> list[RoundActivity]:
    return list(round_.activities.select_related("programme", "session__venue", "programme__venue"))


def children_who_fit(
    *, children: list[Participant], activities: list[RoundActivity]
) -> tuple[list[Participant], list[str]]:
    """The members who fit at least one activity of the round, and why each other one fits
    none (the enrolment's own rule, on the activity's first day)."""
    fit, reasons = [], []
    for child in children:
        why = [
            ineligibility_reason(
                first_name=child.first_name,
                birth_date=child.birth_date,
                sex=child.sex,
                programme=activity.programme,
                day=eligibility_date(programme=activity.programme, session=activity.session),
            )
            for activity in activities
        ]
        if not activities or any(reason is None for reason in why):
            fit.append(child)
        else:
            reasons.append(next(reason for reason in why if reason))
    return fit, reasons


def open_rounds_for_programme(*, programme) -> list[AllocationRound]:
    return list(
        AllocationRound.objects.filter(
            status__in=(RoundStatus.OPEN, RoundStatus.CLOSED), activities__programme=programme
        ).distinct()
    )


def rules_with_weights(round_: AllocationRound) -> list[tuple[str, str, int]]:
    return [(rule.value, str(rule.label), round_.weights[rule]) for rule in PriorityRule]


# --- Whom a person may wish for ---------------------------------------------------------------


def participants_for(*, user, round_: AllocationRound) -> QuerySet[Participant]:
    """The children ``user`` may enter wishes for and read results of, in this round."""
    if not getattr(user, "is_authenticated", False):
        return Participant.objects.none()
    if can_manage_rounds(user):
        return Participant.objects.all()
    condition = Q(household__guardians__user=user)
    if has_role(user, Role.MEDIATOR):
        mediates = round_.activities.filter(programme__mediators__user=user).exists()
        if mediates:
            condition |= Q(household__in=households_visible_to(user))
    partner = partner_of(user)
    if partner is not None:
        referred = Enrolment.objects.filter(participant=OuterRef("pk"), referred_by_partner=partner)
        wished = Wish.objects.filter(participant=OuterRef("pk"), referred_by_partner=partner)
        condition |= Q(Exists(referred)) | Q(Exists(wished))
    return Participant.objects.filter(pk__in=Participant.objects.filter(condition).values("pk"))


def household_for(*, user, round_: AllocationRound, household_id: int | None) -> Household:
    """The household whose wishes a page shows: the family's own, or one staff or a partner
    may act for; 404 otherwise."""
    children = participants_for(user=user, round_=round_)
    if household_id is None:
        household = (
            Household.objects.filter(guardians__user=user).first()
            if getattr(user, "is_authenticated", False)
            else None
        )
    else:
        household = Household.objects.filter(
            pk=household_id, pk__in=children.values("household_id")
        ).first()
    if household is None:
        raise Http404
    return household


def household_children(*, user, round_: AllocationRound, household: Household) -> list[Participant]:
    return list(
        participants_for(user=user, round_=round_)
        .filter(household=household)
        .order_by("birth_date", "first_name", "pk")
    )


@dataclass
class ChildWishes:
    participant: Participant
    wishes: list[Wish] = field(default_factory=list)
    group_with: list[str] = field(default_factory=list)
    result: ChildResult | None = None

    @property
    def granted(self) -> list[Wish]:
        return [wish for wish in self.wishes if wish.outcome == WishOutcome.GRANTED]


def wishes_of(*, round_: AllocationRound, participants: list[Participant]) -> list[ChildWishes]:
    """Each child's ranked wishes, group and result, in three queries."""
    ids = [participant.pk for participant in participants]
    rows = {participant.pk: ChildWishes(participant) for participant in participants}
    for wish in (
        Wish.objects.filter(round=round_, participant_id__in=ids)
        .select_related("activity__programme", "activity__session", "enrolment")
        .order_by("rank")
    ):
        rows[wish.participant_id].wishes.append(wish)
    groups: dict[int, list[int]] = defaultdict(list)
    memberships = list(
        SiblingGroupMember.objects.filter(
            group__in=SiblingGroupMember.objects.filter(
                round=round_, participant_id__in=ids
            ).values("group_id")
        ).select_related("participant")
    )
    names = {m.participant_id: m.participant.first_name for m in memberships}
    for membership in memberships:
        groups[membership.group_id].append(membership.participant_id)
    for members in groups.values():
        for member in members:
            if member in rows:
                rows[member].group_with = [names[m] for m in members if m != member]
    for result in ChildResult.objects.filter(round=round_, participant_id__in=ids):
        rows[result.participant_id].result = result
    return [rows[pk] for pk in ids]


def activities_by_id(*, round_: AllocationRound, ids: list[int]) -> list[RoundActivity]:
    found = {
        activity.pk: activity
        for activity in RoundActivity.objects.filter(round=round_, pk__in=ids).select_related(
            "programme", "session"
        )
    }
    return [found[pk] for pk in ids if pk in found]


# --- Preview and report ---------------------------------------------------------------------


@dataclass
class ActivityFill:
    activity: RoundActivity
    places: int
    wishes: int
    first_choices: int
    granted: int
    waitlisted: int

    @property
    def wishes_per_place(self) -> float:
        return self.wishes / self.places if self.places else float(self.wishes)


@dataclass
class Share:
    label: str
    children: int
    served: int

    @property
    def percent(self) -> int:
        return round(100 * self.served / self.children) if self.children else 0


@dataclass
class Preview:
    fill: list[ActivityFill]
    unlucky: list[ChildResult]
    by_qpv: list[Share]
    by_age: list[Share]
    children: int
    granted: int
    first_choices_granted: int


def round_preview(*, round_: AllocationRound) -> Preview:
    """Who gets what at a glance: fill per activity, children with nothing, shares served."""
    activities = round_activities(round_=round_)
    places = {int(a["key"]): a["capacity"] for a in round_.inputs.get("activities", [])}
    counts: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for activity_id, outcome, rank, total in (
        Wish.objects.filter(round=round_)
        .values_list("activity_id", "outcome", "rank")
        .annotate(total=Count("pk"))
        .order_by()
    ):
        counts[activity_id]["wishes"] += total
        counts[activity_id][outcome] += total
        if rank == 1:
            counts[activity_id]["first"] += total
    fill = [
        ActivityFill(
            activity,
            places.get(activity.pk, 0),
            counts[activity.pk]["wishes"],
            counts[activity.pk]["first"],
            counts[activity.pk][WishOutcome.GRANTED],
            counts[activity.pk][WishOutcome.WAITLISTED],
        )
        for activity in activities
    ]
    results = list(
        ChildResult.objects.filter(round=round_)
        .select_related("participant__household")
        .order_by("position", "participant_id")
    )
    granted_per_child = Counter(
        Wish.objects.filter(round=round_, outcome=WishOutcome.GRANTED).values_list(
            "participant_id", flat=True
        )
    )
    first = Wish.objects.filter(round=round_, outcome=WishOutcome.GRANTED, rank=1).count()
    unlucky = [result for result in results if not granted_per_child[result.participant_id]]
    qpv: defaultdict[bool, list[int]] = defaultdict(lambda: [0, 0])
    ages: defaultdict[tuple[int, int] | None, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        served = 1 if granted_per_child[result.participant_id] else 0
        key = result.participant.household.in_qpv
        qpv[key][0] += 1
        qpv[key][1] += served
        age = age_on(result.participant.birth_date, round_.results_on)
        band = next((b for b in AGE_BANDS if b[0] <= age <= b[1]), None)
        ages[band][0] += 1
        ages[band][1] += served
    by_qpv = [
        Share(_("Lives in a QPV") if key else _("Outside QPVs"), *qpv[key])
        for key in (True, False)
        if key in qpv
    ]
    by_age = [
        Share(
            _("%(low)s–%(high)s years") % {"low": band[0], "high": band[1]}
            if band
            else _("Other ages"),
            *ages[band],
        )
        for band in [*AGE_BANDS, None]
        if band in ages
    ]
    return Preview(
        fill=fill,
        unlucky=unlucky,
        by_qpv=by_qpv,
        by_age=by_age,
        children=len(results),
        granted=sum(granted_per_child.values()),
        first_choices_granted=first,
    )


def round_results(*, round_: AllocationRound) -> QuerySet[Wish]:
    """Every wish with its outcome, for coordinators (API and exports)."""
    return (
        Wish.objects.filter(round=round_)
        .select_related("participant", "activity__programme", "activity__session")
        .order_by("participant_id", "rank")
    )


def visible_wishes(*, user, round_: AllocationRound) -> QuerySet[Wish]:
    return round_results(round_=round_).filter(
        participant__in=participants_for(user=user, round_=round_)
    )


def programmes_by_id(*, ids: list[int]) -> list[Programme]:
    return list(Programme.objects.filter(pk__in=ids, status=ProgrammeStatus.PUBLISHED))


def participants_by_id(*, user, round_: AllocationRound, ids: list[int]) -> list[Participant]:
    return list(
        participants_for(user=user, round_=round_).filter(pk__in=ids).select_related("household")
    )
