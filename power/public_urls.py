"""Mounted at join/power/: the pages participants of a power-awareness session reach without an account."""

from django.urls import URLPattern

app_name = "power_join"

urlpatterns: list[URLPattern] = []
