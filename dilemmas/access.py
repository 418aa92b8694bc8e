"""Who may see and change a dilemma. Every view of one dilemma goes through `get_dilemma_for_user`.

- Every member reads the library: the framework's dilemmas, the organisation's published ones, and
  those other organisations share with it (dilemmas.models.DilemmaQuerySet.visible_to).
- Every member but a viewer writes dilemmas; a draft is its author's alone until submitted. The author
  changes it while it is a draft or returned.
- The integrity officer and the admin (REVIEW_ROLES) read what was submitted, publish it or return it,
  and share published dilemmas with an alliance or the sector.
- The de-identification check is run and resolved by the author or a reviewer.
- Platform operators (User.is_staff) are the sector association's editors: they review what an
  organisation offers to the whole sector (get_sector_offer).

Outsiders, and members asking for someone else's draft, get 404; members without the role get 403.
"""

from typing import NamedTuple
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import User
from dilemmas.models import Dilemma, SectorStatus, Status
from organisations.access import get_membership
from organisations.models import Consent, Membership, Role

REVIEW_ROLES = {Role.ADMIN, Role.OFFICER}


def user_of(request: HttpRequest) -> User:
    """The logged-in person (every view here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def can_write(membership: Membership) -> bool:
    return membership.can_write


def can_review(membership: Membership) -> bool:
    return membership.role in REVIEW_ROLES


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class DilemmaAccess(NamedTuple):
    dilemma: Dilemma
    membership: Membership
    own: bool  # the dilemma belongs to the viewer's organisation

    @property
    def is_author(self) -> bool:
        return self.own and self.dilemma.author_id == self.membership.user_id

    @property
    def is_reviewer(self) -> bool:
        return self.own and can_review(self.membership)

    @property
    def can_edit(self) -> bool:
        return self.is_author and self.membership.can_write and self.dilemma.is_editable

    @property
    def can_submit(self) -> bool:
        return self.can_edit

    @property
    def can_check(self) -> bool:
        return (self.is_author and self.membership.can_write) or self.is_reviewer

    @property
    def can_review(self) -> bool:
        return self.is_reviewer and self.dilemma.status == Status.SUBMITTED

    @property
    def can_share(self) -> bool:
        return self.is_reviewer and self.dilemma.status == Status.PUBLISHED

    @property
    def can_delete(self) -> bool:
        return self.is_reviewer or self.can_edit


def get_dilemma_for_user(request: HttpRequest, slug: str, code: UUID | str) -> DilemmaAccess:
    membership = get_membership(request, slug)
    viewer = membership.organisation
    dilemma = Dilemma.objects.select_related("organisation", "author", "reviewer").filter(code=code).first()
    if dilemma is None:
        raise Http404
    if dilemma.organisation_id == viewer.pk:
        own_draft = dilemma.author_id == membership.user_id
        if (
            dilemma.status == Status.PUBLISHED
            or own_draft
            or (dilemma.status != Status.DRAFT and can_review(membership))
        ):
            return DilemmaAccess(dilemma, membership, own=True)
        raise Http404
    if Dilemma.objects.visible_to(viewer).filter(pk=dilemma.pk).exists():
        return DilemmaAccess(dilemma, membership, own=False)
    raise Http404


def require_editor(request: HttpRequest, slug: str) -> Membership:
    """The sector's editors' pages: a member of `slug` (else 404) who is a platform operator (else 403)."""
    membership = get_membership(request, slug)
    require(membership.user.is_staff)
    return membership


def get_sector_offer(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Dilemma, Membership]:
    """A dilemma offered to the whole sector and waiting for the editors, for an editor; 404 for anything else."""
    membership = require_editor(request, slug)
    dilemma = (
        Dilemma.objects.published()
        .exclude(organisation__isnull=True)
        .filter(sector_status=SectorStatus.PENDING)
        .select_related("organisation", "author", "reviewer", "sector_requested_by", "sector_reviewer")
        .filter(code=code)
        .first()
    )
    if dilemma is None:
        raise Http404
    offered = Consent.objects.active().filter(
        organisation=dilemma.organisation, subject=dilemma.subject, scope=Consent.Scope.SECTOR
    )
    if not offered.exists():
        raise Http404
    return dilemma, membership
