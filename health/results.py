"""What a round's ratings add up to: per dimension, per organisation, and where the organisations differ.

`summarise` is pure (counts in, results out) so the minimum-respondents rule can be tested on its
own; `round_results` and `trend` fetch the counts with a fixed number of queries.

The minimum-respondents rule: an organisation with fewer than MIN_RESPONDENTS answers gets no
breakdown, no comments shown, and is left out of the combined figures too, since the combined
figures minus the other organisations' would give its few people away.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from health.dimensions import Dimension, all_dimensions
from health.models import MIN_RESPONDENTS, SCORE, Answered, Colour, Rating, Round, Schedule


@dataclass
class Tally:
    green: int = 0
    amber: int = 0
    red: int = 0

    @property
    def total(self) -> int:
        return self.green + self.amber + self.red

    @property
    def score(self) -> float | None:
        """0 (all red) to 100 (all green); None without ratings."""
        if not self.total:
            return None
        points = self.green * SCORE[Colour.GREEN] + self.amber * SCORE[Colour.AMBER] + self.red * SCORE[Colour.RED]
        return points / self.total

    def add(self, colour: str, count: int) -> None:
        setattr(self, colour, getattr(self, colour) + count)

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.green + other.green, self.amber + other.amber, self.red + other.red)


@dataclass
class Side:
    organisation: Any
    respondents: int

    @property
    def shown(self) -> bool:
        return self.respondents >= MIN_RESPONDENTS


@dataclass
class Cell:
    side: Side
    tally: Tally | None  # None: fewer than MIN_RESPONDENTS answers, not broken down


@dataclass
class Row:
    dimension: Dimension
    cells: list[Cell]
    overall: Tally | None
    difference: float | None = None  # highest minus lowest score of the organisations shown
    highest: Any = None
    lowest: Any = None
    comments: list[tuple[Any, str]] = field(default_factory=list)


@dataclass
class Results:
    sides: list[Side]
    rows: list[Row]

    @property
    def shown(self) -> list[Side]:
        return [side for side in self.sides if side.shown]

    @property
    def too_few(self) -> list[Side]:
        return [side for side in self.sides if not side.shown]

    @property
    def respondents(self) -> int:
        return sum(side.respondents for side in self.sides)

    @property
    def differences(self) -> list[Row]:
        """Dimensions on which the organisations' views differ, the largest difference first."""
        differing = [row for row in self.rows if row.difference]
        return sorted(differing, key=lambda row: -(row.difference or 0))


def summarise(
    organisations: Sequence[Any],
    respondents: dict[Any, int],
    counts: Iterable[tuple[Any, str, str, int]],
    comments: Iterable[tuple[Any, str, str]] = (),
    dimensions: Sequence[Dimension] | None = None,
) -> Results:
    """Results from respondents per organisation pk and (organisation pk, dimension, colour, count) rows."""
    dimensions = all_dimensions() if dimensions is None else dimensions
    sides = [Side(organisation, respondents.get(organisation.pk, 0)) for organisation in organisations]
    shown = {side.organisation.pk for side in sides if side.shown}
    tallies: dict[tuple[Any, str], Tally] = {}
    for organisation_id, code, colour, count in counts:
        if organisation_id in shown:
            tallies.setdefault((organisation_id, code), Tally()).add(colour, count)
    said: dict[str, list[tuple[Any, str]]] = {}
    by_pk = {side.organisation.pk: side.organisation for side in sides}
    for organisation_id, code, comment in comments:
        if organisation_id in shown and comment:
            said.setdefault(code, []).append((by_pk[organisation_id], comment))
    rows = []
    for dimension in dimensions:
        cells = [
            Cell(side, tallies.get((side.organisation.pk, dimension.code), Tally()) if side.shown else None)
            for side in sides
        ]
        rated = [cell for cell in cells if cell.tally is not None and cell.tally.total]
        overall = sum((cell.tally for cell in rated if cell.tally), Tally()) if rated else None
        row = Row(dimension, cells, overall, comments=said.get(dimension.code, []))
        if len(rated) >= 2:
            high = max(rated, key=lambda c: c.tally.score or 0)  # type: ignore[union-attr]
            low = min(rated, key=lambda c: c.tally.score or 0)  # type: ignore[union-attr]
            row.difference = (high.tally.score or 0) - (low.tally.score or 0)  # type: ignore[union-attr]
            row.highest, row.lowest = high.side.organisation, low.side.organisation
        rows.append(row)
    return Results(sides, rows)


def round_results(round: Round, organisations: Sequence[Any]) -> Results:
    """A round's results: three queries, whatever the number of answers."""
    respondents = dict(
        Answered.objects.filter(round=round)
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    counts = (
        Rating.objects.filter(round=round)
        .values("organisation", "dimension", "colour")
        .annotate(n=Count("pk"))
        .values_list("organisation", "dimension", "colour", "n")
    )
    # Comments only of organisations that are broken down; ordered by the random key.
    shown = [pk for pk, n in respondents.items() if n >= MIN_RESPONDENTS]
    comments = (
        Rating.objects.filter(round=round, organisation__in=shown)
        .exclude(comment="")
        .order_by("id")
        .values_list("organisation", "dimension", "comment")
    )
    return summarise(organisations, respondents, counts, comments)


@dataclass
class Trend:
    rounds: list[Round]
    # Per organisation: its score over all dimensions in each closed round, None where not shown.
    series: list[tuple[Any, list[float | None]]]


def trend(schedule: Schedule, organisations: Sequence[Any]) -> Trend:
    """The closed rounds' scores per organisation: three queries, whatever the number of rounds."""
    rounds = list(Round.objects.filter(schedule=schedule, closed_at__isnull=False).order_by("number"))
    respondents = {
        (round_id, organisation_id): n
        for round_id, organisation_id, n in Answered.objects.filter(round__in=rounds)
        .values("round", "organisation")
        .annotate(n=Count("pk"))
        .values_list("round", "organisation", "n")
    }
    tallies: dict[tuple[int, Any], Tally] = {}
    for round_id, organisation_id, colour, n in (
        Rating.objects.filter(round__in=rounds)
        .values("round", "organisation", "colour")
        .annotate(n=Count("pk"))
        .values_list("round", "organisation", "colour", "n")
    ):
        tallies.setdefault((round_id, organisation_id), Tally()).add(colour, n)
    series = []
    for organisation in organisations:
        scores: list[float | None] = []
        for each in rounds:
            enough = respondents.get((each.pk, organisation.pk), 0) >= MIN_RESPONDENTS
            tally = tallies.get((each.pk, organisation.pk))
            scores.append(tally.score if enough and tally else None)
        series.append((organisation, scores))
    return Trend(rounds, series)
