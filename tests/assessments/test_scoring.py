"""Scoring rules hold for every input, not only for the examples we thought of (hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    MAX_LEVEL,
    MIN_LEVEL,
    Item,
    Tier,
    area_scores,
    differences,
    gaps,
    overall_score,
    tier_for,
    weighted_mean,
    weighted_total,
)

levels = st.one_of(st.none(), st.integers(MIN_LEVEL, MAX_LEVEL))
weights = st.floats(min_value=0.1, max_value=10, allow_nan=False)
items = st.lists(
    st.builds(Item, code=st.uuids().map(str), area=st.sampled_from("ABCD"), weight=weights, level=levels),
    max_size=60,
)
PSEA = [Tier("high", 8), Tier("moderate", 14), Tier("low", None)]
RANK = {"high": 0, "moderate": 1, "low": 2}


@given(items)
def test_scores_stay_within_the_scale(requirements):
    overall = overall_score(requirements)
    assert overall is None or MIN_LEVEL <= overall <= MAX_LEVEL
    for area in area_scores(requirements):
        assert area.score is None or MIN_LEVEL <= area.score <= MAX_LEVEL
        assert 0 <= area.answered <= area.total


@given(st.lists(st.tuples(st.floats(0, 5), weights), min_size=1))
def test_a_weighted_mean_lies_between_its_smallest_and_largest_value(pairs):
    mean = weighted_mean(pairs)
    assert mean is not None
    assert min(v for v, _ in pairs) <= mean <= max(v for v, _ in pairs)


def test_nothing_answered_has_no_score():
    assert overall_score([Item("a", "A"), Item("b", "A")]) is None
    assert area_scores([Item("a", "A")])[0].score is None


@given(items, st.integers(MIN_LEVEL, MAX_LEVEL), st.integers(0, MAX_LEVEL - MIN_LEVEL), weights)
def test_adding_a_requirement_at_or_above_target_never_creates_a_gap(requirements, target, above, weight):
    before = gaps(requirements, target)
    met = Item("new", "A", weight=weight, level=min(MAX_LEVEL, target + above))
    after = gaps([*requirements, met], target)
    assert after.below == before.below
    assert after.unanswered == before.unanswered


@given(items, st.integers(MIN_LEVEL, MAX_LEVEL))
def test_gaps_are_exactly_the_answers_below_target_and_the_open_ones(requirements, target):
    found = gaps(requirements, target)
    assert all(item.level is not None and item.level < target for item in found.below)
    assert all(item.level is None for item in found.unanswered)
    assert len(found.below) + len(found.unanswered) == sum(
        1 for item in requirements if item.level is None or item.level < target
    )


@given(items, st.randoms())
def test_order_of_requirements_does_not_change_scores(requirements, random):
    shuffled = list(requirements)
    random.shuffle(shuffled)
    a, b = overall_score(requirements), overall_score(shuffled)
    assert (a is None and b is None) or abs(a - b) < 1e-9  # type: ignore[operator]
    by_area = {s.area: s.score for s in area_scores(requirements)}
    for score in area_scores(shuffled):
        expected = by_area[score.area]
        assert (score.score is None and expected is None) or abs(score.score - expected) < 1e-9  # type: ignore[operator]


@given(st.floats(-100, 100), st.floats(0, 50))
def test_a_higher_total_never_gives_a_worse_tier(total, more):
    assert RANK[tier_for(total + more, PSEA)] >= RANK[tier_for(total, PSEA)]


@given(st.integers(-50, 80))
def test_thresholds_give_every_total_exactly_one_tier(total):
    matching = [t for t in PSEA if (t.up_to is None or total <= t.up_to)]
    assert tier_for(total, PSEA) == matching[0].code
    # The bounds partition the line: a tier holds exactly the totals above the previous bound.
    index = [t.code for t in PSEA].index(tier_for(total, PSEA))
    if index:
        assert total > PSEA[index - 1].up_to


def test_psea_defaults():
    assert [tier_for(t, PSEA) for t in (0, 8, 9, 14, 15, 30)] == ["high", "high", "moderate", "moderate", "low", "low"]
    assert weighted_total([2, 3, 1.5]) == 6.5


@given(st.lists(st.tuples(st.text(max_size=3), levels, levels), max_size=30))
def test_mutual_differences_come_largest_first(pairs):
    rows = differences(pairs)
    assert len(rows) == len(pairs)
    known = [row.gap for row in rows if row.gap is not None]
    assert known == sorted(known, reverse=True)
    # Questions one side left open come after every question both answered.
    first_open = next((i for i, row in enumerate(rows) if row.gap is None), len(rows))
    assert all(row.gap is None for row in rows[first_open:])
