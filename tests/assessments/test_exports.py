"""Exports: CSV of every answer, and a PDF with the chart; both recorded in the audit log."""

import csv
import io

from assessments.models import Assessment
from audit.models import Entry, Event
from tests.assessments.helpers import answer_all, make_final, request_of, url


def test_csv_has_every_requirement_and_is_formula_safe(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    answer_all(assessment, partner.org, partner.member, level=2)
    first = assessment.answers.order_by("requirement__order").first()
    assert first is not None
    assessment.answer(first.requirement, organisation=partner.org, by=partner.member, level=2, comment="=HYPERLINK(1)")
    response = people.client("viewer").get(url("assessment_csv", people.org, assessment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="assessment-partner-integrity-baseline')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Area", "Code", "Requirement", "Answer"]
    assert len(rows) == 1 + baseline.requirements.count()
    assert "'=HYPERLINK(1)" in [cell for row in rows for cell in row]
    assert Entry.objects.get(event=Event.EXPORT).detail["format"] == "csv"


def test_pdf_is_a_pdf(people, partner, baseline):
    assessment = make_final(request_of(people, partner, baseline))
    answer = Assessment.objects.get(pk=assessment.pk)
    response = people.client("member").get(url("assessment_pdf", people.org, answer))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Entry.objects.get(event=Event.EXPORT).detail["format"] == "pdf"


def test_outsiders_export_nothing(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    for name in ("assessment_csv", "assessment_pdf"):
        assert people.client("outsider").get(url(name, "ander", assessment)).status_code == 404
