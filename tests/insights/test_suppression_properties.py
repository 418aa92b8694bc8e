"""Property-based tests of the sector insights' small-cell suppression: no view, and no difference of two views,
shows a group smaller than the minimum.

A random sector (members of random sizes, cases of random years and categories) goes through the same
pure functions the pages use. Then, over every number that any combination of filters (year, category,
size) can show:

- each number shown is the size of a group that passes (zero, or enough units from enough organisations);
- any two numbers shown are nested or apart (never overlapping), so every difference is made of whole groups;
- for any two nested numbers, the difference passes; and so does a number minus all the numbers shown inside it;
- every view only selects from those numbers (a number hidden in one view is hidden in every view);
- medians are of groups that pass.
"""

import os
from collections import Counter
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.stats import CaseTimes
from insights.sector import (
    SIZE_KEYS,
    UNCATEGORISED,
    Population,
    SectorFigures,
    Shown,
    StandingFigures,
    YearFigures,
    case_years,
    population_of,
)
from insights.suppression import Group, Minimum, passes, split
from insights.views.sector import page_context

# Pure functions, no database: the suite's PostgreSQL run would only repeat the SQLite run's examples.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="no database in these properties: they run with the suite on SQLite (CI runs both)",
)

YEARS = [2026, 2025]
CATEGORIES = ["1", "2", "3", UNCATEGORISED]


@st.composite
def sectors(draw):
    members = draw(st.integers(min_value=0, max_value=24))
    sizes = {pk: draw(st.sampled_from(SIZE_KEYS)) for pk in range(1, members + 1)}
    cases = []
    if members:
        for _ in range(draw(st.integers(min_value=0, max_value=80))):
            category = draw(st.sampled_from(CATEGORIES))
            cases.append(
                CaseTimes(
                    organisation_id=draw(st.integers(min_value=1, max_value=members)),
                    year=draw(st.sampled_from(YEARS)),
                    category_id=None if category == UNCATEGORISED else int(category),
                    acknowledge_days=draw(st.none() | st.floats(min_value=0, max_value=30)),
                    feedback_days=draw(st.none() | st.floats(min_value=0, max_value=120)),
                )
            )
    minimum = Minimum(
        organisations=draw(st.sampled_from([2, 3, 5])),
        units=draw(st.sampled_from([2, 3, 5])),
    )
    return sizes, cases, minimum


def _category(case: CaseTimes) -> str:
    return str(case.category_id) if case.category_id is not None else UNCATEGORISED


def _published_counts(
    sizes: dict[int, str], cases: list[CaseTimes], years: list[YearFigures]
) -> list[tuple[Shown, frozenset[int]]]:
    """Every count any view can show, with the cases (by index) it counts."""
    published = []
    for figures in years:
        in_year = {i for i, case in enumerate(cases) if case.year == figures.year}
        published.append((figures.total, frozenset(in_year)))
        for k in CATEGORIES:
            in_category = {i for i in in_year if _category(cases[i]) == k}
            published.append((figures.by_category[k], frozenset(in_category)))
            for s in SIZE_KEYS:
                in_size = {i for i in in_category if sizes[cases[i].organisation_id] == s}
                published.append((figures.by_category_size[(k, s)], frozenset(in_size)))
    return published


def _group(members: frozenset[int], organisation_of: dict[int, int]) -> Group:
    return Group.of((organisation_of[i], 1) for i in members)


def _assert_safe(published: list[tuple[Shown, frozenset[int]]], organisation_of: dict[int, int], minimum: Minimum):
    shown = [(value, members) for value, members in published if value.value is not None]
    for value, members in shown:
        assert value.value == len(members)
        assert passes(_group(members, organisation_of), minimum), "a number shown is a small group"
    sets = {members for _value, members in shown if members}
    for a, b in product(sets, sets):
        assert a <= b or b <= a or not (a & b), "two numbers shown overlap without nesting"
        if b < a:
            assert passes(_group(a - b, organisation_of), minimum), "a difference of two numbers is a small group"
    for a in sets:
        inside = [b for b in sets if b < a]
        widest = [b for b in inside if not any(b < c for c in inside)]
        rest = a - frozenset().union(*widest)
        assert passes(_group(rest, organisation_of), minimum), "a total minus the numbers inside it is a small group"


def _figures(sizes, cases, minimum) -> tuple[Population, list[YearFigures]]:
    """The pages' pure functions over the sector: counts as cases.stats.counts_per_year gives them, times per year."""
    population = population_of(sizes, minimum)
    counted = cases if population.allowed else []
    counts = Counter((case.organisation_id, case.category_id, case.year) for case in counted)
    times = {year: [case for case in counted if case.year == year] for year in YEARS}
    rows = [(organisation, category, year, n) for (organisation, category, year), n in counts.items()]
    return population, case_years(sizes, rows, times, CATEGORIES, YEARS, minimum, population)


@settings(max_examples=300, deadline=None)
@given(sectors())
def test_no_count_and_no_difference_of_counts_is_a_small_group(sector):
    sizes, cases, minimum = sector
    _population, years = _figures(sizes, cases, minimum)
    organisation_of = {i: case.organisation_id for i, case in enumerate(cases)}
    _assert_safe(_published_counts(sizes, cases, years), organisation_of, minimum)


@settings(max_examples=300, deadline=None)
@given(sectors())
def test_members_by_size_never_give_a_small_group_away(sector):
    sizes, _cases, minimum = sector
    population, _years = _figures(sizes, [], minimum)
    published = [(population.members, frozenset(sizes))] + [
        (population.by_size[s], frozenset(pk for pk, size in sizes.items() if size == s)) for s in SIZE_KEYS
    ]
    # Here the units are the organisations themselves.
    _assert_safe(published, {pk: pk for pk in sizes}, Minimum(minimum.organisations, minimum.organisations))


@settings(max_examples=200, deadline=None)
@given(sectors())
def test_medians_are_of_groups_that_pass(sector):
    sizes, cases, minimum = sector
    _population, years = _figures(sizes, cases, minimum)
    for figures in years:
        in_year = [case for case in cases if case.year == figures.year]
        for measure in ("acknowledge", "feedback"):
            attribute = f"{measure}_days"

            def group(selection, attribute=attribute):
                return Group.of((case.organisation_id, 1) for case in selection if getattr(case, attribute) is not None)

            checks = [(getattr(figures.medians, measure), group(in_year))]
            checks += [
                (getattr(figures.medians_by_category[k], measure), group(c for c in in_year if _category(c) == k))
                for k in CATEGORIES
            ]
            checks += [
                (
                    getattr(figures.medians_by_size[s], measure),
                    group(c for c in in_year if sizes[c.organisation_id] == s),
                )
                for s in SIZE_KEYS
            ]
            for shown, members in checks:
                if shown.value is not None:
                    assert members.units >= minimum.units and len(members.organisations) >= minimum.organisations
            # A category's handling time never shows where its count is hidden.
            for k in CATEGORIES:
                if figures.by_category[k].hidden:
                    assert getattr(figures.medians_by_category[k], measure).hidden


@settings(max_examples=100, deadline=None)
@given(sectors())
def test_every_view_only_selects_numbers_shown_everywhere(sector):
    """Year, category and size filters (and all their combinations) show nothing but the published numbers."""
    sizes, cases, minimum = sector
    population, years = _figures(sizes, cases, minimum)
    published = {id(value) for value, _members in _published_counts(sizes, cases, years) if value.value is not None}
    hidden = Shown(None)
    figures = SectorFigures(
        network=None,  # type: ignore[arg-type]
        minimum=minimum,
        members=population.members,
        members_by_size=population.by_size,
        categories=[(k, f"Category {k}") for k in CATEGORIES],
        years=years,
        standing=StandingFigures(
            hidden, dict.fromkeys(SIZE_KEYS, hidden), hidden, dict.fromkeys(SIZE_KEYS, hidden), False
        ),
        size_labels=dict.fromkeys(SIZE_KEYS, "size"),
    )
    for year, category, size in product(YEARS, ["", *CATEGORIES], ["", *SIZE_KEYS]):
        context = page_context(figures, year, category, size)
        numbers = [cell for _label, cells in context["trend_rows"] for cell in cells] + (context["total_row"] or [])
        for number in numbers:
            assert number.value is None or id(number) in published, (year, category, size)
        if size:
            assert context["total_row"] is None, "a total beside the numbers of one size would overlap them"


def test_split_hides_the_next_smallest_part_when_one_part_could_be_worked_out():
    minimum = Minimum(organisations=2, units=5)
    parts = [Group.of([(1, 3), (2, 3)]), Group.of([(3, 2), (4, 4)]), Group.of([(5, 1)])]
    # The third is small; the rest of the parent would be exactly it, so the smallest shown part hides too.
    assert split(True, parts, minimum) == [False, True, False]


def test_split_shows_nothing_under_a_hidden_parent():
    assert split(False, [Group.of([(1, 9), (2, 9)])], Minimum(2, 2)) == [False]
