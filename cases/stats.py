"""Case statistics for other apps (dashboards, sector insights): counts and handling times, never content.

Nothing here reads a summary, a note, a reporter or a person: only the stage, the category and the
moments the law measures (received, acknowledged, feedback given). The queries do not grow with the
number of cases: one pass over the cases asked for.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.annual import DAY, Breakdown, Cell, Row, count_state, suppress, year_bounds, year_of
from cases.deadlines import acknowledgement_anchor
from cases.models import Case, CaseSettings, Phase
from organisations.models import Organisation

CONCLUDED = "concluded"


def by_stage(organisation: Organisation, year: int) -> Breakdown:
    """The cases received in `year` by the stage they are in now (or concluded), small groups hidden.

    The same suppression as the annual account (its minimum group size, secondary suppression beside
    the total), so the dashboard never shows more than the account does.
    """
    minimum = CaseSettings.of(organisation).min_group_size
    start, end = year_bounds(year)
    stages: Counter[str] = Counter()
    for phase, concluded_at in Case.objects.filter(
        organisation=organisation, received_at__gte=start, received_at__lt=end
    ).values_list("phase", "concluded_at"):
        stages[CONCLUDED if concluded_at is not None else phase] += 1
    items = [(p.value, str(p.label), stages[p.value]) for p in Phase] + [(CONCLUDED, _("Concluded"), stages[CONCLUDED])]
    states = suppress([count for _key, _label, count in items], minimum)
    total = sum(stages.values())
    return Breakdown(
        rows=[
            Row(key, label, Cell.of(count, state, minimum))
            for (key, label, count), state in zip(items, states, strict=True)
        ],
        total=Cell.of(total, count_state(total, minimum), minimum),
    )


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


def handling_times(
    organisations: "QuerySet[Organisation] | Iterable[int]", first_year: int, last_year: int
) -> list[CaseTimes]:
    """Every case of `organisations` received from `first_year` to `last_year` (the organisation's time). One query.

    `organisations` may be a queryset (used as a subquery) or ids.
    """
    start, end = year_bounds(first_year)[0], year_bounds(last_year)[1]
    rows = Case.objects.filter(organisation__in=organisations, received_at__gte=start, received_at__lt=end).values_list(
        "organisation_id", "received_at", "category_id", "acknowledged_at", "feedback_at"
    )
    return [
        CaseTimes(
            organisation_id=organisation_id,
            year=year_of(received_at),
            category_id=category_id,
            acknowledge_days=(acknowledged_at - received_at) / DAY if acknowledged_at is not None else None,
            feedback_days=(
                (feedback_at - acknowledgement_anchor(received_at, acknowledged_at)) / DAY
                if feedback_at is not None
                else None
            ),
        )
        for organisation_id, received_at, category_id, acknowledged_at, feedback_at in rows
    ]
