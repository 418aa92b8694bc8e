"""Small-cell suppression of the annual account: no hidden count can be worked out from what is shown.

The reader in these tests knows everything a table says: the total (or that it is below the minimum N),
every shown count, that "< N" means 1 to N-1, that a zero is shown as 0 (so a hidden count is at least 1),
and that a count hidden to protect another ("hidden") was the smallest shown one, so it is at least N and
at most each count still shown (strictly below one shown before it, as ties hide the first). From that they
work out every value each hidden cell could have. It must always be more than one.
"""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cases.annual import HIDDEN, SHOWN, SMALL, count_state, suppress, visible_groups

counts_strategy = st.lists(st.one_of(st.integers(0, 12), st.integers(0, 40)), min_size=2, max_size=8)
minimum_strategy = st.integers(3, 8)


def possible_values(counts: list[int], states: list[str], minimum: int) -> dict[int, set[int]]:
    """For each cell not shown, every value it could have that fits the table (by enumeration, not formula)."""
    total = sum(counts)
    totals = {total} if count_state(total, minimum) == SHOWN else set(range(1, minimum))
    withheld = all(state == HIDDEN for state in states)
    shown = [(k, c) for k, c in enumerate(counts) if states[k] == SHOWN and c > 0]
    ceiling = max(totals)
    ranges: dict[int, range] = {}
    for index, state in enumerate(states):
        if state == SMALL:
            ranges[index] = range(1, minimum)
        elif state == HIDDEN and withheld:
            ranges[index] = range(0, ceiling + 1)
        elif state == HIDDEN:
            highest = min([c - 1 if k < index else c for k, c in shown], default=ceiling)
            ranges[index] = range(minimum, highest + 1)
    rest = sum(c for k, c in enumerate(counts) if k not in ranges)
    result = {}
    for index, values in ranges.items():
        # The sums the other hidden cells can make together, built up one cell at a time.
        sums = {0}
        for other, other_values in ranges.items():
            if other != index:
                sums = {s + v for s in sums for v in other_values if s + v <= ceiling}
        result[index] = {v for v in values if any(rest + v + s in totals for s in sums)}
    return result


@given(counts=counts_strategy, minimum=minimum_strategy)
@settings(max_examples=400, deadline=None)
@example(counts=[0, 3, 10, 12], minimum=5)
@example(counts=[3, 11], minimum=5)
@example(counts=[1, 5], minimum=5)
@example(counts=[4, 5, 5], minimum=5)
@example(counts=[1, 1, 1, 1, 0], minimum=5)
@example(counts=[5, 5, 4], minimum=5)
def test_no_hidden_count_can_be_worked_out(counts, minimum):
    states = suppress(counts, minimum)
    for index, values in possible_values(counts, states, minimum).items():
        assert counts[index] in values, "what the table says about the cell must be true"
        assert len(values) > 1, f"cell {index} of {counts} (N={minimum}) shown as {states} can only be {values}"


@given(counts=counts_strategy, minimum=minimum_strategy)
@settings(max_examples=300, deadline=None)
def test_one_small_count_beside_a_shown_total_never_stands_alone(counts, minimum):
    """The plain subtraction: total minus the other shown counts."""
    states = suppress(counts, minimum)
    if count_state(sum(counts), minimum) == SHOWN:
        not_shown = [k for k, state in enumerate(states) if state != SHOWN]
        assert len(not_shown) != 1


@given(counts=counts_strategy, minimum=st.integers(2, 8))
@settings(max_examples=300, deadline=None)
def test_only_what_must_be_hidden_is(counts, minimum):
    states = suppress(counts, minimum)
    withheld = all(state == HIDDEN for state in states)
    for count, state in zip(counts, states, strict=True):
        if 0 < count < minimum:
            assert state in (SMALL, HIDDEN)
            assert state == SMALL or withheld
        elif count == 0:
            assert state == SHOWN or withheld, "zero shows as 0"
    if not any(0 < count < minimum for count in counts):
        assert all(state == SHOWN for state in states), "nothing small, nothing hidden"


def test_examples_by_hand():
    # A 3 beside a total of 25 would be 25 - 10 - 12: the 10 goes too.
    assert suppress([0, 3, 10, 12], 5) == [SHOWN, SMALL, HIDDEN, SHOWN]
    # Two small counts protect each other (3 = 1 + 2 or 2 + 1).
    assert suppress([5, 2, 0, 1], 5) == [SHOWN, SMALL, SHOWN, SMALL]
    # Two small counts that can only be 1 and 1: the 9 goes too.
    assert suppress([1, 1, 9], 5) == [SMALL, SMALL, HIDDEN]
    # Hiding the 5 beside another 5 shown after it would tell the first is 5 (and so the 4): both 5s go.
    assert suppress([4, 5, 5], 5) == [SMALL, HIDDEN, HIDDEN]
    # "< 5" and a hidden count (so at least 5) that make 6 can only be 1 and 5: nothing can be shown.
    assert suppress([1, 5], 5) == [HIDDEN, HIDDEN]
    # Four counts below 5 with a total below 5 must all be 1.
    assert suppress([1, 1, 1, 1, 0], 5) == [HIDDEN] * 5
    # Nothing small: everything shows; zeros show as 0.
    assert suppress([0, 5, 17], 5) == [SHOWN, SHOWN, SHOWN]
    assert suppress([0, 0], 5) == [SHOWN, SHOWN]


def test_handling_groups_show_only_where_the_rest_is_big_enough_too():
    assert visible_groups({"a": 10, "b": 6}, 16, 5) == {"a", "b"}
    # The 3 left over would be the whole minus a and b: b (the smallest shown) is left out as well.
    assert visible_groups({"a": 10, "b": 6, "c": 3}, 19, 5) == {"a"}
    assert visible_groups({"a": 4, "b": 3}, 7, 5) == set()
    assert visible_groups({"a": 5}, 9, 5) == set()  # the other 4 would be known
    assert visible_groups({"a": 5}, 5, 5) == {"a"}


@given(sizes=st.lists(st.integers(0, 30), min_size=1, max_size=6), extra=st.integers(0, 30), minimum=minimum_strategy)
@settings(max_examples=300, deadline=None)
def test_handling_groups_never_leave_a_small_rest(sizes, extra, minimum):
    groups = {str(index): size for index, size in enumerate(sizes)}
    total = sum(sizes) + extra
    shown = visible_groups(groups, total, minimum)
    rest = total - sum(groups[key] for key in shown)
    assert all(groups[key] >= minimum for key in shown)
    assert rest == 0 or rest >= minimum or not shown
