"""Who may see and change a health check. Every health page goes through one of these helpers.

Every organisation of the partnership or alliance reads the check; managers and admins of any of
them change it (start rounds, close them, record the review, add actions); the people invited to a
round answer it. Everyone else gets 404.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from health.models import Participant, Round, Schedule
from organisations.access import get_membership
from organisations.models import Membership


def get_schedule_for_user(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Schedule, Membership]:
    membership = get_membership(request, slug)
    schedule = (
        Schedule.objects.visible_to(membership.organisation)
        .select_related("organisation", "partnership__organisation", "partnership__partner", "alliance")
        .filter(code=code)
        .first()
    )
    if schedule is None:
        raise Http404
    return schedule, membership


def get_round_for_user(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Round, Membership]:
    membership = get_membership(request, slug)
    round = (
        Round.objects.filter(schedule__in=Schedule.objects.visible_to(membership.organisation), code=code)
        .select_related(
            "schedule__organisation",
            "schedule__partnership__organisation",
            "schedule__partnership__partner",
            "schedule__alliance",
        )
        .first()
    )
    if round is None:
        raise Http404
    return round, membership


def get_participant(round: Round, membership: Membership) -> Participant | None:
    """The person's invitation to answer `round` for the organisation they are working in, if any."""
    return Participant.objects.filter(
        round=round, user_id=membership.user_id, organisation_id=membership.organisation_id
    ).first()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
