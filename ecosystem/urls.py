"""Mounted at o/<slug>/ecosystem/: every view receives the organisation's slug."""

from django.urls import URLPattern

app_name = "ecosystem"

urlpatterns: list[URLPattern] = []
