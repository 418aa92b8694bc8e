"""Mounted at o/<slug>/documents/: every view receives the organisation's slug."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<uuid:code>/", views.document, name="document"),
    path("<uuid:code>/download/", views.download, name="download"),
]
