"""Mounted at o/<slug>/insights/: every view receives the organisation's slug."""

from django.urls import URLPattern

app_name = "insights"

urlpatterns: list[URLPattern] = []
