"""Mounted at o/<slug>/assessments/: every view receives the organisation's slug."""

from django.urls import path

from assessments.views import exports, passport, workflow

app_name = "assessments"

urlpatterns = [
    path("", workflow.assessments, name="assessments"),
    path("csv/", exports.assessments_csv, name="assessments_csv"),
    path("new/", workflow.assessment_request, name="assessment_request"),
    path("<uuid:code>/", workflow.assessment, name="assessment"),
    path("<uuid:code>/answer/", workflow.assessment_answer, name="assessment_answer"),
    path("<uuid:code>/submit/", workflow.assessment_submit, name="assessment_submit"),
    path("<uuid:code>/review/", workflow.assessment_review, name="assessment_review"),
    path("<uuid:code>/evidence/<uuid:evidence>/", workflow.evidence_download, name="evidence_download"),
    path("<uuid:code>/plan/", workflow.assessment_plan, name="assessment_plan"),
    path("<uuid:code>/share/", passport.assessment_share, name="assessment_share"),
    path("<uuid:code>/accept/", passport.assessment_accept, name="assessment_accept"),
    path("<uuid:code>/compare/", passport.assessment_compare, name="assessment_compare"),
    path("<uuid:code>/export.csv", exports.assessment_csv, name="assessment_csv"),
    path("<uuid:code>/export.pdf", exports.assessment_pdf, name="assessment_pdf"),
]
