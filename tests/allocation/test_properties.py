"""Property tests of the allocation over random rounds (pure module, no database)."""

from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from allocation import matching
from allocation.matching import (
    FULL,
    GRANTED,
    WAITLISTED,
    Activity,
    Child,
    RoundInput,
    Unit,
    allocate,
    overlaps,
)


@st.composite
def rounds(draw):
    activity_count = draw(st.integers(1, 8))
    activities = []
    for index in range(activity_count):
        day = draw(st.integers(0, 3))
        start = day * 100 + draw(st.integers(0, 3)) * 10
        slots = ((start, start + draw(st.integers(5, 25))),)
        activities.append(Activity(f"a{index}", draw(st.integers(0, 4)), slots))
    keys = [a.key for a in activities]
    households = draw(st.integers(1, 6))
    children, units = [], []
    child_index = 0
    for household in range(households):
        size = draw(st.integers(1, 3))
        members = [f"k{child_index + i}" for i in range(size)]
        child_index += size
        for key in members:
            eligible = frozenset(draw(st.lists(st.sampled_from(keys), unique=True)))
            busy = tuple(
                draw(
                    st.lists(
                        st.tuples(st.integers(0, 300), st.just(5)).map(
                            lambda t: (t[0], t[0] + t[1])
                        ),
                        max_size=1,
                    )
                )
            )
            children.append(Child(key, f"h{household}", eligible, busy))
        criteria = st.frozensets(st.sampled_from(["qpv", "first_time", "referred"]))
        if size > 1 and draw(st.booleans()):
            units.append(
                Unit(
                    "g" + "-".join(members),
                    tuple(members),
                    tuple(draw(st.lists(st.sampled_from(keys), unique=True, max_size=5))),
                    draw(criteria) | {"sibling_group"},
                    draw(st.integers(0, 2)),
                )
            )
        else:
            for key in members:
                units.append(
                    Unit(
                        f"c{key}",
                        (key,),
                        tuple(draw(st.lists(st.sampled_from(keys), unique=True, max_size=5))),
                        draw(criteria),
                        draw(st.integers(0, 2)),
                    )
                )
    weights = {rule: draw(st.integers(0, 5)) for rule in matching.RULES}
    return RoundInput(
        activities=tuple(activities),
        children=tuple(children),
        units=tuple(units),
        weights=weights,
        max_per_child=draw(st.integers(1, 3)),
        max_per_household=draw(st.one_of(st.none(), st.integers(1, 5))),
        seed=draw(st.text(min_size=1, max_size=8)),
    )


def _granted_per_child(result) -> dict[str, list[str]]:
    per_child = defaultdict(list)
    for activity, children in result.granted.items():
        for child in children:
            per_child[child].append(activity)
    return per_child


@settings(max_examples=120, deadline=None)
@given(rounds())
def test_capacity_is_never_exceeded(data):
    result = allocate(data)
    for activity in data.activities:
        assert len(result.granted[activity.key]) <= activity.capacity


@settings(max_examples=120, deadline=None)
@given(rounds())
def test_no_child_holds_two_overlapping_activities_nor_one_over_their_own_times(data):
    result = allocate(data)
    slots = {a.key: a.slots for a in data.activities}
    busy = {c.key: list(c.busy) for c in data.children}
    for child, activities in _granted_per_child(result).items():
        for index, first in enumerate(activities):
            assert not overlaps(slots[first], busy[child])
            for second in activities[index + 1 :]:
                assert not overlaps(slots[first], list(slots[second]))


@settings(max_examples=120, deadline=None)
@given(rounds())
def test_caps_and_eligibility_hold_also_once_waiting_lists_are_promoted(data):
    result = allocate(data)
    households = {c.key: c.household for c in data.children}
    eligible = {c.key: c.eligible for c in data.children}
    per_child = Counter()
    per_household = Counter()
    for places in (result.granted, result.waitlists):
        for activity, children in places.items():
            for child in children:
                assert activity in eligible[child]
                per_child[child] += 1
                per_household[households[child]] += 1
    assert all(count <= data.max_per_child for count in per_child.values())
    if data.max_per_household is not None:
        assert all(count <= data.max_per_household for count in per_household.values())


@settings(max_examples=120, deadline=None)
@given(rounds())
def test_sibling_groups_get_all_or_none(data):
    result = allocate(data)
    for unit in data.units:
        if len(unit.children) < 2:
            continue
        for places in (result.granted, result.waitlists):
            for children in places.values():
                present = {child in children for child in unit.children}
                assert len(present) == 1


@settings(max_examples=80, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_same_inputs_and_seed_give_the_same_result_whatever_the_input_order(data, random):
    first = allocate(data)
    shuffled_units = list(data.units)
    random.shuffle(shuffled_units)
    shuffled_children = list(data.children)
    random.shuffle(shuffled_children)
    again = allocate(
        RoundInput(
            data.activities,
            tuple(shuffled_children),
            tuple(shuffled_units),
            data.weights,
            data.max_per_child,
            data.max_per_household,
            data.seed,
        )
    )
    assert again.digest() == first.digest()
    roundtrip = matching.input_from_json(matching.input_to_json(data))
    assert allocate(roundtrip).digest() == first.digest()


@settings(max_examples=120, deadline=None)
@given(rounds())
def test_each_unit_gets_its_best_feasible_wish_at_its_turn(data):
    """The priority property: replaying the decisions in turn order, with feasibility computed
    independently, a unit's grant in a pass is its best-ranked wish feasible at that moment.
    So a unit later in the order never takes a place an earlier unit could have had at a better
    rank in the same pass."""
    result = allocate(data)
    units = {unit.key: unit for unit in data.units}
    children = {child.key: child for child in data.children}
    activities = {a.key: a for a in data.activities}
    free = {a.key: a.capacity for a in data.activities}
    held = {c.key: list(c.busy) for c in data.children}
    household = Counter()
    position = {key: index for index, key in enumerate(result.order)}
    # Order is points then draw.
    ranks = [(-result.points[key], result.draws[key]) for key in result.order]
    assert ranks == sorted(ranks)

    def feasible(unit, key) -> bool:
        members = [children[c] for c in unit.children]
        return (
            all(key in c.eligible for c in members)
            and not any(overlaps(activities[key].slots, held[c.key]) for c in members)
            and (
                data.max_per_household is None
                or household[members[0].household] + len(members) <= data.max_per_household
            )
            and free[key] >= len(members)
        )

    by_turn = defaultdict(list)
    for decision in result.decisions:
        if decision.pass_number is not None:
            by_turn[(decision.pass_number, position[decision.unit])].append(decision)
    for (pass_number, _), decisions in sorted(by_turn.items()):
        unit = units[decisions[0].unit]
        granted = [d for d in decisions if d.outcome == GRANTED]
        assert len(granted) <= 1
        already = {
            d.activity
            for d in result.decisions
            if d.unit == unit.key and d.pass_number is not None and d.pass_number < pass_number
        }
        candidates = [
            key for key in dict.fromkeys(unit.wishes) if key in activities and key not in already
        ]
        best = next((key for key in candidates if feasible(unit, key)), None)
        assert (granted[0].activity if granted else None) == best
        if best is not None:
            free[best] -= len(unit.children)
            for child in unit.children:
                held[child].extend(activities[best].slots)
            household[children[unit.children[0]].household] += len(unit.children)


@settings(max_examples=80, deadline=None)
@given(rounds())
def test_waiting_lists_follow_the_priority_order_and_only_hold_full_wishes(data):
    result = allocate(data)
    position = {}
    for index, key in enumerate(result.order):
        for child in next(u for u in data.units if u.key == key).children:
            position[child] = index
    for children in result.waitlists.values():
        assert [position[c] for c in children] == sorted(position[c] for c in children)
    waitlisted = {(d.unit, d.activity) for d in result.decisions if d.outcome == WAITLISTED}
    units = {unit.key: unit for unit in data.units}
    for activity, children in result.waitlists.items():
        for child in children:
            unit = next(u for u in units.values() if child in u.children)
            assert (unit.key, activity) in waitlisted
    assert all(d.outcome != FULL or d.pass_number is not None for d in result.decisions)
