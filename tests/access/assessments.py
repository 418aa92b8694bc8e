"""Access-matrix rows for the assessments app.

Each kwargs callable builds what its row needs around the personas of `hulp`:
- a self-assessment of Hulp (Hulp answers, its officers, managers and admins review),
- an assessment Hulp requested of a partner (Hulp reads and reviews, never answers),
- an assessment of Ander Fonds shared with Hulp by consent (Hulp reads and may accept it).
The outsider is an admin of Ander Fonds: Hulp's pages answer it 404 whatever Ander shares.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from assessments.models import Assessment, Evidence, Status, add_years
from framework.models import AssessmentLibrary, LibraryArea, MaturityLevel, Requirement
from organisations.models import Consent, Organisation, Partnership
from tests.access.rows import Row, org_page, same, statuses

WRITERS = statuses(anonymous=302, outsider=404, viewer=403, member=200, manager=200, officer=200, admin=200)
WRITERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=302, manager=302, officer=302, admin=302)
REVIEWERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=200, admin=200)
REVIEWERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=302, admin=302)
MANAGERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=403, admin=200)
MANAGERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=403, admin=302)
NOBODY = same(403, anonymous=302, outsider=404)


def library() -> AssessmentLibrary:
    found = AssessmentLibrary.objects.filter(code="matrix-check").first()
    if found:
        return found
    made = AssessmentLibrary.objects.create(
        code="matrix-check",
        version="1.0",
        name_nl="Check",
        name_en="Check",
        description_nl="-",
        description_en="-",
        scoring=AssessmentLibrary.Scoring.MATURITY,
        source="matrix",
    )
    for level in range(6):
        MaturityLevel.objects.create(
            library=made, level=level, label_nl=str(level), label_en=str(level), description_nl="-", description_en="-"
        )
    area = LibraryArea.objects.create(library=made, code="policy", name_nl="Beleid", name_en="Policy")
    Requirement.objects.create(library=made, area=area, code="code-of-conduct", text_nl="Code", text_en="Code")
    return made


def requirement() -> Requirement:
    return library().requirements.get()


def partner(world) -> Organisation:
    return world.partner  # Kampala Women's Network, funded by Hulp (tests/access/world.py)


def self_assessment(world, status: str = Status.IN_PROGRESS, answered: bool = False) -> Assessment:
    assessment = Assessment.objects.create(library=library(), organisation=world.org, created_by=world.people.manager)
    if answered or status != Status.IN_PROGRESS:
        assessment.answer(requirement(), organisation=world.org, by=world.people.member, level=2)
    return _set_status(assessment, status)


def _set_status(assessment: Assessment, status: str) -> Assessment:
    now = timezone.now()
    fields: dict[str, object] = {"status": status}
    if status in (Status.SUBMITTED, Status.FINAL):
        fields["submitted_at"] = now
    if status == Status.FINAL:
        fields.update(finalised_at=now, final_rating="low", valid_until=add_years(timezone.localdate(), 3))
    Assessment.objects.filter(pk=assessment.pk).update(**fields)
    assessment.refresh_from_db()
    return assessment


def requested(world, status: str = Status.IN_PROGRESS) -> Assessment:
    partnership = Partnership.objects.get(organisation=world.org, partner=world.partner)
    assessment = Assessment.objects.create(
        library=library(), organisation=world.partner, requester=world.org, partnership=partnership
    )
    return _set_status(assessment, status)


def shared_with_hulp(world) -> Assessment:
    ander = world.people.other_org
    assessment = _set_status(Assessment.objects.create(library=library(), organisation=ander), Status.FINAL)
    Consent.objects.create(
        organisation=ander,
        subject=assessment.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=world.org,
        given_by=world.people.outsider,
    )
    return assessment


def at(assessment: Assessment, world) -> dict[str, object]:
    return {"slug": world.org.slug, "code": assessment.code}


def evidence(world) -> dict[str, object]:
    assessment = self_assessment(world)
    item = Evidence(
        assessment=assessment,
        requirement=requirement(),
        organisation=world.org,
        original_name="policy.txt",
        content_type="text/plain",
        size=6,
        uploaded_by=world.people.member,
    )
    item.file.save("policy.txt", ContentFile(b"policy"), save=False)
    item.save()
    return {"slug": world.org.slug, "code": assessment.code, "evidence": item.code}


def answer_data(world) -> dict[str, object]:
    return {"area": "policy", f"r{requirement().pk}-answer": "3", "save": "1"}


def share_data(world) -> dict[str, object]:
    return {"scope": "organisation", "to_organisation": str(world.people.other_org.code), "q": "ander"}


ROWS = [
    Row("assessments:assessments", org_page(), kwargs=lambda w: {"slug": w.org.slug}, query="?show=of_us&status=final"),
    Row("assessments:assessments_csv", org_page(), kwargs=lambda w: {"slug": w.org.slug}, query="?show=of_us"),
    Row("assessments:assessment_request", MANAGERS, kwargs=lambda w: {"slug": w.org.slug}),
    Row(
        "assessments:assessment_request",
        MANAGERS_POST,
        kwargs=lambda w: {"slug": w.org.slug},
        method="post",
        data=lambda w: {"library": library().code, "partnership": str(w.partnership.code)},
    ),
    Row("assessments:assessment", org_page(), kwargs=lambda w: at(self_assessment(w), w), note="own"),
    Row("assessments:assessment", org_page(), kwargs=lambda w: at(requested(w), w), note="requested"),
    Row("assessments:assessment", org_page(), kwargs=lambda w: at(shared_with_hulp(w), w), note="shared"),
    Row("assessments:assessment_answer", WRITERS, kwargs=lambda w: at(self_assessment(w), w)),
    Row(
        "assessments:assessment_answer",
        WRITERS_POST,
        kwargs=lambda w: at(self_assessment(w), w),
        method="post",
        data=answer_data,
    ),
    Row(
        "assessments:assessment_answer",
        same(400, anonymous=302, outsider=404, viewer=403),
        kwargs=lambda w: at(self_assessment(w, Status.SUBMITTED), w),
        method="post",
        data=answer_data,
        note="submitted: refused",
    ),
    Row("assessments:assessment_answer", NOBODY, kwargs=lambda w: at(requested(w), w), note="requester never answers"),
    Row("assessments:assessment_answer", NOBODY, kwargs=lambda w: at(shared_with_hulp(w), w), note="shared"),
    Row("assessments:assessment_submit", WRITERS, kwargs=lambda w: at(self_assessment(w, answered=True), w)),
    Row(
        "assessments:assessment_submit",
        WRITERS_POST,
        kwargs=lambda w: at(self_assessment(w, answered=True), w),
        method="post",
    ),
    Row("assessments:assessment_review", REVIEWERS, kwargs=lambda w: at(self_assessment(w, Status.SUBMITTED), w)),
    Row(
        "assessments:assessment_review",
        REVIEWERS,
        kwargs=lambda w: at(requested(w, Status.SUBMITTED), w),
        note="requested",
    ),
    Row(
        "assessments:assessment_review",
        REVIEWERS_POST,
        kwargs=lambda w: at(requested(w, Status.SUBMITTED), w),
        method="post",
        data=lambda w: {"comment": "Thank you", "decision": "return"},
    ),
    Row("assessments:assessment_review", NOBODY, kwargs=lambda w: at(shared_with_hulp(w), w), note="shared"),
    Row("assessments:evidence_download", org_page(), kwargs=evidence),
    Row("assessments:assessment_plan", REVIEWERS, kwargs=lambda w: at(requested(w, Status.FINAL), w)),
    Row(
        "assessments:assessment_plan",
        REVIEWERS_POST,
        kwargs=lambda w: at(requested(w, Status.FINAL), w),
        method="post",
    ),
    Row("assessments:assessment_plan", NOBODY, kwargs=lambda w: at(shared_with_hulp(w), w), note="shared"),
    Row("assessments:assessment_share", MANAGERS, kwargs=lambda w: at(self_assessment(w, Status.FINAL), w)),
    Row(
        "assessments:assessment_share",
        MANAGERS_POST,
        kwargs=lambda w: at(self_assessment(w, Status.FINAL), w),
        method="post",
        data=share_data,
    ),
    Row("assessments:assessment_share", NOBODY, kwargs=lambda w: at(requested(w, Status.FINAL), w), note="requested"),
    Row("assessments:assessment_accept", MANAGERS, kwargs=lambda w: at(shared_with_hulp(w), w)),
    Row("assessments:assessment_accept", MANAGERS_POST, kwargs=lambda w: at(shared_with_hulp(w), w), method="post"),
    Row("assessments:assessment_accept", NOBODY, kwargs=lambda w: at(requested(w, Status.FINAL), w), note="requested"),
    Row("assessments:assessment_compare", org_page(), kwargs=lambda w: at(self_assessment(w, Status.FINAL), w)),
    Row("assessments:assessment_csv", org_page(), kwargs=lambda w: at(requested(w, Status.FINAL), w)),
    Row("assessments:assessment_pdf", org_page(), kwargs=lambda w: at(shared_with_hulp(w), w)),
]
