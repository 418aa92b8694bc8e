from django.urls import path

from health import views

app_name = "health"

# Mounted at o/<slug:slug>/health/: every view receives the organisation's slug.
urlpatterns = [
    path("", views.checks, name="checks"),
    path("csv/", views.checks_csv, name="checks_csv"),
    path("new/", views.check_new, name="check_new"),
    path("<uuid:code>/", views.check, name="check"),
    path("<uuid:code>/rounds/new/", views.round_new, name="round_new"),
    path("rounds/<uuid:code>/", views.round_detail, name="round"),
    path("rounds/<uuid:code>/answer/", views.round_answer, name="round_answer"),
    path("rounds/<uuid:code>/invite/", views.round_invite, name="round_invite"),
    path("rounds/<uuid:code>/close/", views.round_close, name="round_close"),
    path("rounds/<uuid:code>/review/", views.round_review, name="round_review"),
    path("rounds/<uuid:code>/actions/", views.round_action, name="round_action"),
]
