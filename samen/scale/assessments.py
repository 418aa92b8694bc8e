"""A questionnaire of 60 requirements, assessments of partners requested by their funders, and the answers."""

from datetime import timedelta

from django.db import connection

from assessments.models import Answer, Assessment, Rating, Status
from framework.models import AssessmentLibrary, LibraryArea, MaturityLevel, Requirement, SuggestedAction
from organisations.models import Partnership
from samen.scale.common import Context, bulk, insert

SHIPPED = "partner-integrity-baseline"
LIBRARY = "sector-scale-baseline"
COMMENTS = ["", "", "", "As agreed in the last visit.", "Policy adopted by the board.", "Training planned."]
# Where the sector's assessments stand: most final or being answered.
STATUSES = [Status.FINAL] * 10 + [Status.IN_PROGRESS] * 6 + [Status.SUBMITTED] * 3 + [Status.RETURNED]
RATINGS = [Rating.LOW, Rating.LOW, Rating.MODERATE, Rating.HIGH]


def library(ctx: Context) -> None:
    """A copy of the shipped baseline with its requirements repeated up to the profile's answers per assessment."""
    shipped = AssessmentLibrary.objects.current().get(code=SHIPPED)
    made = AssessmentLibrary.objects.create(
        code=LIBRARY,
        version="1.0",
        name_nl=f"{shipped.name_nl} (sector)",
        name_en=f"{shipped.name_en} (sector)",
        description_nl=shipped.description_nl,
        description_en=shipped.description_en,
        scoring=shipped.scoring,
        validity_years=shipped.validity_years,
        target_level=shipped.target_level,
        thresholds=shipped.thresholds,
        source="generate_scale",
    )
    MaturityLevel.objects.bulk_create(
        MaturityLevel(
            library=made,
            level=lv.level,
            label_nl=lv.label_nl,
            label_en=lv.label_en,
            description_nl=lv.description_nl,
            description_en=lv.description_en,
        )
        for lv in MaturityLevel.objects.filter(library=shipped)
    )
    areas = LibraryArea.objects.bulk_create(
        LibraryArea(
            library=made,
            code=a.code,
            order=a.order,
            name_nl=a.name_nl,
            name_en=a.name_en,
            description_nl=a.description_nl,
            description_en=a.description_en,
        )
        for a in LibraryArea.objects.filter(library=shipped).order_by("order")
    )
    area_by_code = {a.code: a for a in areas}
    sources = list(
        Requirement.objects.filter(library=shipped).select_related("area").prefetch_related("suggested_actions")
    )
    sources.sort(key=lambda r: r.order)
    wanted = ctx.profile.answers_per_assessment
    requirements = bulk(
        Requirement,
        (
            Requirement(
                library=made,
                area=area_by_code[src.area.code],
                code=src.code if n < len(sources) else f"{src.code}-{n // len(sources) + 1}",
                order=n,
                text_nl=src.text_nl,
                text_en=src.text_en,
                guidance_nl=src.guidance_nl,
                guidance_en=src.guidance_en,
                evidence_examples_nl=src.evidence_examples_nl,
                evidence_examples_en=src.evidence_examples_en,
                weight=src.weight,
                answer_kind=src.answer_kind,
                topics=src.topics,
            )
            for n, src in ((n, sources[n % len(sources)]) for n in range(wanted))
        ),
    )
    bulk(
        SuggestedAction,
        (
            SuggestedAction(
                requirement=req,
                order=s.order,
                title_nl=s.title_nl,
                title_en=s.title_en,
                description_nl=s.description_nl,
                description_en=s.description_en,
            )
            for req, src in zip(requirements, (sources[n % len(sources)] for n in range(wanted)), strict=True)
            for s in src.suggested_actions.all()
        ),
    )
    ctx.library, ctx.requirements = made, requirements


def assessments(ctx: Context) -> None:
    """Assessments of partners requested through funding and implementing partnerships, each fully answered."""
    rng, now = ctx.rng, ctx.now
    links = [p for p in ctx.partnerships if p.kind != "peer"]
    chosen = rng.sample(links, min(ctx.profile.assessments, len(links)))
    chosen += rng.choices(ctx.partnerships, k=ctx.profile.assessments - len(chosen))

    def make(link: Partnership) -> Assessment:
        status = rng.choice(STATUSES)
        created = now - timedelta(days=rng.randrange(10, 1400))
        final = status == Status.FINAL
        finalised = created + timedelta(days=rng.randrange(20, 120)) if final else None
        return Assessment(
            code=ctx.uuid(),
            library=ctx.library,
            organisation_id=link.partner_id,
            requester_id=link.organisation_id,
            partnership=link,
            status=status,
            preliminary_rating=rng.choice(RATINGS) if status != Status.IN_PROGRESS else "",
            final_rating=rng.choice(RATINGS) if final else "",
            created_by=ctx.people.get((link.organisation_id, "manager")),
            created_at=created,
            submitted_at=created + timedelta(days=rng.randrange(5, 20)) if status != Status.IN_PROGRESS else None,
            finalised_at=finalised,
            valid_until=(finalised + timedelta(days=365 * ctx.library.validity_years)).date() if finalised else None,
        )

    made = ctx.assessments = bulk(Assessment, (make(link) for link in chosen))
    answerer = {p.pk: ctx.people.get((p.pk, "member")) for p in ctx.partners}
    adapt = connection.ops.adapt_datetimefield_value
    levels, weights = (0, 1, 2, 3, 4, 5), (1, 2, 4, 6, 4, 2)

    def rows(a: Assessment) -> list[tuple[object, ...]]:
        person = answerer.get(a.organisation_id)
        moments = [adapt(a.created_at + timedelta(days=1 + d)) for d in range(9)]
        return [
            (
                a.pk,
                req.pk,
                a.organisation_id,
                level,
                rng.choice(COMMENTS),
                person.pk if person else None,
                moments[n % 9],
            )
            for n, (req, level) in enumerate(
                zip(ctx.requirements, rng.choices(levels, weights=weights, k=len(ctx.requirements)), strict=True)
            )
        ]

    fields = ["assessment", "requirement", "organisation", "level", "comment", "answered_by", "answered_at"]
    insert(Answer, fields, (row for a in made for row in rows(a)))
