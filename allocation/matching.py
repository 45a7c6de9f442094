"""The allocation of an oversubscribed round, as a pure function of its inputs and its seed.

No database, no clock, no randomness other than the published seed: the same ``RoundInput``
always gives the same ``Allocation``, which is what lets anyone reproduce a round afterwards.

The algorithm is a **serial dictatorship in passes** (a "draft"):

1. Each *unit* (a child, or a sibling group kept together) gets priority points: the sum of the
   weights of the declared rules that apply to it, minus the weight of "wishes already granted"
   times the number of such wishes. Ties are broken by a draw: the SHA-256 of the seed and the
   unit's key, so a unit's draw does not depend on who else wished.
2. Units are ordered by points (highest first), then by draw. This order never changes.
3. In pass 1, each unit in that order receives its best-ranked wish that is still *feasible* for
   it; in pass 2 each receives its next one, and so on, for as many passes as the per-child cap.
   A sibling group receives an activity for all its members at once, or not at all.
4. A wish is feasible for a unit at its turn when: every member is eligible (age, not already
   enrolled); the activity has at least as many free places left as the unit has members; no
   member already holds, or has been given, a session that overlaps it; and the household's cap
   is not exceeded. Every reason a wish fails only gets stronger as the round goes on (places
   only fill, held times only grow), so a wish is examined once and keeps the first reason found.
5. Units that did not get every wish are put on the waiting lists of the activities that were
   full at their turn, in the same priority order, as long as the waiting place could not,
   once promoted, break a cap or an overlap.

Property guaranteed (tested in ``tests/allocation/test_properties.py``): **at its turn in each
pass, a unit receives its best-ranked wish that is feasible at that moment.** Hence a unit that
comes later in the order (fewer points, or equal points and a later draw) never receives a place
that an earlier unit wished for at a better rank than what it received in the same pass, unless
that place was not feasible for the earlier unit for a reason of its own (eligibility, overlap,
caps, or a group larger than the places left).

It does not maximise the number of first choices granted over all children: it maximises them
in priority order, which is the rule a family can check by hand.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

# Outcomes of a wish; the string values are stored (see models.WishOutcome).
GRANTED = "granted"
WAITLISTED = "waitlisted"
FULL = "full"
OVERLAP = "overlap"
INELIGIBLE = "ineligible"
CHILD_CAP = "child_cap"
HOUSEHOLD_CAP = "household_cap"

# Priority rules a coordinator can weigh (see models.PriorityRule).
RULES = ("qpv", "first_time", "referred", "sibling_group", "granted_before")


@dataclass(frozen=True)
class Activity:
    key: str
    capacity: int  # places free when the round is computed
    slots: tuple[tuple[int, int], ...]  # (start, end) in epoch seconds, end exclusive


@dataclass(frozen=True)
class Child:
    key: str
    household: str
    eligible: frozenset[str]  # activity keys this child may be given
    busy: tuple[tuple[int, int], ...] = ()  # times already held elsewhere


@dataclass(frozen=True)
class Unit:
    key: str
    children: tuple[str, ...]
    wishes: tuple[str, ...]  # activity keys, best first
    criteria: frozenset[str] = frozenset()  # rules that apply, except granted_before
    granted_before: int = 0


@dataclass(frozen=True)
class RoundInput:
    activities: tuple[Activity, ...]
    children: tuple[Child, ...]
    units: tuple[Unit, ...]
    weights: dict[str, int]
    max_per_child: int
    max_per_household: int | None
    seed: str


@dataclass
class Decision:
    unit: str
    activity: str
    rank: int  # 1 for the first wish
    outcome: str
    pass_number: int | None = None  # the pass in which the wish was examined
    turn: int | None = None  # global order of the examination


@dataclass
class Allocation:
    order: list[str]  # unit keys, highest priority first
    points: dict[str, int]
    draws: dict[str, str]
    decisions: list[Decision] = field(default_factory=list)
    # activity key -> child keys, in priority order
    granted: dict[str, list[str]] = field(default_factory=dict)
    waitlists: dict[str, list[str]] = field(default_factory=dict)

    def digest(self) -> str:
        """A fingerprint of the whole result, to compare two computations."""
        text = repr(
            (
                self.order,
                sorted(self.points.items()),
                [
                    (d.unit, d.activity, d.rank, d.outcome, d.pass_number, d.turn)
                    for d in self.decisions
                ],
                sorted(self.granted.items()),
                sorted(self.waitlists.items()),
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()


def draw(seed: str, unit_key: str) -> str:
    return hashlib.sha256(f"{seed}:{unit_key}".encode()).hexdigest()


def unit_points(unit: Unit, weights: dict[str, int]) -> int:
    points = sum(weights.get(rule, 0) for rule in unit.criteria if rule != "granted_before")
    return points - weights.get("granted_before", 0) * unit.granted_before


def priority_order(data: RoundInput) -> tuple[list[Unit], dict[str, int], dict[str, str]]:
    points = {unit.key: unit_points(unit, data.weights) for unit in data.units}
    draws = {unit.key: draw(data.seed, unit.key) for unit in data.units}
    ordered = sorted(data.units, key=lambda unit: (-points[unit.key], draws[unit.key], unit.key))
    return ordered, points, draws


def overlaps(first: tuple[tuple[int, int], ...], second: list[tuple[int, int]]) -> bool:
    return any(
        start < other_end and other_start < end
        for start, end in first
        for other_start, other_end in second
    )


def allocate(data: RoundInput) -> Allocation:
    ordered, points, draws = priority_order(data)
    activities = {activity.key: activity for activity in data.activities}
    children = {child.key: child for child in data.children}
    free = {key: activity.capacity for key, activity in activities.items()}
    held: dict[str, list[tuple[int, int]]] = {
        key: list(child.busy) for key, child in children.items()
    }
    household_count: Counter[str] = Counter()
    result = Allocation(
        order=[unit.key for unit in ordered],
        points=points,
        draws=draws,
        granted={key: [] for key in activities},
        waitlists={key: [] for key in activities},
    )
    wishes = {
        unit.key: [w for w in dict.fromkeys(unit.wishes) if w in activities] for unit in ordered
    }
    cursor = dict.fromkeys(wishes, 0)
    grants: Counter[str] = Counter()
    finished: set[str] = set()
    decisions: dict[tuple[str, str], Decision] = {}
    turn = 0

    def decide(unit: Unit, activity: str, outcome: str, pass_number: int | None) -> None:
        nonlocal turn
        turn += 1
        rank = wishes[unit.key].index(activity) + 1
        decision = Decision(unit.key, activity, rank, outcome, pass_number, turn)
        decisions[(unit.key, activity)] = decision
        result.decisions.append(decision)

    def reason_against(unit: Unit, key: str) -> str | None:
        activity = activities[key]
        members = [children[child] for child in unit.children]
        if any(key not in child.eligible for child in members):
            return INELIGIBLE
        if any(overlaps(activity.slots, held[child.key]) for child in members):
            return OVERLAP
        if data.max_per_household is not None and (
            household_count[members[0].household] + len(members) > data.max_per_household
        ):
            return HOUSEHOLD_CAP
        if free[key] < len(members):
            return FULL
        return None

    for pass_number in range(1, data.max_per_child + 1):
        for unit in ordered:
            if unit.key in finished:
                continue
            listed = wishes[unit.key]
            while cursor[unit.key] < len(listed):
                key = listed[cursor[unit.key]]
                cursor[unit.key] += 1
                reason = reason_against(unit, key)
                if reason is None:
                    decide(unit, key, GRANTED, pass_number)
                    free[key] -= len(unit.children)
                    for child in unit.children:
                        held[child].extend(activities[key].slots)
                        result.granted[key].append(child)
                    household_count[children[unit.children[0]].household] += len(unit.children)
                    grants[unit.key] += 1
                    break
                decide(unit, key, reason, pass_number)
            if cursor[unit.key] >= len(listed):
                finished.add(unit.key)
    # Wishes never reached: the unit had its share of activities.
    for unit in ordered:
        for key in wishes[unit.key][cursor[unit.key] :]:
            decide(unit, key, CHILD_CAP, None)
    _waitlist(data, ordered, wishes, decisions, grants, held, household_count, result)
    return result


def _waitlist(data, ordered, wishes, decisions, grants, held, household_count, result) -> None:
    """Waiting places that, once promoted, keep every cap and never overlap another place."""
    activities = {activity.key: activity for activity in data.activities}
    households = {child.key: child.household for child in data.children}
    for unit in ordered:
        room = data.max_per_child - grants[unit.key]
        for key in wishes[unit.key]:
            if room <= 0:
                break
            decision = decisions[(unit.key, key)]
            if decision.outcome != FULL:
                continue
            household = households[unit.children[0]]
            if data.max_per_household is not None and (
                household_count[household] + len(unit.children) > data.max_per_household
            ):
                break
            slots = activities[key].slots
            if any(overlaps(slots, held[child]) for child in unit.children):
                continue
            decision.outcome = WAITLISTED
            room -= 1
            household_count[household] += len(unit.children)
            for child in unit.children:
                held[child].extend(slots)
                result.waitlists[key].append(child)


def input_to_json(data: RoundInput) -> dict:
    return {
        "activities": [
            {"key": a.key, "capacity": a.capacity, "slots": [list(s) for s in a.slots]}
            for a in data.activities
        ],
        "children": [
            {
                "key": c.key,
                "household": c.household,
                "eligible": sorted(c.eligible),
                "busy": [list(s) for s in c.busy],
            }
            for c in data.children
        ],
        "units": [
            {
                "key": u.key,
                "children": list(u.children),
                "wishes": list(u.wishes),
                "criteria": sorted(u.criteria),
                "granted_before": u.granted_before,
            }
            for u in data.units
        ],
        "weights": dict(sorted(data.weights.items())),
        "max_per_child": data.max_per_child,
        "max_per_household": data.max_per_household,
        "seed": data.seed,
    }


def input_from_json(data: dict) -> RoundInput:
    return RoundInput(
        activities=tuple(
            Activity(a["key"], a["capacity"], tuple(tuple(s) for s in a["slots"]))
            for a in data["activities"]
        ),
        children=tuple(
            Child(
                c["key"],
                c["household"],
                frozenset(c["eligible"]),
                tuple(tuple(s) for s in c["busy"]),
            )
            for c in data["children"]
        ),
        units=tuple(
            Unit(
                u["key"],
                tuple(u["children"]),
                tuple(u["wishes"]),
                frozenset(u["criteria"]),
                u["granted_before"],
            )
            for u in data["units"]
        ),
        weights=dict(data["weights"]),
        max_per_child=data["max_per_child"],
        max_per_household=data["max_per_household"],
        seed=data["seed"],
    )
