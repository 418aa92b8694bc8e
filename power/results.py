"""Where the two organisations' perceptions differ: per decision, each side's mean score and spread,
and the gap between the two means, largest first.

Scores run from 1 (entirely the first organisation) to 5 (entirely the second). The spread is the
standard deviation within one side (population: these are all the people who scored, not a sample).
A decision that one side did not score has no gap and is listed after those that have one. One query.
"""

import math
from dataclasses import dataclass

from django.db.models import Avg, Count, F

from dialogue.models import Session
from organisations.models import Organisation
from power.models import Affiliation, Decision, Score


@dataclass
class SideFigures:
    organisation: Organisation
    count: int
    mean: float | None
    spread: float | None


@dataclass
class DecisionResult:
    decision: Decision
    sides: list[SideFigures]

    @property
    def gap(self) -> float | None:
        means = [side.mean for side in self.sides]
        if len(means) != 2 or means[0] is None or means[1] is None:
            return None
        return abs(means[0] - means[1])

    @property
    def count(self) -> int:
        return sum(side.count for side in self.sides)


def gaps(session: Session, sides: list[Organisation]) -> list[DecisionResult]:
    """Every decision of the session with each side's figures, sorted by gap (largest first)."""
    decisions = list(Decision.objects.filter(session=session))
    rows = (
        Score.objects.filter(session=session, participant__power_affiliation__side__in=sides)
        .values("decision_id", side_id=F("participant__power_affiliation__side_id"))
        .annotate(n=Count("pk"), mean=Avg("value"), square=Avg(F("value") * F("value")))
        .order_by()
    )
    figures = {(row["decision_id"], row["side_id"]): row for row in rows}
    results = []
    for decision in decisions:
        per_side = []
        for side in sides:
            row = figures.get((decision.pk, side.pk))
            if row is None:
                per_side.append(SideFigures(side, 0, None, None))
                continue
            mean = float(row["mean"])
            variance = max(0.0, float(row["square"]) - mean * mean)
            per_side.append(SideFigures(side, row["n"], mean, math.sqrt(variance)))
        results.append(DecisionResult(decision, per_side))
    order = {decision.pk: index for index, decision in enumerate(decisions)}
    results.sort(key=lambda r: (r.gap is None, -(r.gap or 0.0), order[r.decision.pk]))
    return results


def participants_per_side(session: Session, sides: list[Organisation]) -> list[tuple[Organisation, int]]:
    """How many people joined for each organisation (present or removed: they took part)."""
    counts = dict(Affiliation.objects.filter(session=session).values_list("side_id").annotate(n=Count("pk")).order_by())
    return [(side, counts.get(side.pk, 0)) for side in sides]
