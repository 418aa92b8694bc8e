"""Access to agreements: every party to the partnership, every member and the lead of the alliance.

Outsiders get 404; managers and admins of a party may record the dates and make agreements.
"""

from uuid import UUID

from django.http import Http404, HttpRequest

from agreements.models import Agreement
from organisations.access import get_membership
from organisations.models import Membership


def get_agreement_for_user(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Agreement, Membership, bool]:
    """The agreement `code` seen from organisation `slug`, the membership there, and whether it may change dates."""
    membership = get_membership(request, slug)
    agreement = (
        Agreement.objects.visible_to(membership.organisation)
        .select_related("organisation", "partnership", "alliance", "clause_set", "created_by")
        .filter(code=code)
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement, membership, membership.can_manage
