"""Small builders shared by the assessments tests: a partner with people, assessments, answers."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import Answer, Assessment, Status, add_years
from framework.models import AssessmentLibrary, LibraryArea, MaturityLevel, Requirement
from organisations.models import Membership, Organisation, Partnership, Role
from tests.conftest import make_user


@dataclass
class Partner:
    org: Organisation
    partnership: Partnership
    admin: User
    member: User
    viewer: User

    def client(self, persona: str) -> Client:
        client = Client()
        client.force_login(getattr(self, persona))
        return client


def make_partner(people, name: str = "Kampala Women's Network", slug: str = "kampala") -> Partner:
    org = Organisation.objects.create(slug=slug, name=name, kind=Organisation.Kind.PARTNER, country="UG")
    users = {}
    for role in ("admin", "member", "viewer"):
        user = make_user(f"{role}@{slug}.example", two_factor=role == "admin", name=f"{slug.title()} {role}")
        user.language = "en"
        user.save(update_fields=["language"])
        Membership.objects.create(user=user, organisation=org, role=Role(role))
        users[role] = user
    partnership = Partnership.objects.create(organisation=people.org, partner=org, kind=Partnership.Kind.FUNDING)
    return Partner(org=org, partnership=partnership, **users)


def url(name: str, org: Organisation | str, assessment: Assessment | None = None, **kwargs: object) -> str:
    slug = org if isinstance(org, str) else org.slug
    if assessment is not None:
        kwargs["code"] = assessment.code
    return reverse(f"assessments:{name}", kwargs={"slug": slug, **kwargs})


def request_of(people, partner: Partner, library: AssessmentLibrary, **fields: object) -> Assessment:
    return Assessment.objects.create(
        library=library,
        organisation=partner.org,
        requester=people.org,
        partnership=partner.partnership,
        created_by=people.manager,
        **fields,
    )


def answer_all(assessment: Assessment, organisation: Organisation, by: User, level: int = 3, **levels: int) -> None:
    """Answer every requirement at `level` (maturity) or with the option of that order; `levels` by code."""
    for requirement in Requirement.objects.filter(library=assessment.library).prefetch_related("options"):
        value = levels.get(requirement.code, level)
        if requirement.answer_kind == Requirement.AnswerKind.MATURITY:
            assessment.answer(requirement, organisation=organisation, by=by, level=value)
        else:
            options = list(requirement.options.all())
            assessment.answer(
                requirement, organisation=organisation, by=by, option=options[min(value, len(options) - 1)]
            )


def make_final(assessment: Assessment, days_ago: int = 0) -> Assessment:
    """Skip the workflow: a final assessment, as if finalised `days_ago`."""
    when = timezone.now() - timedelta(days=days_ago)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.FINAL,
        submitted_at=when,
        finalised_at=when,
        final_rating="low",
        valid_until=add_years(timezone.localdate(when), assessment.library.validity_years),
    )
    assessment.refresh_from_db()
    return assessment


def small_library(code: str = "tiny", requirements: int = 4, areas: int = 2, version: str = "1.0") -> AssessmentLibrary:
    """A maturity library built directly with the models: `requirements` spread over `areas`."""
    library = AssessmentLibrary.objects.create(
        code=code,
        version=version,
        name_nl="Klein",
        name_en="Tiny check",
        description_nl="-",
        description_en="-",
        scoring=AssessmentLibrary.Scoring.MATURITY,
        source="test",
    )
    for level in range(6):
        MaturityLevel.objects.create(
            library=library,
            level=level,
            label_nl=f"N{level}",
            label_en=f"Level {level}",
            description_nl="-",
            description_en=f"What level {level} means",
        )
    made = [
        LibraryArea.objects.create(
            library=library, code=f"area-{n}", order=n, name_nl=f"Gebied {n}", name_en=f"Area {n}"
        )
        for n in range(areas)
    ]
    for n in range(requirements):
        Requirement.objects.create(
            library=library,
            area=made[n % areas],
            code=f"req-{n}",
            order=n,
            text_nl=f"Eis {n}",
            text_en=f"Requirement {n}",
        )
    return library


def level_of(assessment: Assessment, code: str, organisation: Organisation | None = None) -> int | None:
    answer = Answer.objects.filter(
        assessment=assessment, requirement__code=code, organisation=organisation or assessment.organisation
    ).first()
    return answer.level if answer else None


PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def query_count(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as context:
        client.get(path)
    return len(context.captured_queries)
