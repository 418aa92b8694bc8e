from django.urls import path

from actions import views

app_name = "actions"

# Mounted at o/<slug:slug>/plans/: every view receives the organisation's slug.
urlpatterns = [
    path("", views.plans, name="plans"),
    path("csv/", views.plans_csv, name="plans_csv"),
    path("new/", views.plan_add, name="plan_add"),
    path("<uuid:code>/", views.plan, name="plan"),
    path("<uuid:code>/actions/new/", views.action_add, name="action_add"),
    path("<uuid:code>/plan.csv", views.plan_csv, name="plan_csv"),
    path("<uuid:code>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("actions/<uuid:code>/", views.action, name="action"),
    path("actions/<uuid:code>/edit/", views.action_edit, name="action_edit"),
]
