"""Mounted at o/<slug>/ecosystem/map/: the network map, its data and exports; every view receives the slug."""

from django.urls import URLPattern

app_name = "ecosystem_map"

urlpatterns: list[URLPattern] = []
