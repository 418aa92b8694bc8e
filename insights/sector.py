"""Sector insights: figures across the members of a network that opted in, with every small group hidden.

Who is counted: organisations with an active consent "insights:<network code>" that the network may see
(`Consent.objects.granting`); the network itself never. The members are read on every request and the
figures computed from their records, or taken from a cache keyed on those members and a version of their
data (insights/versions.py, ADR 0016), so a revoked consent takes its organisation out at once.

What is shown is one fixed set of numbers per year (see insights/suppression.py for the rule), computed
in full whatever the filters ask; the filters only choose which of those numbers a page shows. So no
combination of filters shows a number that another combination hides, and no two numbers overlap
except by nesting: a difference of two numbers is always a whole set of groups that are big enough.

The trees, per year:
    all cases of the year ─┬─ per category ─┬─ per size category (A–D, not given)
                           │                 └─ …
Medians (days to acknowledge, to feedback) per year, then per category; and per year, then per size.
Partners with a current assessment and roadmap progress are as of today: all members, then per size.

Every query here is one pass; none grows with the number of members, cases, partners or steps.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Assessment, Status
from cases import stats
from framework.models import ViolationType
from insights.models import SectorSettings, subject
from insights.suppression import Group, Minimum, passes, split
from organisations.models import Consent, Organisation, Partnership
from roadmap.models import ASSUMED_SIZE, SIZES, Completion, Step
from roadmap.progress import current_roadmap

YEARS_SHOWN = 5
UNCATEGORISED = "none"
NOT_GIVEN = "none"
SIZE_LABELS = {
    "A": gettext_lazy("A — under €100,000"),
    "B": gettext_lazy("B — €100,000 to €500,000"),
    "C": gettext_lazy("C — €500,000 to €2 million"),
    "D": gettext_lazy("D — €2 million or more"),
    NOT_GIVEN: gettext_lazy("Size not given"),
}
SIZE_KEYS = [*SIZES, NOT_GIVEN]


def participants(network: Organisation) -> dict[int, str]:
    """The members counted in the network's insights: {organisation id: size key}. One query."""
    consents = Consent.objects.filter(subject=subject(network)).exclude(organisation=network).granting(network)
    return {
        pk: size or NOT_GIVEN
        for pk, size in Organisation.objects.filter(pk__in=consents.values("organisation")).values_list(
            "pk", "size_category"
        )
    }


@dataclass(frozen=True)
class Shown:
    """A number as the page shows it: `value` is None when it is hidden (the value never reaches a template)."""

    value: float | None

    @classmethod
    def of(cls, value: float, visible: bool) -> "Shown":
        return cls(value if visible else None)

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass
class Medians:
    acknowledge: Shown
    feedback: Shown


@dataclass
class YearFigures:
    year: int
    total: Shown
    by_category: dict[str, Shown]
    by_category_size: dict[tuple[str, str], Shown]
    medians: Medians
    medians_by_category: dict[str, Medians]
    medians_by_size: dict[str, Medians]


@dataclass
class StandingFigures:
    """Partners with a current assessment and roadmap progress, as of today: all members, then per size."""

    assessed_share: Shown
    assessed_share_by_size: dict[str, Shown]
    roadmap_percent: Shown
    roadmap_percent_by_size: dict[str, Shown]
    has_roadmap: bool


@dataclass
class SectorFigures:
    network: Organisation
    minimum: Minimum
    members: Shown
    members_by_size: dict[str, Shown]
    categories: list[tuple[str, str]]
    years: list[YearFigures]
    standing: StandingFigures
    # Fewer members than the minimum (but some): nothing at all is shown.
    too_few: bool = False
    size_labels: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.members.value == 0

    def year(self, year: int) -> YearFigures | None:
        return next((figures for figures in self.years if figures.year == year), None)


def minimum_of(network: Organisation) -> Minimum:
    settings = SectorSettings.of(network)
    return Minimum(organisations=settings.min_organisations, units=settings.min_cases)


def _median(values: Sequence[float], visible: bool) -> Shown:
    return Shown(statistics.median(values) if visible and values else None)


def _tree_medians(
    cases: Sequence[stats.CaseTimes],
    measure: str,
    keys: Sequence[str],
    part_of: dict[int, str] | None,
    minimum: Minimum,
    withheld: dict[str, bool],
) -> tuple[Shown, dict[str, Shown]]:
    """The median of `measure` over all `cases`, then per part (`key` of the case, or the size of its organisation)."""

    def measured(selection: Iterable[stats.CaseTimes]) -> list[tuple[int, float]]:
        return [(case.organisation_id, value) for case in selection if (value := getattr(case, measure)) is not None]

    def part(case: stats.CaseTimes) -> str:
        if part_of is not None:
            return part_of[case.organisation_id]
        return str(case.category_id) if case.category_id is not None else UNCATEGORISED

    everything = measured(cases)
    root = Group.of((organisation, 1) for organisation, _value in everything)
    root_visible = passes(root, minimum) and not withheld.get("", False)
    per_part: dict[str, list[tuple[int, float]]] = {k: [] for k in keys}
    for case in cases:
        value = getattr(case, measure)
        if value is not None:
            per_part.setdefault(part(case), []).append((case.organisation_id, value))
    groups = [Group.of((organisation, 1) for organisation, _value in per_part[k]) for k in keys]
    visible = split(root_visible, groups, minimum, withheld=[withheld.get(k, False) for k in keys])
    return (
        _median([value for _organisation, value in everything], root_visible),
        {
            k: _median([value for _organisation, value in per_part[k]], shown)
            for k, shown in zip(keys, visible, strict=True)
        },
    )


def _year(
    year: int,
    counts: Sequence[tuple[int, str, int]],
    times: Sequence[stats.CaseTimes] | None,
    sizes: dict[int, str],
    categories: Sequence[str],
    minimum: Minimum,
    root_allowed: bool,
    size_withheld: dict[str, bool],
) -> YearFigures:
    """One year's tree from (organisation, category key, cases) counts; medians from `times` (None: not asked for)."""
    cells: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for organisation, k, n in counts:
        cells[(k, sizes[organisation])].append((organisation, n))
    size_groups = {(k, s): Group.of(cells[(k, s)]) for k in categories for s in SIZE_KEYS}
    category_groups = {k: sum((size_groups[(k, s)] for s in SIZE_KEYS), Group()) for k in categories}
    root = sum(category_groups.values(), Group())
    root_visible = root_allowed and passes(root, minimum)
    category_visible = split(root_visible, [category_groups[k] for k in categories], minimum)
    by_category = {k: Shown.of(category_groups[k].units, v) for k, v in zip(categories, category_visible, strict=True)}
    by_size: dict[tuple[str, str], Shown] = {}
    for k, visible in zip(categories, category_visible, strict=True):
        parts = [size_groups[(k, s)] for s in SIZE_KEYS]
        shown = split(visible, parts, minimum, withheld=[size_withheld[s] for s in SIZE_KEYS])
        for s, part, part_shown in zip(SIZE_KEYS, parts, shown, strict=True):
            by_size[(k, s)] = Shown.of(part.units, part_shown)
    if times is None:
        nothing = Medians(Shown(None), Shown(None))
        return YearFigures(
            year=year,
            total=Shown.of(root.units, root_visible),
            by_category=by_category,
            by_category_size=by_size,
            medians=nothing,
            medians_by_category=dict.fromkeys(categories, nothing),
            medians_by_size=dict.fromkeys(SIZE_KEYS, nothing),
        )
    cases = times
    counts_shown = by_category

    withheld_root = {"": not root_allowed}
    # A category's handling times show only where its count does (a hidden count stays hidden).
    category_held = {**withheld_root, **{k: counts_shown[k].hidden for k in categories}}
    acknowledge, acknowledge_by_category = _tree_medians(
        cases, "acknowledge_days", categories, None, minimum, category_held
    )
    feedback, feedback_by_category = _tree_medians(cases, "feedback_days", categories, None, minimum, category_held)
    size_held = {**withheld_root, **size_withheld}
    _ack, acknowledge_by_size = _tree_medians(cases, "acknowledge_days", SIZE_KEYS, sizes, minimum, size_held)
    _fb, feedback_by_size = _tree_medians(cases, "feedback_days", SIZE_KEYS, sizes, minimum, size_held)
    return YearFigures(
        year=year,
        total=Shown.of(root.units, root_visible),
        by_category=by_category,
        by_category_size=by_size,
        medians=Medians(acknowledge, feedback),
        medians_by_category={k: Medians(acknowledge_by_category[k], feedback_by_category[k]) for k in categories},
        medians_by_size={s: Medians(acknowledge_by_size[s], feedback_by_size[s]) for s in SIZE_KEYS},
    )


def _sector_shared_assessments() -> list[UUID]:
    """Codes of the assessments their organisations share with the whole sector (a passport anyone may count)."""
    codes = []
    for text in (
        Consent.objects.active()
        .filter(scope=Consent.Scope.SECTOR, subject__startswith="assessment:")
        .values_list("subject", flat=True)
    ):
        try:
            codes.append(UUID(text.removeprefix("assessment:")))
        except ValueError:
            continue
    return codes


def _standing(
    sizes: dict[int, str], minimum: Minimum, allowed: bool, size_withheld: dict[str, bool]
) -> StandingFigures:
    today = timezone.localdate()
    members = list(sizes)
    # Partners: the other side of each active partnership a member recorded; a partner counts as assessed when it
    # has a final, unexpired assessment that member requested, or one it shares with the whole sector.
    # Two grouped queries over the partnerships (a join, not a subquery per partnership): all partners, and the
    # partners with an assessment that counts (the conditions of one filter() hold for the same assessment).
    recorded = Partnership.objects.current().filter(organisation__in=members)
    totals = dict(
        recorded.values("organisation").annotate(n=Count("partner", distinct=True)).values_list("organisation", "n")
    )
    # Assessed partners, from the assessments' side: those a member requested of one of its current partners
    # (an index lookup per assessment, where a join from 40,000 partnerships made SQLite scan).
    current = Assessment.objects.filter(status=Status.FINAL, valid_until__gte=today)
    of_a_partner = Exists(
        Partnership.objects.current().filter(organisation=OuterRef("requester"), partner=OuterRef("organisation"))
    )
    requested = current.filter(of_a_partner, requester__in=members)
    shared = _sector_shared_assessments()
    if not shared:
        assessed = dict(
            requested.values("requester").annotate(n=Count("organisation", distinct=True)).values_list("requester", "n")
        )
    else:
        # Passports shared with the whole sector count for every member that partners with their organisation.
        pairs = set(requested.values_list("requester", "organisation").distinct())
        pairs |= set(
            recorded.filter(partner__in=current.filter(code__in=shared).values("organisation")).values_list(
                "organisation", "partner"
            )
        )
        assessed = Counter(member for member, _partner in pairs)
    partners = {pk: (totals[pk], assessed.get(pk, 0)) for pk in totals}

    def share_group(ids: Iterable[int]) -> tuple[Group, int]:
        pairs = [(pk, partners.get(pk, (0, 0))) for pk in ids]
        return Group.of((pk, total) for pk, (total, _done) in pairs), sum(done for _pk, (_total, done) in pairs)

    all_partners, all_done = share_group(members)
    share_visible = allowed and passes(all_partners, minimum) and all_partners.units > 0
    size_parts = [share_group(pk for pk in members if sizes[pk] == s) for s in SIZE_KEYS]
    shares_shown = split(
        share_visible, [g for g, _done in size_parts], minimum, withheld=[size_withheld[s] for s in SIZE_KEYS]
    )

    def share(group: Group, done: int, visible: bool) -> Shown:
        return Shown(100 * done / group.units if visible and group.units else None)

    roadmap = current_roadmap()
    percents: dict[int, float] = {}
    if roadmap is not None:
        steps = Step.objects.filter(roadmap=roadmap).active()
        per_size = {s: steps.filter(sizes__contains=s).count() for s in SIZES}
        done = (
            Completion.objects.filter(organisation__in=members, step__in=steps)
            .values("organisation")
            .annotate(**{s: Count("pk", filter=Q(step__sizes__contains=s)) for s in SIZES})
        )
        done_by_member = {row["organisation"]: row for row in done}
        for pk, size in sizes.items():
            size = size if size in SIZES else ASSUMED_SIZE
            total = per_size[size]
            percents[pk] = 100 * done_by_member.get(pk, {}).get(size, 0) / total if total else 0.0

    population = Group.of((pk, 1) for pk in members)
    population_visible = allowed and passes(population, Minimum(minimum.organisations, minimum.organisations))
    roadmap_visible = roadmap is not None and population_visible

    def mean(ids: list[int], visible: bool) -> Shown:
        return Shown(statistics.fmean(percents[pk] for pk in ids) if visible and ids else None)

    return StandingFigures(
        assessed_share=share(all_partners, all_done, share_visible),
        assessed_share_by_size={
            s: share(group, done, shown)
            for s, (group, done), shown in zip(SIZE_KEYS, size_parts, shares_shown, strict=True)
        },
        roadmap_percent=mean(members, roadmap_visible),
        roadmap_percent_by_size={
            s: mean([pk for pk in members if sizes[pk] == s], roadmap_visible and not size_withheld[s])
            for s in SIZE_KEYS
        },
        has_roadmap=roadmap is not None,
    )


@dataclass
class Population:
    """Who is counted, by size category: a size's figures show only where its count of members does."""

    allowed: bool
    members: Shown
    by_size: dict[str, Shown]
    withheld: dict[str, bool]
    too_few: bool


def population_of(sizes: dict[int, str], minimum: Minimum) -> Population:
    """The members counted (a tree of its own: all members, then per size) — pure, for the property tests too."""
    org_minimum = Minimum(minimum.organisations, minimum.organisations)
    population = Group.of((pk, 1) for pk in sizes)
    allowed = passes(population, org_minimum) and population.units > 0
    size_groups = [Group.of((pk, 1) for pk, size in sizes.items() if size == s) for s in SIZE_KEYS]
    size_visible = split(allowed, size_groups, org_minimum)
    return Population(
        allowed=allowed,
        members=Shown.of(population.units, allowed or population.units == 0),
        by_size={s: Shown.of(g.units, v) for s, g, v in zip(SIZE_KEYS, size_groups, size_visible, strict=True)},
        withheld={s: not shown for s, shown in zip(SIZE_KEYS, size_visible, strict=True)},
        too_few=not allowed and population.units > 0,
    )


def case_years(
    sizes: dict[int, str],
    counts: Iterable[tuple[int, int | None, int, int]],
    times: Mapping[int, Sequence[stats.CaseTimes]],
    categories: Sequence[str],
    years: Sequence[int],
    minimum: Minimum,
    population: Population,
) -> list[YearFigures]:
    """The case figures of each of `years` from (organisation, category id, year, cases) counts — pure, for the
    property tests too. Handling times only for the years in `times` (the page shows those of the chosen year)."""
    per_year: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for organisation, category_id, year, n in counts:
        key = str(category_id) if category_id is not None else UNCATEGORISED
        per_year[year].append((organisation, key, n))
    return [
        _year(y, per_year[y], times.get(y), sizes, categories, minimum, population.allowed, population.withheld)
        for y in years
    ]


def figures(
    network: Organisation, year: int, *, minimum: Minimum | None = None, sizes: dict[int, str] | None = None
) -> SectorFigures:
    """Everything the sector pages may show for the `YEARS_SHOWN` years up to `year`, small groups hidden.

    The pages read it through insights/versions.py's `cached_figures`, which passes the `sizes`
    (`participants`) it keys the cache on.
    """
    minimum = minimum or minimum_of(network)
    sizes = participants(network) if sizes is None else sizes
    population = population_of(sizes, minimum)
    types = list(ViolationType.objects.order_by("order", "code"))
    first_year = year - YEARS_SHOWN + 1
    members = list(sizes) if population.allowed else []
    counts = stats.counts_per_year(members, first_year, year) if members else []
    times = {year: stats.handling_times(members, year) if members else []}
    present = {str(category_id) for _organisation, category_id, _year, _n in counts if category_id is not None}
    categories = [(str(t.pk), t.localised("name")) for t in types if not t.retired or str(t.pk) in present] + [
        (UNCATEGORISED, _("Not yet categorised"))
    ]
    keys = [k for k, _label in categories]
    return SectorFigures(
        network=network,
        minimum=minimum,
        members=population.members,
        members_by_size=population.by_size,
        categories=categories,
        years=case_years(sizes, counts, times, keys, list(range(year, first_year - 1, -1)), minimum, population),
        standing=_standing(sizes, minimum, population.allowed, population.withheld),
        too_few=population.too_few,
        size_labels={s: str(label) for s, label in SIZE_LABELS.items()},
    )
