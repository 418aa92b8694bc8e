"""Small-cell suppression for sector insights: every number shown is a big enough group, even after subtraction.

The rule (docs/methods/insights.md says it for readers):

1. A group passes when it is empty (nothing to give away) or holds at least `minimum.units` units (cases,
   partners, organisations) from at least `minimum.organisations` different organisations.
2. The numbers shown form a tree: a group, split into parts that together make it up (a year's cases,
   split by category; a category's cases, split by size category). Any two numbers shown are either nested
   or apart, never overlapping: so whatever a reader subtracts, what is left is made of whole parts.
3. A part is shown only when its parent is shown and it passes; and then, while the parts not shown,
   taken together, would not pass — the parent minus the parts shown would give a small group away —
   the smallest part still shown is hidden too (complementary suppression). A hidden group hides
   everything below it.

With (2) and (3) any difference of numbers shown is a sum of groups that pass, so it passes too: the sum
of two groups of at least N units from at least M organisations is at least N units from at least M
organisations. tests/insights/test_suppression_properties.py tries to break this.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Minimum:
    organisations: int = 5
    units: int = 5


@dataclass(frozen=True)
class Group:
    """How many units a group holds and which organisations they come from (never shown; only counted)."""

    units: int = 0
    organisations: frozenset[int] = frozenset()

    @classmethod
    def of(cls, pairs: Iterable[tuple[int, int]]) -> "Group":
        """A group from (organisation id, units) pairs."""
        units, organisations = 0, set()
        for organisation, count in pairs:
            if count:
                units += count
                organisations.add(organisation)
        return cls(units, frozenset(organisations))

    def __add__(self, other: "Group") -> "Group":
        return Group(self.units + other.units, self.organisations | other.organisations)


def passes(group: Group, minimum: Minimum) -> bool:
    return group.units == 0 or (group.units >= minimum.units and len(group.organisations) >= minimum.organisations)


def split(parent_shown: bool, parts: Sequence[Group], minimum: Minimum, *, withheld: Sequence[bool] = ()) -> list[bool]:
    """Which of the `parts` (that together make up a parent) may be shown.

    `withheld` marks parts that must not be shown whatever their size (their population is too small).
    Nothing is shown under a parent that is not shown.
    """
    if not parent_shown:
        return [False] * len(parts)
    withheld = list(withheld) or [False] * len(parts)
    shown = [passes(part, minimum) and not held for part, held in zip(parts, withheld, strict=True)]
    while True:
        rest = sum((part for part, visible in zip(parts, shown, strict=True) if not visible), Group())
        if passes(rest, minimum):
            return shown
        candidates = [index for index, visible in enumerate(shown) if visible and parts[index].units > 0]
        if not candidates:
            # Only when the parent itself does not pass: callers never show such a parent.
            return [False] * len(parts)
        shown[min(candidates, key=lambda index: (parts[index].units, index))] = False
