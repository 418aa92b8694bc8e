"""The "next health checks" card on the organisation overview."""

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from health.models import Answered, Round, Schedule
from organisations.models import Membership

SHOWN = 3


def card(membership: Membership) -> dict[str, Any] | None:
    organisation = membership.organisation
    open_round = Round.objects.filter(schedule=OuterRef("pk"), closed_at__isnull=True)
    # Checks waiting for their next round: those with a round open are in hand already.
    upcoming = list(
        Schedule.objects.visible_to(organisation)
        .exclude(Exists(open_round))
        .order_by("next_due_on", "title", "pk")[:SHOWN]
    )
    to_answer = list(
        Round.objects.filter(
            closed_at__isnull=True,
            participants__user_id=membership.user_id,
            participants__organisation=organisation,
        )
        .exclude(Exists(Answered.objects.filter(round=OuterRef("pk"), participant__user_id=membership.user_id)))
        .select_related("schedule")
        .order_by("opened_at")[:SHOWN]
    )
    return {"next": upcoming, "to_answer": to_answer, "today": timezone.localdate()}
