"""Who may see which case: need to know, never role alone.

A case exists, for a person, only when they are assigned to it and not excluded from it. Anyone else —
whatever their role, even an administrator — gets 404 for its pages, and the attempt is written to the
audit log (a guessed or forwarded case address is worth knowing about).
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from audit.models import Event, record
from cases.models import Assignment, Case
from organisations.access import get_membership
from organisations.models import Membership, Role

# Roles that may register cases, edit playbooks and write the annual account's reflection.
CASE_ROLES = {Role.ADMIN, Role.OFFICER}
# Roles that may read the annual account (aggregate figures, small groups hidden).
ACCOUNT_ROLES = {Role.ADMIN, Role.OFFICER, Role.MANAGER}


def can_handle_cases(membership: Membership) -> bool:
    return membership.role in CASE_ROLES


def require_case_role(membership: Membership) -> None:
    if not can_handle_cases(membership):
        raise PermissionDenied


def get_case_for_handler(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Case, Membership, set[str]]:
    """The case with `code` of organisation `slug` when the requester is assigned to it: (case, membership, roles).

    Anyone else gets 404, and the attempt is in the audit log.
    """
    membership = get_membership(request, slug)
    case = (
        Case.objects.for_person(membership.user, membership.organisation)
        .select_related("organisation", "playbook", "category", "subtype", "involves", "alliance", "report")
        .filter(code=code)
        .first()
    )
    if case is None:
        record(
            Event.CASE_ACCESS_DENIED,
            actor=membership.user.email,
            organisation=membership.organisation.slug,
            target=str(code),
            detail={"path": request.path},
        )
        raise Http404
    roles = set(Assignment.objects.filter(case=case, user=membership.user).values_list("role", flat=True))
    return case, membership, roles
