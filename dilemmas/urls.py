"""Mounted at o/<slug>/dilemmas/: every view receives the organisation's slug."""

from django.urls import path

from dilemmas.views import exports, library, sharing, writing

app_name = "dilemmas"

urlpatterns = [
    path("", library.library, name="library"),
    path("csv/", exports.library_csv, name="library_csv"),
    path("ours/", library.ours, name="ours"),
    path("ours/csv/", exports.ours_csv, name="ours_csv"),
    path("new/", writing.dilemma_form, name="new"),
    path("<uuid:code>/", library.dilemma, name="dilemma"),
    path("<uuid:code>/edit/", writing.dilemma_form, name="edit"),
    path("<uuid:code>/delete/", writing.delete, name="delete"),
    path("<uuid:code>/submit/", writing.submit, name="submit"),
    path("<uuid:code>/check/", writing.check, name="check"),
    path("<uuid:code>/check/<uuid:flag>/", writing.resolve, name="resolve"),
    path("<uuid:code>/review/", writing.review, name="review"),
    path("<uuid:code>/share/", sharing.share, name="share"),
    path("<uuid:code>/share/<uuid:consent>/revoke/", sharing.unshare, name="unshare"),
    path("editors/", sharing.editors, name="editors"),
    path("editors/<uuid:code>/", sharing.editor_review, name="editor_review"),
]
