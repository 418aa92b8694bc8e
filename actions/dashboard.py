"""The action-plan card on the organisation overview."""

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from actions.models import Action, ActionPlan
from organisations.models import Organisation


def card(organisation: Organisation) -> dict[str, Any] | None:
    # One query: the plans joined to their actions (a plan without actions still counts as a plan).
    figures = ActionPlan.objects.for_organisation(organisation).aggregate(
        plans=Count("pk", distinct=True),
        open=Count("actions", filter=Q(actions__status__in=Action.OPEN)),
        overdue=Count("actions", filter=Q(actions__status__in=Action.OPEN, actions__due_on__lt=timezone.localdate())),
    )
    return {**figures, "plans": figures["plans"] > 0}


def plan_organisations(plan_id: int) -> tuple[int, ...]:
    """The organisation that owns a plan and the partner that co-owns it."""
    found = ActionPlan.objects.filter(pk=plan_id).values_list("organisation_id", "partner_id").first()
    return tuple(pk for pk in found or () if pk)
