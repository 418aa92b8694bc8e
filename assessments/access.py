"""Who may see and change an assessment. Every assessment page goes through `get_assessment_for_user`.

Three organisations can see an assessment: the assessed organisation (it owns the result), the
requester (the funder that asked, or the other partner of a mutual check), and any organisation
holding an active consent for it (read-only). Everyone else gets 404.
"""

from typing import NamedTuple
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from assessments.models import Assessment
from organisations.access import get_membership
from organisations.models import Membership, Role, consent_allows

ASSESSED = "assessed"
REQUESTER = "requester"
SHARED = "shared"

# Roles of the reviewing organisation that may review (comment, rate, return, finalise).
REVIEWING_ROLES = {Role.ADMIN, Role.OFFICER, Role.MANAGER}


class AssessmentAccess(NamedTuple):
    assessment: Assessment
    membership: Membership
    can_write: bool  # may this person change anything at all (their side, their role)
    role: str  # ASSESSED, REQUESTER or SHARED: how the viewer's organisation relates to it

    @property
    def answers(self) -> bool:
        """Whether this person's side answers the questions (the assessed org; both sides of a mutual check)."""
        return self.can_write and self.membership.organisation_id in self.assessment.answering_ids()

    @property
    def reviews(self) -> bool:
        return (
            self.role != SHARED
            and self.membership.organisation_id == self.assessment.reviewer_id
            and self.membership.role in REVIEWING_ROLES
        )

    @property
    def manages(self) -> bool:
        return self.role != SHARED and self.membership.can_manage


def get_assessment_for_user(request: HttpRequest, slug: str, code: UUID | str) -> AssessmentAccess:
    membership = get_membership(request, slug)
    viewer = membership.organisation
    assessment = (
        Assessment.objects.select_related("library", "organisation", "requester", "partnership", "created_by")
        .filter(code=code)
        .first()
    )
    if assessment is None:
        raise Http404
    if assessment.organisation_id == viewer.pk:
        role = ASSESSED
    elif assessment.requester_id == viewer.pk:
        role = REQUESTER
    elif assessment.status == Assessment.Status.FINAL and consent_allows(
        assessment.subject, assessment.organisation, viewer
    ):
        role = SHARED
    else:
        raise Http404
    return AssessmentAccess(assessment, membership, membership.can_write and role != SHARED, role)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
