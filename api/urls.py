"""Mounted at api/v1/. The explicit list of the API's routes; api/openapi.py documents each by its name.

Object codes are taken as plain strings and parsed in the view, so a malformed one gets the API's
JSON 404, not the HTML one of a failed URL converter.
"""

from django.urls import path

from api import ecosystem, openapi, views

app_name = "api"

urlpatterns = [
    path("openapi.json", openapi.openapi_json, name="openapi"),
    path("docs/", openapi.docs, name="docs"),
    path("organisation", views.organisation, name="organisation"),
    path("partners", views.partners, name="partners"),
    path("partnerships", views.partnerships, name="partnerships"),
    path("partnerships/<str:code>", views.partnership, name="partnership"),
    path("alliances", views.alliances, name="alliances"),
    path("alliances/<str:code>", views.alliance, name="alliance"),
    path("people", views.people, name="people"),
    path("assessments", views.assessments, name="assessments"),
    path("assessments/<str:code>", views.assessment, name="assessment"),
    path("assessments/<str:code>/answers", views.answers, name="answers"),
    path("action-plans", views.action_plans, name="action_plans"),
    path("actions", views.actions, name="actions"),
    path("actions/<str:code>", views.action, name="action"),
    path("dilemmas", views.dilemmas, name="dilemmas"),
    path("dilemmas/<str:code>", views.dilemma, name="dilemma"),
    path("guide-pages", views.guide_pages, name="guide_pages"),
    path("organisation-pages", views.organisation_pages, name="organisation_pages"),
    path("health-checks", views.health_checks, name="health_checks"),
    path("health-checks/<str:code>/rounds", views.health_rounds, name="health_rounds"),
    path("health-rounds/<str:code>", views.health_round, name="health_round"),
    path("case-statistics", views.case_statistics, name="case_statistics"),
    path("ecosystem/organisations", ecosystem.organisations, name="ecosystem_organisations"),
    path("ecosystem/organisations/<str:code>", ecosystem.organisation, name="ecosystem_organisation"),
    path("ecosystem/relations", ecosystem.relations, name="ecosystem_relations"),
    path("ecosystem/relations/<str:id>", ecosystem.relation, name="ecosystem_relation"),
]
