"""Who may see and change an organisation's own guide page. Every such view goes through `get_page_for_user`.

Members of the owning organisation read it; admins, integrity officers and managers write it. Another
organisation reads it (never writes) while an active consent for "guide:<code>" grants it; everyone
else gets 404.
"""

from typing import NamedTuple
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from guide.models import WRITING_ROLES, OrganisationPage
from organisations.access import get_membership
from organisations.models import Membership, consent_allows


class PageAccess(NamedTuple):
    page: OrganisationPage
    membership: Membership
    own: bool  # the page belongs to the viewer's organisation

    @property
    def can_write(self) -> bool:
        return self.own and self.membership.role in WRITING_ROLES


def can_write_pages(membership: Membership) -> bool:
    return membership.role in WRITING_ROLES


def require_writer(membership: Membership) -> None:
    if not can_write_pages(membership):
        raise PermissionDenied


def get_page_for_user(request: HttpRequest, slug: str, code: UUID | str) -> PageAccess:
    membership = get_membership(request, slug)
    viewer = membership.organisation
    page = OrganisationPage.objects.select_related("organisation", "updated_by").filter(code=code).first()
    if page is None:
        raise Http404
    if page.organisation_id == viewer.pk:
        return PageAccess(page, membership, own=True)
    if consent_allows(page.subject, page.organisation, viewer):
        return PageAccess(page, membership, own=False)
    raise Http404


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
