"""Mounted at o/<slug>/insights/: every view receives the organisation's slug."""

from django.urls import path

from insights.views import dashboard, sector

app_name = "insights"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # A member's page: which networks count its figures.
    path("sharing/", sector.opt_in, name="opt_in"),
    # A network's pages.
    path("sector/", sector.sector_page, name="sector"),
    path("sector/pdf/", sector.sector_pdf, name="sector_pdf"),
    path("sector/settings/", sector.sector_settings, name="sector_settings"),
]
