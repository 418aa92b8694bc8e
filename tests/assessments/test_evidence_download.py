"""Evidence is served only through the access check, as an attachment that browsers do not sniff."""

from assessments.models import Evidence
from audit.models import Entry, Event
from tests.assessments.helpers import PDF_BYTES, request_of, upload, url


def test_download_with_access_check(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    requirement = baseline.requirements.order_by("order").first()
    partner.client("member").post(
        url("assessment_answer", partner.org, assessment),
        {"area": requirement.area.code, f"r{requirement.pk}-evidence": upload("policy.pdf", PDF_BYTES)},
    )
    evidence = Evidence.objects.get()
    path = url("evidence_download", people.org, assessment, evidence=evidence.code)
    response = people.client("viewer").get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="policy.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Entry.objects.get(event=Event.EXPORT).detail["name"] == "policy.pdf"
    assert (
        people.client("outsider").get(url("evidence_download", "ander", assessment, evidence=evidence.code)).status_code
        == 404
    )
    other = request_of(people, partner, baseline)
    assert (
        people.client("viewer").get(url("evidence_download", people.org, other, evidence=evidence.code)).status_code
        == 404
    )
