"""Mounted at o/<slug>/sessions/: every view receives the organisation's slug."""

from django.urls import path

from dialogue.views import reports, run, sessions

app_name = "dialogue"

urlpatterns = [
    path("", sessions.sessions, name="sessions"),
    path("csv/", sessions.sessions_csv, name="sessions_csv"),
    path("new/", sessions.new, name="new"),
    path("<uuid:code>/", sessions.compose, name="compose"),
    path("<uuid:code>/dilemmas/", sessions.add_item, name="add_item"),
    path("<uuid:code>/dilemmas/<uuid:item>/move/", sessions.move_item, name="move_item"),
    path("<uuid:code>/dilemmas/<uuid:item>/remove/", sessions.remove_item, name="remove_item"),
    path("<uuid:code>/start/", sessions.start, name="start"),
    path("<uuid:code>/run/", run.control, name="run"),
    path("<uuid:code>/run/live/", run.live, name="live"),
    path("<uuid:code>/screen/", run.screen, name="screen"),
    path("<uuid:code>/run/steer/", run.steer, name="steer"),
    path("<uuid:code>/records/", run.record, name="record"),
    path("<uuid:code>/participants/remove/", run.remove_participant, name="remove_participant"),
    path("<uuid:code>/close/", run.close, name="close"),
    path("<uuid:code>/report/", reports.report, name="report"),
    path("<uuid:code>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("<uuid:code>/records/<uuid:record>/action/", reports.record_action, name="record_action"),
    path("<uuid:code>/records/<uuid:record>/dilemma/", reports.record_dilemma, name="record_dilemma"),
]
