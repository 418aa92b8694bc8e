"""Who may see and run an organisation's dialogue sessions. Every organisation page goes through here.

- Every member of the organisation reads its sessions: the list and the reports (the report is kept
  with the organisation; it names no participant unless they gave a name).
- Facilitators compose, open, run and close sessions and turn what was recorded into actions and
  dilemmas: members with the role of manager, integrity officer or admin (others get 403).
- A session about a partnership is also read by the partner organisation's members (its report is kept
  by both); only the organisation that holds the session runs it.

Outsiders get 404: they must not learn that a session exists. Participants never come here: they join
through dialogue/participants.py with a join code and no account.
"""

from typing import NamedTuple
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from accounts.models import User
from dialogue.models import Session
from organisations.access import get_membership
from organisations.models import Membership, Role

FACILITATOR_ROLES = {Role.ADMIN, Role.OFFICER, Role.MANAGER}


def can_facilitate(membership: Membership) -> bool:
    return membership.role in FACILITATOR_ROLES


def require_facilitator(membership: Membership) -> None:
    if not can_facilitate(membership):
        raise PermissionDenied


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def sessions_for(membership: Membership) -> "Q":
    """The sessions a member of the organisation reads: its own, and those about its partnerships."""
    organisation = membership.organisation
    return (
        Q(organisation=organisation) | Q(partnership__organisation=organisation) | Q(partnership__partner=organisation)
    )


class SessionAccess(NamedTuple):
    session: Session
    membership: Membership

    @property
    def own(self) -> bool:
        return self.session.organisation_id == self.membership.organisation_id

    @property
    def can_run(self) -> bool:
        return self.own and can_facilitate(self.membership)


def get_session_for_user(request: HttpRequest, slug: str, code: UUID | str, *, run: bool = False) -> SessionAccess:
    """The session `code` as a member of `slug` sees it (404 for anyone else); `run=True` also requires
    that they may run it (403)."""
    membership = get_membership(request, slug)
    dilemma_sessions = Session.objects.filter(code=code, kind=Session.Kind.DILEMMA).select_related(
        "organisation", "facilitator", "partnership"
    )
    # The organisation's own session first: the simple query the polled pages need; a partner's only then.
    session = dilemma_sessions.filter(organisation=membership.organisation).first()
    if session is None:
        session = dilemma_sessions.filter(sessions_for(membership)).first()
    if session is None:
        raise Http404
    access = SessionAccess(session, membership)
    if run and not access.can_run:
        raise PermissionDenied
    return access
