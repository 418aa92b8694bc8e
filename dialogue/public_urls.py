"""Mounted at join/: the pages participants reach without an account."""

from django.urls import URLPattern

app_name = "join"

urlpatterns: list[URLPattern] = []
