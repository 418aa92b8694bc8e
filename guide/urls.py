"""Mounted at o/<slug>/guide/: every view receives the organisation's slug."""

from django.urls import path

from guide import views

app_name = "guide"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("csv/", views.guide_csv, name="guide_csv"),
    path("pages/<slug:page>/", views.page, name="page"),
    path("own/new/", views.page_form, name="page_add"),
    path("own/<uuid:code>/", views.organisation_page, name="organisation_page"),
    path("own/<uuid:code>/edit/", views.page_form, name="page_edit"),
    path("own/<uuid:code>/delete/", views.page_delete, name="page_delete"),
    path("own/<uuid:code>/share/", views.page_share, name="page_share"),
]
