"""Mounted at o/<slug>/ecosystem/map/: the network map, its data and exports; every view receives the slug."""

from django.urls import path

from ecosystem.views import map as views

app_name = "ecosystem_map"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("data.json", views.map_data, name="data"),
    path("organisations.csv", views.export_nodes, name="nodes_csv"),
    path("relations.csv", views.export_edges, name="edges_csv"),
    path("map.graphml", views.export_graphml, name="graphml"),
    path("map.svg", views.export_svg, name="svg"),
    path("figures/", views.figures, name="figures"),
]
