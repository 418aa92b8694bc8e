"""Small builders for the insights tests: partners, assessments, actions, cases, health rounds, networks.

Records are created directly (no pages): these tests are about what the dashboards count, and each
builder sets only what the figures read.
"""

import itertools
from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import User
from actions.models import Action, ActionPlan
from assessments.models import Assessment
from cases.models import Case
from framework.models import AssessmentLibrary, ViolationType
from health.models import Answered, Participant, Rating, Round, Schedule
from organisations.models import Consent, Membership, Organisation, Partnership, Role
from tests.cases.conftest import build_playbook
from tests.conftest import make_user

_numbers = itertools.count(1)


def library() -> AssessmentLibrary:
    found = AssessmentLibrary.objects.filter(code="test-library").first()
    return found or AssessmentLibrary.objects.create(
        code="test-library",
        version="1",
        name_nl="Toets",
        name_en="Test",
        description_nl="-",
        description_en="-",
        scoring=AssessmentLibrary.Scoring.MATURITY,
        source="test",
    )


def organisation(name: str, kind: str = Organisation.Kind.PARTNER, size: str = "") -> Organisation:
    n = next(_numbers)
    return Organisation.objects.create(slug=f"org-{n}", name=f"{name} {n}", kind=kind, size_category=size)


def partner_of(org: Organisation, name: str = "Partner", status: str = Partnership.Status.ACTIVE) -> Organisation:
    other = organisation(name)
    Partnership.objects.create(organisation=org, partner=other, kind=Partnership.Kind.FUNDING, status=status)
    return other


def final_assessment(
    assessed: Organisation,
    requester: Organisation | None,
    valid_until: date,
    rating: str = "",
    finalised: date | None = None,
) -> Assessment:
    finalised = finalised or valid_until - timedelta(days=365 * 3)
    return Assessment.objects.create(
        library=library(),
        organisation=assessed,
        requester=requester,
        status=Assessment.Status.FINAL,
        final_rating=rating,
        finalised_at=datetime(
            finalised.year, finalised.month, finalised.day, 12, tzinfo=timezone.get_default_timezone()
        ),
        valid_until=valid_until,
    )


def plan(org: Organisation, source: str = ActionPlan.Source.MANUAL) -> ActionPlan:
    return ActionPlan.objects.create(organisation=org, title="Plan", source_kind=source)


def action(plan: ActionPlan, status: str = Action.Status.TODO, due_on: date | None = None) -> Action:
    return Action.objects.create(
        plan=plan,
        organisation=plan.organisation,
        title="Do it",
        status=status,
        due_on=due_on,
        dropped_reason="No longer needed" if status == Action.Status.DROPPED else "",
    )


def category(code: str) -> ViolationType:
    found = ViolationType.objects.filter(code=code).first()
    return found or ViolationType.objects.create(
        code=code,
        order=len(code),
        name_nl=code,
        name_en=code.title(),
        definition_nl="-",
        definition_en="-",
        source="test",
    )


def case(
    org: Organisation,
    received_at: datetime,
    kind: ViolationType | None = None,
    *,
    acknowledged_after: float | None = None,
    feedback_after: float | None = None,
    phase: str = "receive",
    concluded: bool = False,
) -> Case:
    n = next(_numbers)
    acknowledged = received_at + timedelta(days=acknowledged_after) if acknowledged_after is not None else None
    anchor = acknowledged or received_at + timedelta(days=7)
    return Case.objects.create(
        organisation=org,
        reference=f"{received_at.year}-{n:05d}",
        source=Case.Source.PHONE,
        playbook=build_playbook(),
        category=kind,
        received_at=received_at,
        acknowledged_at=acknowledged,
        feedback_at=anchor + timedelta(days=feedback_after) if feedback_after is not None else None,
        phase=phase,
        concluded_at=received_at + timedelta(days=60) if concluded else None,
        outcome="substantiated" if concluded else "",
    )


def at(year: int, month: int = 3, day: int = 2) -> datetime:
    return datetime(year, month, day, 10, tzinfo=timezone.get_default_timezone())


def health_round(schedule: Schedule, closed_at: datetime, ratings: dict[Organisation, list[str]]) -> Round:
    """A closed round in which each organisation's people answered with the given colours (one person each)."""
    round = Round.objects.create(
        schedule=schedule, organisation=schedule.organisation, number=schedule.rounds.count() + 1, closed_at=closed_at
    )
    for org, colours in ratings.items():
        for colour in colours:
            user = make_user(f"rater{next(_numbers)}@example.org")
            participant = Participant.objects.create(round=round, user=user, organisation=org)
            Answered.objects.create(round=round, participant=participant, organisation=org)
            Rating.objects.create(round=round, organisation=org, dimension="trust", colour=colour)
    return round


def opt_in(member: Organisation, network: Organisation, by: User) -> Consent:
    return Consent.give(
        organisation=member,
        subject=f"insights:{network.code}",
        by=by,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=network,
    )


def person(org: Organisation, role: str = Role.ADMIN) -> User:
    # Administrators and integrity officers must have two-factor authentication set up before any page.
    user = make_user(
        f"person{next(_numbers)}@example.org", two_factor=role in (Role.ADMIN, Role.OFFICER), language="en"
    )
    Membership.objects.create(user=user, organisation=org, role=role)
    return user
