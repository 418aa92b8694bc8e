"""How ratings add up: per organisation, together, where views differ; and the minimum-respondents rule."""

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from health.dimensions import all_dimensions
from health.models import MIN_RESPONDENTS
from health.results import Tally, summarise

CODES = [d.code for d in all_dimensions()]
COLOURS = ["green", "amber", "red"]


@dataclass(frozen=True)
class Org:
    pk: int
    name: str


ORGS = [Org(1, "Hulp"), Org(2, "Kampala"), Org(3, "Gulu")]

# Per organisation: a list of respondents, each a colour per dimension.
sheets = st.lists(st.lists(st.sampled_from(COLOURS), min_size=len(CODES), max_size=len(CODES)), max_size=6)


def counts_of(answers: dict[int, list[list[str]]]) -> list[tuple[int, str, str, int]]:
    tally: dict[tuple[int, str, str], int] = {}
    for pk, people in answers.items():
        for sheet in people:
            for code, colour in zip(CODES, sheet, strict=True):
                tally[(pk, code, colour)] = tally.get((pk, code, colour), 0) + 1
    return [(*key, n) for key, n in tally.items()]


@given(st.fixed_dictionaries({org.pk: sheets for org in ORGS}))
def test_no_breakdown_below_the_minimum_and_totals_only_of_those_shown(answers):
    respondents = {pk: len(people) for pk, people in answers.items()}
    results = summarise(ORGS, respondents, counts_of(answers), [(pk, CODES[0], "a comment") for pk in answers])

    shown = {pk for pk, n in respondents.items() if n >= MIN_RESPONDENTS}
    for row in results.rows:
        for cell in row.cells:
            if cell.side.organisation.pk in shown:
                assert cell.tally is not None and cell.tally.total == respondents[cell.side.organisation.pk]
            else:
                assert cell.tally is None  # "fewer than 3 answers"
        # The combined figures count only organisations that are broken down: with the others in,
        # the total minus the shown organisations would give a small group's colours away.
        assert (row.overall.total if row.overall else 0) == sum(respondents[pk] for pk in shown)
        # Comments only of organisations that are shown.
        assert {commenter.pk for commenter, _ in row.comments} <= shown


@given(st.fixed_dictionaries({org.pk: sheets for org in ORGS}))
def test_differences_are_largest_first_and_only_between_organisations_shown(answers):
    respondents = {pk: len(people) for pk, people in answers.items()}
    results = summarise(ORGS, respondents, counts_of(answers))

    gaps = [row.difference or 0 for row in results.differences]
    assert gaps == sorted(gaps, reverse=True)
    assert all(gap > 0 for gap in gaps)
    if len(results.shown) < 2:
        assert results.differences == []
    for row in results.differences:
        scores = [cell.tally.score for cell in row.cells if cell.tally is not None]
        assert row.difference == max(scores) - min(scores)  # type: ignore[type-var,operator]
        assert row.highest.pk in {side.organisation.pk for side in results.shown}


def test_the_biggest_disagreement_comes_first():
    respondents = {1: 3, 2: 3}
    counts = [
        (1, "funding", "green", 3),
        (2, "funding", "red", 3),  # 100 points apart
        (1, "communication", "green", 3),
        (2, "communication", "amber", 3),  # 50 points apart
        (1, "transparency", "amber", 3),
        (2, "transparency", "amber", 3),  # the same
    ]
    results = summarise(ORGS[:2], respondents, counts)
    assert [(row.dimension.code, row.difference) for row in results.differences] == [
        ("funding", 100),
        ("communication", 50),
    ]
    funding = results.differences[0]
    assert (funding.highest.name, funding.lowest.name) == ("Hulp", "Kampala")


def test_exactly_the_minimum_is_broken_down_one_fewer_is_not():
    results = summarise(ORGS[:2], {1: MIN_RESPONDENTS, 2: MIN_RESPONDENTS - 1}, [(1, "funding", "green", 3)])
    assert [side.shown for side in results.sides] == [True, False]
    assert [side.organisation.name for side in results.too_few] == ["Kampala"]


def test_a_score_runs_from_all_red_to_all_green():
    assert Tally(red=4).score == 0
    assert Tally(green=1, amber=1, red=1).score == 50
    assert Tally(green=2).score == 100
    assert Tally().score is None


def test_every_dimension_has_dutch_and_english_text():
    assert len(CODES) == 7
    for dimension in all_dimensions():
        for language in ("en", "nl"):
            assert dimension.text[language]["label"] and dimension.text[language]["description"]
