"""Mounted at o/<slug>/sessions/: every view receives the organisation's slug."""

from django.urls import URLPattern

app_name = "dialogue"

urlpatterns: list[URLPattern] = []
