"""Access to plans and actions: members of the owning or the co-owning organisation only.

Outsiders get 404, so they do not learn that a plan exists; viewers read but may not write.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from actions.models import Action, ActionPlan
from organisations.access import get_membership
from organisations.models import Membership


def get_plan_for_user(request: HttpRequest, slug: str, code: UUID | str) -> tuple[ActionPlan, Membership, bool]:
    """The plan `code` seen from organisation `slug`, the request's membership there, and whether it may write."""
    membership = get_membership(request, slug)
    plan = (
        ActionPlan.objects.for_organisation(membership.organisation)
        .select_related("organisation", "partner")
        .filter(code=code)
        .first()
    )
    if plan is None:
        raise Http404
    return plan, membership, membership.can_write


def get_action_for_user(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Action, Membership, bool]:
    """The action `code` of a plan that organisation `slug` owns or co-owns, as `get_plan_for_user`."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    action = (
        Action.objects.filter(plan__in=ActionPlan.objects.for_organisation(organisation), code=code)
        .select_related("plan__organisation", "plan__partner", "owner", "requirement")
        .first()
    )
    if action is None:
        raise Http404
    return action, membership, membership.can_write


def require_write(can_write: bool) -> None:
    if not can_write:
        raise PermissionDenied
