"""Case statistics for other apps (dashboards, sector insights): counts and handling times, never content.

Nothing here reads a summary, a note, a reporter or a person: only the stage, the category and the
moments the law measures (received, acknowledged, feedback given). The queries do not grow with the
number of cases: counts are aggregated in the database, and handling times come as numbers of days
computed there (no date to convert per case in Python).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, FloatField, Func, Q, QuerySet
from django.utils.translation import gettext as _

from cases.annual import UNCATEGORISED, Breakdown, Cell, Row, count_state, suppress, year_bounds
from cases.deadlines import ACKNOWLEDGE_WITHIN_DAYS
from cases.models import Case, CaseSettings, Phase
from framework.models import ViolationType
from organisations.models import Organisation

CONCLUDED = "concluded"


class DaysBetween(Func):
    """Days (with fractions) from one moment to another, in the database; NULL when either is NULL."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::double precision",
            arg_joiner=" - ",
            **extra,
        )


def _between(start: str, end: str) -> DaysBetween:
    # julianday(end) - julianday(start): the expressions are given end first.
    return DaysBetween(F(end), F(start))


def _breakdown(items: list[tuple[str, str, int]], minimum: int) -> Breakdown:
    states = suppress([count for _key, _label, count in items], minimum)
    total = sum(count for _key, _label, count in items)
    return Breakdown(
        rows=[
            Row(key, label, Cell.of(count, state, minimum))
            for (key, label, count), state in zip(items, states, strict=True)
        ],
        total=Cell.of(total, count_state(total, minimum), minimum),
    )


@dataclass(frozen=True)
class YearCounts:
    received: Cell
    by_stage: Breakdown
    by_category: Breakdown
    minimum: int


def year_counts(organisation: Organisation, year: int) -> YearCounts:
    """The cases received in `year`: how many, by the stage they are in now (or concluded), and by category.

    Small groups hidden as in the annual account (its minimum group size, secondary suppression beside the
    total), so a dashboard never shows more than the account does. Two queries, aggregated in the database.
    """
    minimum = CaseSettings.of(organisation).min_group_size
    start, end = year_bounds(year)
    stages: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for category_id, phase, concluded, n in (
        Case.objects.filter(organisation=organisation, received_at__gte=start, received_at__lt=end)
        .values("category_id", "phase")
        .annotate(concluded=Count("pk", filter=Q(concluded_at__isnull=False)), n=Count("pk"))
        .values_list("category_id", "phase", "concluded", "n")
    ):
        stages[CONCLUDED] += concluded
        stages[phase] += n - concluded
        categories[str(category_id) if category_id is not None else UNCATEGORISED] += n
    stage_items = [(p.value, str(p.label), stages[p.value]) for p in Phase]
    stage_items.append((CONCLUDED, _("Concluded"), stages[CONCLUDED]))
    category_items = [
        (str(t.pk), t.name, categories[str(t.pk)])
        for t in ViolationType.objects.order_by("order", "code")
        if not t.retired or categories[str(t.pk)]
    ]
    category_items.append((UNCATEGORISED, _("Not yet categorised"), categories[UNCATEGORISED]))
    received = sum(categories.values())
    return YearCounts(
        received=Cell.of(received, count_state(received, minimum), minimum),
        by_stage=_breakdown(stage_items, minimum),
        by_category=_breakdown(category_items, minimum),
        minimum=minimum,
    )


def counts_per_year(
    organisations: "QuerySet[Organisation] | Iterable[int]", first_year: int, last_year: int
) -> list[tuple[int, int | None, int, int]]:
    """(organisation id, category id, year, cases received) for each year from `first_year` to `last_year`.

    One query: a filtered count per year over the (organisation, received_at) index, grouped by organisation
    and category (a time-zone-aware year per row would run in Python on SQLite). Zero counts are left out.
    """
    years = range(first_year, last_year + 1)
    bounds = {year: year_bounds(year) for year in years}
    rows = (
        Case.objects.filter(
            organisation__in=organisations, received_at__gte=bounds[first_year][0], received_at__lt=bounds[last_year][1]
        )
        .values("organisation_id", "category_id")
        .annotate(
            **{
                f"y{year}": Count("pk", filter=Q(received_at__gte=start, received_at__lt=end))
                for year, (start, end) in bounds.items()
            }
        )
    )
    return [
        (row["organisation_id"], row["category_id"], year, row[f"y{year}"])
        for row in rows
        for year in years
        if row[f"y{year}"]
    ]


@dataclass(frozen=True)
class CaseTimes:
    """One case as sector statistics see it: whose, when, what kind, and how fast it was handled."""

    organisation_id: int
    year: int
    category_id: int | None
    # Days from receipt to the acknowledgement; None when none was sent.
    acknowledge_days: float | None
    # Days from the acknowledgement (or the end of the period for it) to the feedback; None when none was given.
    feedback_days: float | None


def handling_times(organisations: "QuerySet[Organisation] | Iterable[int]", year: int) -> list[CaseTimes]:
    """Every case of `organisations` received in `year` (the organisation's time), with its handling times.

    One query; the days are computed in the database. Feedback counts from the acknowledgement, or from the
    end of the period for it when none was sent (EU 2019/1937 art. 9), as in the annual account.
    """
    start, end = year_bounds(year)
    rows = (
        Case.objects.filter(organisation__in=organisations, received_at__gte=start, received_at__lt=end)
        .annotate(ack=_between("received_at", "acknowledged_at"), fb=_between("received_at", "feedback_at"))
        .values_list("organisation_id", "category_id", "ack", "fb")
    )
    return [
        CaseTimes(
            organisation_id=organisation_id,
            year=year,
            category_id=category_id,
            acknowledge_days=ack,
            feedback_days=None if fb is None else fb - (ack if ack is not None else ACKNOWLEDGE_WITHIN_DAYS),
        )
        for organisation_id, category_id, ack, fb in rows
    ]
