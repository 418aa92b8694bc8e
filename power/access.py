"""Who may see and run a power-awareness session. Every organisation page of this app goes through here.

A power-awareness session belongs to the organisation that created it (its tenancy key) and is about
one partnership. Both organisations of that partnership see it: every member reads the session and its
summary (the summary is kept by both partners). Facilitators — managers, integrity officers and
admins — of EITHER organisation run it: the tool is about sharing power, so the partner is a
co-facilitator, not a guest. Others get 403 on changes; anyone outside the two organisations gets 404
(they must not learn that the session exists). The partner's view goes through the partnership
record itself: when it is deleted, only the owner still sees the session.

Participants never come here: they join with a join code and no account (power/views/public.py).
"""

from typing import NamedTuple
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from dialogue.access import can_facilitate
from dialogue.models import Participant, Session, SessionQuerySet
from organisations.access import get_membership
from organisations.models import Membership, Organisation
from power.models import Decision


def visible_to(organisation: Organisation) -> SessionQuerySet:
    """The power-awareness sessions an organisation sees: its own, and those about its partnerships."""
    return Session.objects.filter(
        Q(organisation=organisation) | Q(partnership__organisation=organisation) | Q(partnership__partner=organisation),
        kind=Session.Kind.POWER,
    )


class PowerAccess(NamedTuple):
    session: Session
    membership: Membership

    @property
    def can_run(self) -> bool:
        # Who facilitates is the same for every kind of session (managers, integrity officers, admins);
        # here of either partner organisation.
        return can_facilitate(self.membership)


def get_session_for_user(request: HttpRequest, slug: str, code: UUID | str, *, run: bool = False) -> PowerAccess:
    """The session `code` as a member of `slug` sees it (404 for anyone else); `run=True` also requires
    that they may run it (403)."""
    membership = get_membership(request, slug)
    session = (
        visible_to(membership.organisation)
        .filter(code=code)
        .select_related("organisation", "facilitator", "partnership__organisation", "partnership__partner")
        .first()
    )
    if session is None:
        raise Http404
    access = PowerAccess(session, membership)
    if run and not access.can_run:
        raise PermissionDenied
    return access


def get_decision_for_user(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Decision, PowerAccess]:
    """A decision of a session the member of `slug` may run (404 if they do not see it, 403 if they may not run)."""
    membership = get_membership(request, slug)
    decision = (
        Decision.objects.filter(session__in=visible_to(membership.organisation), code=code)
        .select_related("session__organisation", "session__partnership__organisation", "session__partnership__partner")
        .first()
    )
    if decision is None:
        raise Http404
    access = PowerAccess(decision.session, membership)
    if not access.can_run:
        raise PermissionDenied
    return decision, access


def get_participant_for_user(request: HttpRequest, slug: str, code: UUID | str) -> tuple[Participant, PowerAccess]:
    """A participant of a session the member of `slug` may run, as `get_decision_for_user`."""
    membership = get_membership(request, slug)
    participant = (
        Participant.objects.filter(session__in=visible_to(membership.organisation), code=code)
        .select_related("session__organisation", "session__partnership__organisation", "session__partnership__partner")
        .first()
    )
    if participant is None:
        raise Http404
    access = PowerAccess(participant.session, membership)
    if not access.can_run:
        raise PermissionDenied
    return participant, access
