"""The scoring rules of an assessment, as pure functions of plain values.

No ORM here: the views turn answers into `Item`s once (one query) and everything below is
arithmetic that the property-based tests in tests/assessments/test_scoring.py check.

Three kinds of library score differently:
- maturity: each requirement gets a level 0–5 (3 means "meets", the CHS grid); an area scores the
  weighted mean of its answered requirements, the whole assessment the weighted mean of all of them;
- weighted: each answer option carries a weight; the total is their sum and thresholds give a risk tier;
- mutual: both partners answer the same questions; what matters is where their answers differ.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_LEVEL = 0
MAX_LEVEL = 5


@dataclass(frozen=True)
class Item:
    """One requirement as scoring sees it: where it belongs, how much it counts and the level given (or None)."""

    code: str
    area: str
    weight: float = 1.0
    level: int | None = None


@dataclass(frozen=True)
class AreaScore:
    area: str
    score: float | None  # None while nothing in the area is answered
    answered: int
    total: int


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """The mean of (value, weight) pairs; None when the weights add up to nothing."""
    counted = [(value, weight) for value, weight in pairs if weight > 0]
    total_weight = sum(weight for _, weight in counted)
    if not counted or total_weight <= 0:
        return None
    mean = sum(value * weight for value, weight in counted) / total_weight
    # Clamped: floating-point rounding must not push a mean a hair outside its inputs.
    values = [value for value, _ in counted]
    return min(max(mean, min(values)), max(values))


def _answered(items: Iterable[Item]) -> list[tuple[float, float]]:
    return [(float(item.level), item.weight) for item in items if item.level is not None]


def area_scores(items: Sequence[Item]) -> list[AreaScore]:
    """Per area, in the order areas first appear: the weighted mean level of its answered requirements."""
    by_area: dict[str, list[Item]] = {}
    for item in items:
        by_area.setdefault(item.area, []).append(item)
    return [
        AreaScore(
            area=area,
            score=weighted_mean(_answered(members)),
            answered=sum(1 for m in members if m.level is not None),
            total=len(members),
        )
        for area, members in by_area.items()
    ]


def overall_score(items: Sequence[Item]) -> float | None:
    """The weighted mean level of every answered requirement."""
    return weighted_mean(_answered(items))


@dataclass(frozen=True)
class Gaps:
    below: list[Item]  # answered, below the target level
    unanswered: list[Item]  # not answered at all: a gap of a different kind, flagged apart


def gaps(items: Sequence[Item], target: int) -> Gaps:
    """Requirements that do not meet the target level, largest shortfall first (then in their own order)."""
    below = [item for item in items if item.level is not None and item.level < target]
    below.sort(key=lambda item: item.level if item.level is not None else 0)
    return Gaps(below=below, unanswered=[item for item in items if item.level is None])


# Weighted (risk-tier) libraries ------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """A risk tier that holds for totals up to `up_to` (inclusive); None means no upper bound."""

    code: str
    up_to: float | None


def weighted_total(weights: Iterable[float]) -> float:
    return float(sum(weights))


def tiers(thresholds: Sequence[dict[str, object]]) -> list[Tier]:
    """Tiers from a library file's thresholds ([{"tier": "high", "min": None, "max": 8}, …]), lowest first."""
    ordered = sorted(thresholds, key=lambda t: float("-inf") if t.get("min") is None else float(t["min"]))  # type: ignore[arg-type]
    result = [Tier(str(t["tier"]), None if t.get("max") is None else float(t["max"])) for t in ordered]  # type: ignore[arg-type]
    # The best tier holds everything above the bound before it, whatever the file gives as its maximum.
    if result:
        result[-1] = Tier(result[-1].code, None)
    return result


def tier_for(total: float, tiers: Sequence[Tier]) -> str:
    """The first tier whose upper bound holds `total`. Tiers run from the worst (lowest totals) to the best.

    The last tier must be open-ended, so every total has exactly one tier.
    """
    for tier in tiers:
        if tier.up_to is None or total <= tier.up_to:
            return tier.code
    raise ValueError("The last tier must have no upper bound")


# Mutual (two-sided) libraries --------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    code: str
    ours: int | None
    theirs: int | None

    @property
    def gap(self) -> int | None:
        if self.ours is None or self.theirs is None:
            return None
        return abs(self.ours - self.theirs)


def differences(pairs: Iterable[tuple[str, int | None, int | None]]) -> list[Difference]:
    """Both sides' answers per question, the largest difference first; questions one side left open come last."""
    rows = [Difference(code, ours, theirs) for code, ours, theirs in pairs]
    # Stable sort: equal differences keep the library's order.
    rows.sort(key=lambda row: (row.gap is None, -(row.gap or 0)))
    return rows
