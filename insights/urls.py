"""Mounted at o/<slug>/insights/: every view receives the organisation's slug."""

from django.urls import path

from insights.views import dashboard

app_name = "insights"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]
