"""Mounted at o/<slug>/webhooks/: every view receives the organisation's slug."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("<uuid:code>/", views.endpoint, name="endpoint"),
    path("<uuid:code>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("<uuid:code>/secret/", views.endpoint_secret, name="endpoint_secret"),
    path("<uuid:code>/switch/", views.endpoint_switch, name="endpoint_switch"),
    path("<uuid:code>/test/", views.endpoint_test, name="endpoint_test"),
    path("<uuid:code>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("<uuid:code>/deliveries/<uuid:delivery>/retry/", views.delivery_retry, name="delivery_retry"),
]
