"""Mounted at o/<slug>/power/: every view receives the organisation's slug."""

from django.urls import path

from power.views import sessions

app_name = "power"

urlpatterns = [
    path("", sessions.sessions, name="sessions"),
    path("csv/", sessions.sessions_csv, name="sessions_csv"),
    path("new/", sessions.session_new, name="session_new"),
    path("<uuid:code>/", sessions.session, name="session"),
    path("<uuid:code>/results/", sessions.results, name="results"),
    path("<uuid:code>/open/", sessions.open_session, name="open"),
    path("<uuid:code>/stage/", sessions.stage, name="stage"),
    path("<uuid:code>/decisions/", sessions.decision_add, name="decision_add"),
    path("<uuid:code>/decisions/starters/", sessions.starters, name="starters"),
    path("<uuid:code>/changes/", sessions.change_add, name="change_add"),
    path("<uuid:code>/close/", sessions.close, name="close"),
    path("<uuid:code>/summary/", sessions.summary, name="summary"),
    path("<uuid:code>/summary.pdf", sessions.summary_pdf, name="summary_pdf"),
    path("decisions/<uuid:code>/", sessions.decision_edit, name="decision_edit"),
    path("decisions/<uuid:code>/merge/", sessions.decision_merge, name="decision_merge"),
    path("decisions/<uuid:code>/remove/", sessions.decision_remove, name="decision_remove"),
    path("participants/<uuid:code>/remove/", sessions.participant_remove, name="participant_remove"),
]
