"""The action-plan card on the organisation overview."""

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from actions.models import Action, ActionPlan
from organisations.models import Membership


def card(membership: Membership) -> dict[str, Any] | None:
    # One query: the plans joined to their actions (a plan without actions still counts as a plan).
    figures = ActionPlan.objects.for_organisation(membership.organisation).aggregate(
        plans=Count("pk", distinct=True),
        open=Count("actions", filter=Q(actions__status__in=Action.OPEN)),
        overdue=Count("actions", filter=Q(actions__status__in=Action.OPEN, actions__due_on__lt=timezone.localdate())),
    )
    return {**figures, "plans": figures["plans"] > 0}
