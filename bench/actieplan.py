"""Bench data for the actieplan pages: an assessment with many requirements, a plan with many actions.

Two questionnaires are copied from the shipped partner integrity baseline (its levels, texts,
guidance and suggested actions), so the pages render text of a real length:

- "bench-baseline": requirements spread over six areas, as in the shipped library. One assessment of
  it is final, with its co-owned action plan: its overview is what the funder that asked for it
  reads. Another is open (returned once, with review comments): its first area's answer page is what
  the partner's member sees while answering.
- "bench-one-area": every requirement in one area, the worst case for the answer page (the loader
  allows it), answered by the same member.

`build` makes them with `SMALL_REQUIREMENTS` requirements and `SMALL_ACTIONS` actions; `grow` adds
to the same records (same URLs) up to the scaled sizes, so a query count that grows between the two
runs is an N+1.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User
    from actions.models import ActionPlan
    from assessments.models import Assessment
    from framework.models import AssessmentLibrary, Requirement
    from organisations.models import Organisation

SMALL_REQUIREMENTS = 10
SMALL_ACTIONS = 20
SHIPPED = "partner-integrity-baseline"
BASELINE_AREAS = 6


@dataclass
class Actieplan:
    funder: "Organisation"
    partner: "Organisation"
    answerer: "User"
    funder_person: "User"
    overview: "Assessment"
    answering: "Assessment"
    one_area: "Assessment"
    plan: "ActionPlan"

    @property
    def assessments(self) -> list["Assessment"]:
        return [self.overview, self.answering, self.one_area]


def _copy_library(code: str, areas: int) -> "AssessmentLibrary":
    from framework.models import AssessmentLibrary, LibraryArea, MaturityLevel

    shipped = AssessmentLibrary.objects.current().get(code=SHIPPED)
    library = AssessmentLibrary.objects.create(
        code=code,
        version="1.0",
        name_nl=f"{shipped.name_nl} (bench)",
        name_en=f"{shipped.name_en} (bench)",
        description_nl=shipped.description_nl,
        description_en=shipped.description_en,
        scoring=shipped.scoring,
        target_level=shipped.target_level,
        source="bench",
    )
    MaturityLevel.objects.bulk_create(
        MaturityLevel(
            library=library,
            level=level.level,
            label_nl=level.label_nl,
            label_en=level.label_en,
            description_nl=level.description_nl,
            description_en=level.description_en,
        )
        for level in MaturityLevel.objects.filter(library=shipped)
    )
    LibraryArea.objects.bulk_create(
        LibraryArea(
            library=library,
            code=area.code,
            order=area.order,
            name_nl=area.name_nl,
            name_en=area.name_en,
            description_nl=area.description_nl,
            description_en=area.description_en,
        )
        for area in LibraryArea.objects.filter(library=shipped).order_by("order")[:areas]
    )
    return library


def _add_requirements(library: "AssessmentLibrary", upto: int) -> list["Requirement"]:
    """Copies of the shipped requirements, each with its first suggested action, until `upto`; the new ones."""
    from framework.models import AssessmentLibrary, LibraryArea, Requirement, SuggestedAction

    shipped = list(
        Requirement.objects.filter(library=AssessmentLibrary.objects.current().get(code=SHIPPED))
        .prefetch_related("suggested_actions")
        .order_by("order")
    )
    areas = list(LibraryArea.objects.filter(library=library).order_by("order"))
    have = Requirement.objects.filter(library=library).count()
    made = []
    for n in range(have, upto):
        source = shipped[n % len(shipped)]
        requirement = Requirement.objects.create(
            library=library,
            area=areas[n % len(areas)],
            code=f"bench-{n:03d}",
            order=n,
            text_nl=source.text_nl,
            text_en=source.text_en,
            guidance_nl=source.guidance_nl,
            guidance_en=source.guidance_en,
            evidence_examples_nl=source.evidence_examples_nl,
            evidence_examples_en=source.evidence_examples_en,
            weight=source.weight,
        )
        suggestion = source.suggested_actions.all()[0]
        SuggestedAction.objects.create(
            requirement=requirement,
            order=0,
            title_nl=suggestion.title_nl,
            title_en=suggestion.title_en,
            description_nl=suggestion.description_nl,
            description_en=suggestion.description_en,
        )
        made.append(requirement)
    return made


def _answer(assessment: "Assessment", requirements: list["Requirement"], by: "User", reviewer: "User") -> None:
    """Answer each requirement (levels 0–5 in turn) with a comment; evidence on every third, a review
    comment (by the funder's `reviewer`) on every fifth."""
    from assessments.models import Evidence, ReviewComment, Status

    final = assessment.status == Status.FINAL
    if final:  # answers of a final assessment cannot change; reopen it for the bench's own additions
        type(assessment).objects.filter(pk=assessment.pk).update(status=Status.IN_PROGRESS)
        assessment.status = Status.IN_PROGRESS
    for requirement in requirements:
        level = requirement.order % 6
        assessment.answer(requirement, organisation=assessment.organisation, by=by, level=level, comment="As agreed.")
        if requirement.order % 3 == 0:
            Evidence.objects.create(
                assessment=assessment,
                requirement=requirement,
                organisation=assessment.organisation,
                file=f"evidence/{assessment.code}/bench-{requirement.order}.pdf",
                original_name=f"policy-{requirement.code}.pdf",
                content_type="application/pdf",
                size=1000,
                uploaded_by=by,
            )
        if requirement.order % 5 == 0:
            ReviewComment.objects.create(
                assessment=assessment,
                requirement=requirement,
                round=1,
                author=reviewer,
                organisation_id=assessment.reviewer_id,
                text="Please add the signed document.",
            )
    if final:
        type(assessment).objects.filter(pk=assessment.pk).update(status=Status.FINAL)
        assessment.status = Status.FINAL


def _add_actions(data: Actieplan, upto: int) -> None:
    """Actions owned in turn by someone of each organisation, some overdue, some done, each with a note."""
    from django.utils import timezone

    from actions.models import Action, ActionEvent
    from framework.models import Requirement

    requirements = list(Requirement.objects.filter(library=data.overview.library).order_by("order"))
    today = timezone.localdate()
    statuses = [Action.Status.TODO, Action.Status.DOING, Action.Status.DONE, Action.Status.TODO]
    for n in range(data.plan.actions.count(), upto):
        mine = n % 2 == 0
        action = data.plan.add_action(
            title=f"Action {n:03d}: {requirements[n % len(requirements)].text_en[:80]}",
            description="Write it down, agree it with the board, and tell everyone.",
            requirement=requirements[n % len(requirements)],
            owner=data.funder_person if mine else data.answerer,
            due_on=today + timedelta(days=(n % 40) - 10),
            by=data.funder_person,
            by_organisation=data.funder,
        )
        status = statuses[n % len(statuses)]
        if status != Action.Status.TODO:
            Action.objects.filter(pk=action.pk).update(status=status)
        ActionEvent.objects.create(
            action=action,
            author=data.answerer,
            organisation=data.partner,
            kind=ActionEvent.Kind.NOTE,
            text="Started; the draft is with the board.",
        )


def build(funder_slug: str, funder_person: "User") -> Actieplan:
    from django.utils import timezone

    from accounts.models import User
    from actions.models import ActionPlan
    from assessments.models import Assessment, Status, add_years
    from organisations.models import Membership, Organisation, Partnership, Role

    funder = Organisation.objects.get(slug=funder_slug)
    partner = Organisation.objects.create(
        slug="bench-assessed", name="Bench Assessed Partner", kind=Organisation.Kind.PARTNER, country="KE"
    )
    partnership = Partnership.objects.create(organisation=funder, partner=partner, kind=Partnership.Kind.FUNDING)
    answerer = User.objects.create_user("bench-answerer@example.org", "bench-password", name="Bench Answerer")
    Membership.objects.create(user=answerer, organisation=partner, role=Role.MEMBER)

    baseline = _copy_library("bench-baseline", BASELINE_AREAS)
    one_area = _copy_library("bench-one-area", 1)
    for library in (baseline, one_area):
        _add_requirements(library, SMALL_REQUIREMENTS)
    overview, answering, in_one_area = (
        Assessment.objects.create(
            library=library, organisation=partner, requester=funder, partnership=partnership, round=2
        )
        for library in (baseline, baseline, one_area)
    )
    for assessment in (overview, answering, in_one_area):
        _answer(assessment, list(assessment.library.requirements.all()), answerer, funder_person)
    now = timezone.now()
    Assessment.objects.filter(pk=overview.pk).update(
        status=Status.FINAL,
        submitted_at=now,
        finalised_at=now,
        final_rating="moderate",
        valid_until=add_years(timezone.localdate(), 3),
    )
    overview.refresh_from_db()
    plan = ActionPlan.start(
        organisation=funder,
        partner=partner,
        title="Action plan: partner integrity baseline — Bench Assessed Partner",
        source_kind=ActionPlan.Source.ASSESSMENT,
        source_code=overview.code,
        by=funder_person,
    )
    data = Actieplan(funder, partner, answerer, funder_person, overview, answering, in_one_area, plan)
    _add_actions(data, SMALL_ACTIONS)
    return data


def grow(data: Actieplan, requirements: int, actions: int) -> None:
    for library in {data.overview.library, data.one_area.library}:
        made = _add_requirements(library, requirements)
        for assessment in data.assessments:
            if assessment.library == library:
                _answer(assessment, made, data.answerer, data.funder_person)
    _add_actions(data, actions)
