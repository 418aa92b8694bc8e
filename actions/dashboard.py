"""The action-plan card on the organisation overview."""

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from actions.models import Action, ActionPlan
from organisations.models import Membership


def card(membership: Membership) -> dict[str, Any] | None:
    plans = ActionPlan.objects.for_organisation(membership.organisation)
    figures = Action.objects.filter(plan__in=plans).aggregate(
        open=Count("pk", filter=Q(status__in=Action.OPEN)),
        overdue=Count("pk", filter=Q(status__in=Action.OPEN, due_on__lt=timezone.localdate())),
    )
    return {"plans": plans.exists(), **figures}
