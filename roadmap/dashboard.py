"""The roadmap card on the organisation overview: steps done of the organisation's steps, and the next one.

The same figures as `roadmap.progress.standing` (the roadmap page), read for the card alone: one query
for the steps of the current roadmap that apply to the organisation's size, in the roadmap's order,
each with whether the organisation marked it done, and only the columns the card shows.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from organisations.models import Organisation
from roadmap.models import Completion, Roadmap, Step, size_of
from roadmap.progress import current_roadmap


def card(organisation: Organisation) -> dict[str, Any] | None:
    # The roadmap of `current_roadmap()`, as a subquery.
    roadmap = Roadmap.objects.active().order_by("code").values("pk")[:1]
    steps = list(
        Step.objects.filter(roadmap=Subquery(roadmap))
        .for_size(size_of(organisation))
        .annotate(done=Exists(Completion.objects.filter(organisation=organisation, step=OuterRef("pk"))))
        .order_by("phase__order", "order")
        .only("pk", "code", "title_nl", "title_en")
    )
    if not steps and current_roadmap() is None:
        return None  # no roadmap loaded (a second query only when there is no step to show)
    open_steps = [step for step in steps if not getattr(step, "done")]  # noqa: B009 -- an annotation
    total = len(steps)
    done = total - len(open_steps)
    next_step = open_steps[0] if open_steps else None
    return {
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
        "next_step": next_step,
        "size_known": bool(organisation.size_category),
    }
