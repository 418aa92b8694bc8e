"""Mounted at o/<slug>/power/: every view receives the organisation's slug."""

from django.urls import URLPattern

app_name = "power"

urlpatterns: list[URLPattern] = []
