"""Mounted at o/<slug>/webhooks/: every view receives the organisation's slug."""

from django.urls import URLPattern

app_name = "webhooks"

urlpatterns: list[URLPattern] = []
