from django.urls import path

from framework import views

app_name = "framework"

urlpatterns = [
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("taxonomy/<slug:code>/", views.violation_type, name="violation_type"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/<slug:slug>/", views.term, name="term"),
    path("libraries/", views.libraries, name="libraries"),
    path("libraries/<slug:code>/", views.library, name="library"),
]
