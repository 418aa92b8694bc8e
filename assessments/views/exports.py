"""Exports of one assessment: CSV of every answer, and a printable PDF with the chart."""

import csv
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import get_assessment_for_user
from assessments.models import Assessment
from assessments.report import Row, build_report
from assessments.views.workflow import filtered_assessments
from audit.models import Event, record
from documents.background import made_in_background
from organisations.access import get_membership
from samen.csv_export import BOM, csv_response, filename, safe_cell
from samen.pdf import html_to_pdf


def _record_export(request: HttpRequest, slug: str, assessment: Assessment, kind: str) -> None:
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target=assessment.subject,
        detail={"format": kind, "organisation": assessment.organisation.slug},
    )


def _filename(assessment: Assessment, extension: str) -> str:
    return (
        f"assessment-{assessment.library.code}-{assessment.organisation.slug}-{timezone.localdate():%Y%m%d}.{extension}"
    )


def _answer_text(row: Row, other: bool = False) -> str:
    answer = row.other if other else row.answer
    if answer is None:
        return ""
    if answer.option is not None:
        return answer.option.label
    return "" if answer.level is None else str(answer.level)


@login_required
def assessment_csv(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_assessment_for_user(request, slug, code)
    assessment = access.assessment
    report = build_report(assessment)
    _record_export(request, slug, assessment, "csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(assessment, "csv")}"'
    response.write(BOM)
    writer = csv.writer(response)
    header = [_("Area"), _("Code"), _("Requirement"), _("Answer"), _("Comment"), _("Answered by"), _("Answered at")]
    header.append(_("Evidence files"))
    if assessment.is_mutual:
        header += [_("Other partner's answer"), _("Difference")]
    writer.writerow(header)
    for area in report.areas:
        for row in area.rows:
            answer = row.answer
            line = [
                area.area.name,
                row.requirement.code,
                row.requirement.text,
                _answer_text(row),
                answer.comment if answer else "",
                answer.answered_by.display_name if answer and answer.answered_by else "",
                answer.answered_at.isoformat(timespec="minutes") if answer else "",
                len(row.evidence),
            ]
            if assessment.is_mutual:
                line += [_answer_text(row, other=True), "" if row.difference is None else row.difference]
            writer.writerow([safe_cell(value) for value in line])
    return response


@login_required
@made_in_background
def assessment_pdf(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_assessment_for_user(request, slug, code)
    assessment = access.assessment
    report = build_report(assessment)
    html = render_to_string(
        "assessments/print.html",
        {"assessment": assessment, "report": report, "printed_at": timezone.now(), "viewer": access.membership},
        request=request,
    )
    pdf = html_to_pdf(html, "assessments/print.css")
    _record_export(request, slug, assessment, "pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(assessment, "pdf")}"'
    return response


@login_required
def assessments_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The assessments list as CSV: every assessment the page would show with its filters, not one page."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    _filters, found, _filtered = filtered_assessments(request, organisation)
    rows = [
        [
            a.organisation.name,
            f"{a.library.name} {a.library.version}",
            a.requester.name if a.requester else _("self-assessment"),
            a.get_status_display(),
            a.valid_until,
            _("yes") if a.organisation_id != organisation.pk and a.requester_id != organisation.pk else _("no"),
            a.created_at.date(),
        ]
        for a in found
    ]
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target="assessments",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [
        _("Organisation assessed"),
        _("Questionnaire"),
        _("Asked by"),
        _("Status"),
        _("Valid until"),
        _("Shared with you"),
        _("Created on"),
    ]
    return csv_response(filename(organisation.slug, "assessments"), header, rows)
