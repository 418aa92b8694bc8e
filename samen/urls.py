from django.contrib import admin
from django.urls import include, path

from cases.views import playbooks as case_playbooks
from samen import views

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on their own; answer without a page (a page could set a cookie).
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("", include("organisations.urls")),
    path("o/<slug:slug>/plans/", include("actions.urls")),
    path("o/<slug:slug>/documents/", include("documents.urls")),
    path("o/<slug:slug>/assessments/", include("assessments.urls")),
    path("o/<slug:slug>/speak-up/", include("speakup.urls")),
    path("speak-up/", include("speakup.public_urls")),
    path("o/<slug:slug>/guide/", include("guide.urls")),
    path("o/<slug:slug>/roadmap/", include("roadmap.urls")),
    path("o/<slug:slug>/agreements/", include("agreements.urls")),
    path("o/<slug:slug>/health/", include("health.urls")),
    path("o/<slug:slug>/cases/", include("cases.urls")),
    path("o/<slug:slug>/dilemmas/", include("dilemmas.urls")),
    path("o/<slug:slug>/sessions/", include("dialogue.urls")),
    path("join/power/", include("power.public_urls")),
    path("join/", include("dialogue.public_urls")),
    path("o/<slug:slug>/power/", include("power.urls")),
    path("o/<slug:slug>/ecosystem/map/", include("ecosystem.map_urls")),
    path("o/<slug:slug>/ecosystem/", include("ecosystem.urls")),
    path("o/<slug:slug>/insights/", include("insights.urls")),
    path("o/<slug:slug>/api-tokens/", include("api.token_urls")),
    path("o/<slug:slug>/webhooks/", include("webhooks.urls")),
    path("api/v1/", include("api.urls")),
    # The framework's case playbooks, public like the rest of the shared language.
    *case_playbooks.public_urlpatterns,
    path("framework/", include("framework.urls")),
    path("operators/", admin.site.urls),
]

handler400 = "samen.views.bad_request"
handler403 = "samen.views.permission_denied"
handler404 = "samen.views.page_not_found"
handler500 = "samen.views.server_error"
