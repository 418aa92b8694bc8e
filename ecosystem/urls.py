"""Mounted at o/<slug>/ecosystem/: every view receives the organisation's slug."""

from django.urls import path

from ecosystem.views import imports

app_name = "ecosystem"

urlpatterns = [
    path("imports/", imports.imports, name="imports"),
    path("imports/<uuid:code>/", imports.import_job, name="import_job"),
]
