"""The explicit access helpers. Every organisation page goes through one of these.

Outsiders get 404 (they must not learn that something exists); members whose role does not
allow a change get 403.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from organisations.models import Alliance, Membership, Partnership

MEMBERSHIPS = "_samen_memberships"  # where memberships_of() keeps them on the request


def get_membership(request: HttpRequest, slug: str) -> Membership:
    """The requesting person's membership of the organisation `slug`, or 404."""
    if not request.user.is_authenticated:
        raise Http404
    membership = next((m for m in memberships_of(request) if m.organisation.slug == slug), None)
    if membership is None:
        raise Http404
    # Remember the organisation last worked in, so the home page returns to it.
    now = timezone.now()
    if membership.last_used_at is None or (now - membership.last_used_at).total_seconds() > 60:
        Membership.objects.filter(pk=membership.pk).update(last_used_at=now)
    return membership


def memberships_of(request: HttpRequest) -> list[Membership]:
    """The signed-in person's memberships with their organisations, read once per request: the access helper
    and the page frame (the organisation switcher, `current_membership`) share them."""
    user = request.user
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(request, MEMBERSHIPS, None)
    if cached is None:
        cached = list(Membership.objects.for_user(user))
        for membership in cached:
            membership.user = user  # the same person: no query to read it back
        setattr(request, MEMBERSHIPS, cached)
    return cached


def require_manager(membership: Membership) -> None:
    if not membership.can_manage:
        raise PermissionDenied


def require_admin(membership: Membership) -> None:
    if not membership.is_admin:
        raise PermissionDenied


def get_partnership(membership: Membership, code: UUID | str) -> Partnership:
    """A partnership that involves the membership's organisation, or 404."""
    partnership = Partnership.objects.involving(membership.organisation).filter(code=code).first()
    if partnership is None:
        raise Http404
    return partnership


def get_alliance(membership: Membership, code: UUID | str) -> Alliance:
    """An alliance the membership's organisation leads or belongs to, or 404."""
    organisation = membership.organisation
    alliance = (
        Alliance.objects.select_related("lead")
        .filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation), code=code)
        .first()
    )
    if alliance is None:
        raise Http404
    return alliance
