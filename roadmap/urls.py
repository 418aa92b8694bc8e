from django.urls import path

from roadmap import views

app_name = "roadmap"

# Mounted at o/<slug:slug>/roadmap/: every view receives the organisation's slug.
# Steps are named by their content code (a slug from the roadmap file), not by a random code:
# they are shared content, the same for every organisation.
urlpatterns = [
    path("", views.overview, name="roadmap"),
    path("overview.pdf", views.roadmap_pdf, name="roadmap_pdf"),
    path("csv/", views.roadmap_csv, name="roadmap_csv"),
    path("steps/<slug:code>/", views.step, name="step"),
    path("steps/<slug:code>/done/", views.step_done, name="step_done"),
    path("steps/<slug:code>/undo/", views.step_undo, name="step_undo"),
    path("steps/<slug:code>/action/", views.step_action, name="step_action"),
    path("steps/<slug:code>/evidence/", views.step_evidence, name="step_evidence"),
]
