"""The figures of the annual account of reports and cases (Partos Code block 4).

"The number and nature of reports and how they were handled": cases received in the year by category,
by route and mapped to the nine categories of Dutch integrity research; speak-up reports that did not
become a case; outcomes of the cases concluded in the year and what was still open at its end; and the
handling times against the legal terms (EU Directive 2019/1937: acknowledge within 7 days, feedback
within 3 months of the acknowledgement, or of the end of those 7 days when none was sent).

Figures are computed from the cases every time, never stored, so they cannot drift from the case
file. The year of a case is the year it was received in the organisation's time (settings.TIME_ZONE),
whatever time zone the reader has chosen. The queries do not grow with the number of cases: the counts
are grouped in the database, and only the handling times read the year's cases one by one.

Small groups are not shown: a count from 1 to `min_group_size - 1` reads "< N", and medians and shares
over fewer cases are left out. Because a breakdown also shows its total, one hidden count could be
worked out by subtraction; `suppress` hides more where that is so (secondary suppression).
"""

import math
import statistics
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple, TypeVar

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS, acknowledgement_anchor, feedback_due
from cases.models import AnnualAccount, Case, CaseSettings, Outcome, Source
from framework.models import ResearchCategory, ViolationSubtype, ViolationType
from organisations.models import Organisation
from speakup.models import Report

# How a count is shown: as it is, as "< N" (1 to N-1), or hidden so that a small count can't be worked out.
SHOWN = "shown"
SMALL = "small"
HIDDEN = "hidden"

K = TypeVar("K", bound=Hashable)
DAY = timedelta(days=1)
UNCATEGORISED = "none"
UNMAPPED = "unmapped"


# ---- suppression: pure functions ---------------------------------------------------------------------------------


def _reader_bounds(counts: Sequence[int], states: Sequence[str], minimum: int) -> list[tuple[float, float]]:
    """What a reader of the table knows of each cell: the shown number; 1 to N-1 for "< N"; and for a hidden
    cell at least N (every smaller non-zero count reads "< N") and at most the smallest shown count (it was
    the smallest one; one shown before it in the table is strictly bigger, as ties hide the first)."""
    shown = [(index, count) for index, count in enumerate(counts) if states[index] == SHOWN and count > 0]
    bounds: list[tuple[float, float]] = []
    for index, (count, state) in enumerate(zip(counts, states, strict=True)):
        if state == SHOWN:
            bounds.append((count, count))
        elif state == SMALL:
            bounds.append((1, minimum - 1))
        else:
            highest = min((c - 1 if k < index else c for k, c in shown), default=math.inf)
            bounds.append((minimum, highest))
    return bounds


def _recoverable(counts: Sequence[int], states: Sequence[str], minimum: int) -> bool:
    """Whether a reader who knows the total (or that it is below N) can tell the exact value of a cell not shown."""
    total = sum(counts)
    low_total, high_total = (total, total) if total >= minimum or total == 0 else (1, minimum - 1)
    bounds = _reader_bounds(counts, states, minimum)
    low_sum, high_sum = sum(lo for lo, _ in bounds), sum(hi for _, hi in bounds)
    for state, (low, high) in zip(states, bounds, strict=True):
        if state == SHOWN or (state == SMALL and minimum == 2):
            continue  # "< 2" can only mean 1: that is what a minimum of 2 asks for
        least = max(low, low_total - (high_sum - high))
        most = min(high, high_total - (low_sum - low))
        if least >= most:
            return True
    return False


def suppress(counts: Sequence[int], minimum: int) -> list[str]:
    """How each count of a breakdown shown with its total reads: SHOWN, SMALL ("< minimum") or HIDDEN.

    Zero stays 0 and counts from 1 to minimum-1 read "< minimum" (primary suppression). Then, while the
    value of a cell not shown could be worked out from the total and the others — one "< N" cell beside a
    total is the plain case, "< N" cells that must all be 1 another — the next smallest non-zero shown
    count is hidden too (secondary suppression). When even hiding every count leaves one recoverable,
    the whole breakdown is withheld: every cell HIDDEN, zeros too.
    """
    states = [SMALL if 0 < count < minimum else SHOWN for count in counts]
    while _recoverable(counts, states, minimum):
        candidates = [index for index, count in enumerate(counts) if states[index] == SHOWN and count > 0]
        if not candidates:
            return [HIDDEN] * len(counts)
        states[min(candidates, key=lambda index: (counts[index], index))] = HIDDEN
    return states


def count_state(count: int, minimum: int) -> str:
    """How a single count reads (no breakdown to hide it in)."""
    return SMALL if 0 < count < minimum else SHOWN


def visible_groups(sizes: Mapping[K, int], total: int, minimum: int) -> set[K]:
    """The groups whose median or share may be shown beside the one of all `total` cases.

    Each must hold at least `minimum` cases, and so must the groups left out taken together (or there
    are none): otherwise a share of the rest could be worked out from the whole and the parts.
    """
    shown = {key for key, size in sizes.items() if size >= minimum}
    while shown and 0 < total - sum(sizes[key] for key in shown) < minimum:
        shown.remove(min(shown, key=lambda key: (sizes[key], str(key))))
    return shown


# ---- what the account shows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One count as the account shows it; `number` is None when it is not shown (it never leaves here)."""

    number: int | None
    state: str
    minimum: int

    @classmethod
    def of(cls, count: int, state: str, minimum: int) -> "Cell":
        return cls(number=count if state == SHOWN else None, state=state, minimum=minimum)

    @property
    def is_shown(self) -> bool:
        return self.state == SHOWN

    def __str__(self) -> str:
        if self.state == SMALL:
            return f"< {self.minimum}"
        if self.state == HIDDEN:
            return _("hidden")
        return str(self.number)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cell: Cell


@dataclass(frozen=True)
class Breakdown:
    """Counts that add up to a total shown with them."""

    rows: list[Row]
    total: Cell

    @property
    def withheld(self) -> bool:
        """Every count hidden, zeros too: the numbers would give a small group away however they were cut."""
        return bool(self.rows) and all(row.cell.state == HIDDEN for row in self.rows)


@dataclass(frozen=True)
class Timing:
    """A median in days and the share within the legal term, each None when its group is too small."""

    median_days: float | None = None
    share_within: float | None = None

    @property
    def percent_within(self) -> int | None:
        return None if self.share_within is None else round(self.share_within * 100)


@dataclass(frozen=True)
class HandlingRow:
    key: str
    label: str
    acknowledge: Timing
    feedback: Timing
    close: Timing


@dataclass(frozen=True)
class AccountFigures:
    organisation: Organisation
    year: int
    minimum: int
    # The moment the figures run to: the end of the year, or now while the year is not over.
    until: datetime
    is_complete: bool
    received: Cell
    by_category: Breakdown
    by_source: Breakdown
    by_research_category: Breakdown
    reports: Breakdown
    outcomes: Breakdown
    open_at_end: Cell
    handling: list[HandlingRow] = field(default_factory=list)
    acknowledge_days: int = ACKNOWLEDGE_WITHIN_DAYS
    feedback_months: int = FEEDBACK_WITHIN_MONTHS
    # Nothing received, concluded, open or reported in the year (zeros show as 0, so this gives nothing away).
    nothing: bool = False


# ---- computing them -------------------------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of `year` and of the next one in the organisation's time (settings.TIME_ZONE)."""
    zone = timezone.get_default_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def year_of(moment: datetime) -> int:
    """The year a moment falls in, in the organisation's time (not the reader's)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).year


def current_year() -> int:
    return year_of(timezone.now())


def _breakdown(items: Sequence[tuple[str, str, int]], minimum: int) -> Breakdown:
    states = suppress([count for _key, _label, count in items], minimum)
    total = sum(count for _key, _label, count in items)
    rows = [
        Row(key, label, Cell.of(count, state, minimum))
        for (key, label, count), state in zip(items, states, strict=True)
    ]
    return Breakdown(rows=rows, total=Cell.of(total, count_state(total, minimum), minimum))


def _days(start: datetime, end: datetime) -> float:
    return (end - start) / DAY


@dataclass
class _Group:
    """The handling figures of a set of cases, before anything is hidden."""

    acknowledge_days: list[float] = field(default_factory=list)
    acknowledge_on_time: list[bool] = field(default_factory=list)
    feedback_days: list[float] = field(default_factory=list)
    feedback_on_time: list[bool] = field(default_factory=list)
    close_days: list[float] = field(default_factory=list)

    def add(self, times: "_Times") -> None:
        for measure, value in zip(_Times._fields, times, strict=True):
            if value is not None:
                getattr(self, measure).append(value)


class _Times(NamedTuple):
    """One case's times against the legal terms; None where it does not count (yet)."""

    acknowledge_days: float | None
    acknowledge_on_time: bool | None
    feedback_days: float | None
    feedback_on_time: bool | None


def _times(
    received_at: datetime, acknowledged_at: datetime | None, feedback_at: datetime | None, now: datetime
) -> _Times:
    """A case still inside a term with nothing done yet is in no share: neither on time nor late (yet)."""
    acknowledge_by = received_at + timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)
    feedback_by = feedback_due(received_at, acknowledged_at)
    return _Times(
        acknowledge_days=_days(received_at, acknowledged_at) if acknowledged_at is not None else None,
        acknowledge_on_time=(
            acknowledged_at is not None and acknowledged_at <= acknowledge_by
            if acknowledged_at is not None or now > acknowledge_by
            else None
        ),
        feedback_days=(
            _days(acknowledgement_anchor(received_at, acknowledged_at), feedback_at)
            if feedback_at is not None
            else None
        ),
        feedback_on_time=(
            feedback_at is not None and feedback_at <= feedback_by
            if feedback_at is not None or now > feedback_by
            else None
        ),
    )


def _timing(days: list[float], on_time: list[bool] | None, median_shown: bool, share_shown: bool) -> Timing:
    return Timing(
        median_days=statistics.median(days) if median_shown and days else None,
        share_within=sum(on_time) / len(on_time) if share_shown and on_time else None,
    )


def _handling(
    groups: dict[str, _Group], labels: Sequence[tuple[str, str]], every: _Group, minimum: int
) -> list[HandlingRow]:
    """The row of all cases, then one per category whose groups are big enough (`visible_groups`)."""
    measures = ("acknowledge_days", "acknowledge_on_time", "feedback_days", "feedback_on_time", "close_days")
    # Only the categories given (those whose count is shown) can be shown; the others count as the rest.
    candidates = {key: groups[key] for key, _label in labels if key in groups}
    visible = {
        measure: visible_groups(
            {key: len(getattr(group, measure)) for key, group in candidates.items()},
            len(getattr(every, measure)),
            minimum,
        )
        for measure in measures
    }

    def row(key: str, label: str, group: _Group, shown: Mapping[str, bool]) -> HandlingRow:
        return HandlingRow(
            key=key,
            label=label,
            acknowledge=_timing(
                group.acknowledge_days,
                group.acknowledge_on_time,
                shown["acknowledge_days"],
                shown["acknowledge_on_time"],
            ),
            feedback=_timing(
                group.feedback_days, group.feedback_on_time, shown["feedback_days"], shown["feedback_on_time"]
            ),
            close=_timing(group.close_days, None, shown["close_days"], False),
        )

    rows = [row("all", _("All cases"), every, {m: len(getattr(every, m)) >= minimum for m in measures})]
    for key, label in labels:
        shown = {measure: key in visible[measure] for measure in measures}
        if key in candidates and any(shown.values()):
            rows.append(row(key, label, candidates[key], shown))
    return rows


def _research_of_types(types: Mapping[int, ViolationType]) -> dict[int, str]:
    """The research category of each type that maps to exactly one (a type mapping to several says too little)."""
    known = set(ResearchCategory.values)
    found = {}
    for pk, kind in types.items():
        mapped = [code for code in kind.research_categories if code in known]
        if len(mapped) == 1:
            found[pk] = mapped[0]
    return found


def _category_key(category_id: int | None) -> str:
    return str(category_id) if category_id is not None else UNCATEGORISED


def figures(
    organisation: Organisation, year: int, *, now: datetime | None = None, handling: bool = True
) -> AccountFigures:
    """The account of `year` for `organisation`, with small groups hidden; without `handling`, counts only.

    The counts are grouped in the database (eight queries); the handling times read the year's times of
    receipt, acknowledgement, feedback and conclusion (two more), so a reader of counts alone never pays for them.
    """
    now = now or timezone.now()
    start, end = year_bounds(year)
    until = min(end, now)
    minimum = CaseSettings.of(organisation).min_group_size
    types = {t.pk: t for t in ViolationType.objects.all()}
    subtypes = dict(ViolationSubtype.objects.exclude(research_category="").values_list("pk", "research_category"))
    research_of_type = _research_of_types(types)

    cases = Case.objects.filter(organisation=organisation)
    received_in_year = cases.filter(received_at__gte=start, received_at__lt=end)
    concluded_in_year = cases.filter(concluded_at__gte=start, concluded_at__lt=end)
    received = list(
        received_in_year.values("category_id", "subtype_id", "source")
        .annotate(n=Count("pk"))
        .values_list("category_id", "subtype_id", "source", "n")
        .order_by()
    )
    outcomes = Counter(
        dict(concluded_in_year.values("outcome").annotate(n=Count("pk")).values_list("outcome", "n").order_by())
    )
    still_open = (
        cases.filter(received_at__lt=until).filter(Q(concluded_at__isnull=True) | Q(concluded_at__gte=until)).count()
    )
    reports = Report.objects.filter(organisation=organisation, created_on__year=year).aggregate(
        total=Count("pk"), without_case=Count("pk", filter=Q(case__isnull=True))
    )

    by_category: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    by_research: Counter[str] = Counter()
    for category_id, subtype_id, source, n in received:
        by_category[_category_key(category_id)] += n
        by_source[Source.SPEAKUP if source == Source.SPEAKUP else "other"] += n
        # A case counts under its sub-type's research category, else its type's when that maps to exactly one.
        by_research[subtypes.get(subtype_id) or research_of_type.get(category_id) or UNMAPPED] += n
    received_count = by_category.total()
    concluded_count = outcomes.total()

    every, groups = _Group(), dict[str, _Group]()
    if handling:
        times = received_in_year.values_list("category_id", "received_at", "acknowledged_at", "feedback_at")
        for category_id, received_at, acknowledged_at, feedback_at in times:
            case_times = _times(received_at, acknowledged_at, feedback_at, now)
            every.add(case_times)
            groups.setdefault(_category_key(category_id), _Group()).add(case_times)
        for category_id, received_at, concluded_at in concluded_in_year.values_list(
            "category_id", "received_at", "concluded_at"
        ):
            # concluded_at is set: the query filtered on it.
            for group in (every, groups.setdefault(_category_key(category_id), _Group())):
                group.close_days.append(_days(received_at, concluded_at))  # type: ignore[arg-type]

    category_items = [
        (str(pk), t.name, by_category[str(pk)])
        for pk, t in sorted(types.items(), key=lambda item: (item[1].order, item[1].code))
        if not t.retired or by_category[str(pk)]
    ]
    category_items.append((UNCATEGORISED, _("Not yet categorised"), by_category[UNCATEGORISED]))
    category_breakdown = _breakdown(category_items, minimum)
    # Handling times per category only where the category's count is shown: a hidden count stays hidden.
    shown_categories = [(row.key, row.label) for row in category_breakdown.rows if row.cell.is_shown]

    return AccountFigures(
        organisation=organisation,
        year=year,
        minimum=minimum,
        until=until,
        is_complete=now >= end,
        received=Cell.of(received_count, count_state(received_count, minimum), minimum),
        by_category=category_breakdown,
        by_source=_breakdown(
            [
                (Source.SPEAKUP, str(Source.SPEAKUP.label), by_source[Source.SPEAKUP]),
                ("other", _("Other routes (phone, meeting, email, partner, referral)"), by_source["other"]),
            ],
            minimum,
        ),
        by_research_category=_breakdown(
            [(c.value, str(c.label), by_research[c.value]) for c in ResearchCategory]
            + [(UNMAPPED, _("No single research category"), by_research[UNMAPPED])],
            minimum,
        ),
        reports=_breakdown(
            [
                ("case", _("Became a case"), reports["total"] - reports["without_case"]),
                ("no_case", _("Did not become a case"), reports["without_case"]),
            ],
            minimum,
        ),
        outcomes=_breakdown([(o.value, str(o.label), outcomes[o.value]) for o in Outcome], minimum),
        open_at_end=Cell.of(still_open, count_state(still_open, minimum), minimum),
        handling=_handling(groups, shown_categories, every, minimum) if handling else [],
        nothing=not (received_count or concluded_count or still_open or reports["total"]),
    )


# ---- the years --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearSummary:
    year: int
    received: Cell
    reports: Cell
    has_reflection: bool


def years(organisation: Organisation, *, now: datetime | None = None) -> list[YearSummary]:
    """Every year with cases or speak-up reports or a reflection, and the current year; newest first."""
    minimum = CaseSettings.of(organisation).min_group_size
    # One aggregate with a filtered count per year, over the (organisation, received_at) index: SQLite would
    # run a time-zone-aware ExtractYear in Python for every row.
    mine = Case.objects.filter(organisation=organisation)
    span = mine.aggregate(first=Min("received_at"), last=Max("received_at"))
    cases: dict[int, int] = {}
    if span["first"] is not None:
        span_years = range(year_of(span["first"]), year_of(span["last"]) + 1)
        counts = mine.aggregate(
            **{
                f"y{year}": Count("pk", filter=Q(received_at__gte=start, received_at__lt=end))
                for year in span_years
                for start, end in [year_bounds(year)]
            }
        )
        cases = {year: counts[f"y{year}"] for year in span_years if counts[f"y{year}"]}
    reports = dict(
        Report.objects.filter(organisation=organisation)
        .annotate(year=ExtractYear("created_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    reflections = set(
        AnnualAccount.objects.filter(organisation=organisation).exclude(reflection="").values_list("year", flat=True)
    )
    this_year = year_of(now or timezone.now())
    every = {this_year, *cases, *reports, *reflections}
    return [
        YearSummary(
            year=year,
            received=Cell.of(cases.get(year, 0), count_state(cases.get(year, 0), minimum), minimum),
            reports=Cell.of(reports.get(year, 0), count_state(reports.get(year, 0), minimum), minimum),
            has_reflection=year in reflections,
        )
        for year in sorted(every, reverse=True)
        if year <= this_year
    ]
