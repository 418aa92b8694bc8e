"""The OpenAPI 3 document, built from the schemas by name (api/schemas.py), the views' query parameters and
the list of operations below, and a server-rendered page of it at docs/ (no JavaScript, nothing from a CDN).

Each operation names its URL (by its name in api/urls.py), method, scope, parameters and schemas: the
same objects the views check with, so the document says what the code does.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from api import ecosystem, schemas, views
from api.listing import PAGING
from api.models import SCOPES
from api.schemas import Schema, ref

TITLE = "Samen API"
VERSION = "1.0.0"


@dataclass(frozen=True)
class Operation:
    name: str  # URL name in api/urls.py
    method: str
    scope: str
    summary: str
    response: Schema
    parameters: dict[str, Schema] = field(default_factory=dict)
    body: str = ""  # the name of the request body's schema
    status: int = 200  # of success
    note: str = ""  # added to the description


def listed(name: str) -> Schema:
    return schemas.page_of(name)


OPERATIONS = [
    Operation("organisation", "get", "organisations:read", "The token's organisation", ref("Organisation")),
    Operation("partners", "get", "organisations:read", "Partner organisations", listed("Organisation"), PAGING),
    Operation(
        "partnerships",
        "get",
        "organisations:read",
        "Partnerships of the organisation (either side)",
        listed("Partnership"),
        views.PARTNERSHIP_FILTERS,
    ),
    Operation(
        "partnerships",
        "post",
        "organisations:write",
        "Record a partnership with an organisation on Samen (partner) or a new one (new_partner)",
        ref("Partnership"),
        body="PartnershipCreate",
        status=201,
    ),
    Operation("partnership", "get", "organisations:read", "One partnership", ref("Partnership")),
    Operation(
        "partnership",
        "patch",
        "organisations:write",
        "Change a partnership",
        ref("Partnership"),
        body="PartnershipUpdate",
    ),
    Operation("alliances", "get", "organisations:read", "Alliances it leads or belongs to", listed("Alliance"), PAGING),
    Operation("alliance", "get", "organisations:read", "One alliance with its members", ref("AllianceWithMembers")),
    Operation("people", "get", "people:read", "People and their roles", listed("Person"), views.PEOPLE_FILTERS),
    Operation(
        "assessments",
        "get",
        "assessments:read",
        "Assessments of the organisation, requested by it, or shared with it by consent",
        listed("Assessment"),
        views.ASSESSMENT_FILTERS,
    ),
    Operation("assessment", "get", "assessments:read", "One assessment", ref("Assessment")),
    Operation("answers", "get", "assessments:read", "The answers of an assessment", listed("Answer"), PAGING),
    Operation("action_plans", "get", "actions:read", "Action plans it owns or co-owns", listed("ActionPlan"), PAGING),
    Operation("actions", "get", "actions:read", "Actions of those plans", listed("Action"), views.ACTION_FILTERS),
    Operation(
        "actions", "post", "actions:write", "Add an action to a plan", ref("Action"), body="ActionCreate", status=201
    ),
    Operation("action", "get", "actions:read", "One action", ref("Action")),
    Operation(
        "action",
        "patch",
        "actions:write",
        "Change an action (status, due date, title, description)",
        ref("Action"),
        body="ActionUpdate",
    ),
    Operation(
        "dilemmas",
        "get",
        "dilemmas:read",
        "The dilemma library as the organisation sees it",
        listed("Dilemma"),
        views.DILEMMA_FILTERS,
    ),
    Operation("dilemma", "get", "dilemmas:read", "One dilemma", ref("Dilemma")),
    Operation("guide_pages", "get", "guide:read", "The guide's pages", listed("GuidePage"), PAGING),
    Operation(
        "organisation_pages",
        "get",
        "guide:read",
        "The organisation's own guide pages and those shared with it",
        listed("OrganisationPage"),
        PAGING | views.UPDATED_SINCE,
    ),
    Operation(
        "health_checks",
        "get",
        "health:read",
        "Health checks of its partnerships and alliances",
        listed("HealthCheck"),
        PAGING,
    ),
    Operation("health_rounds", "get", "health:read", "Closed rounds of a health check", listed("HealthRound"), PAGING),
    Operation(
        "health_round",
        "get",
        "health:read",
        "A closed round's results per dimension (organisations with too few answers left out)",
        ref("HealthRound"),
    ),
    Operation(
        "case_statistics",
        "get",
        "cases:read",
        "Case counts of a year by category, source, outcome and open cases by phase; small counts suppressed",
        ref("CaseStatistics"),
        views.YEAR,
    ),
    Operation(
        "ecosystem_organisations",
        "get",
        "ecosystem:read",
        "Organisations in the imported IATI data (public), with the Samen organisation for the own one and partners",
        listed("EcosystemOrganisation"),
        ecosystem.ORGANISATION_FILTERS,
        note=ecosystem.NO_CHANGE_TIME,
    ),
    Operation(
        "ecosystem_organisation",
        "get",
        "ecosystem:read",
        "One IATI organisation: its names, how many relations, and the integrity overlay if it is a current partner",
        ref("EcosystemOrganisationDetail"),
    ),
    Operation(
        "ecosystem_relations",
        "get",
        "ecosystem:read",
        "Relations in the imported IATI data (public): who funds or pays whom along which activity",
        listed("EcosystemRelation"),
        ecosystem.RELATION_FILTERS,
        note=ecosystem.NO_CHANGE_TIME + " " + ecosystem.UNSTABLE_IDS,
    ),
    Operation(
        "ecosystem_relation",
        "get",
        "ecosystem:read",
        "One relation",
        ref("EcosystemRelation"),
        note=ecosystem.UNSTABLE_IDS,
    ),
]

# Path parameters by name: an object's code, or a relation's id.
PATH_PARAMETERS: dict[str, Schema] = {
    "code": {"type": "string", "format": "uuid"},
    "id": {"type": "integer", "minimum": 1, "maximum": ecosystem.MAX_ID},
}

ERRORS = {
    "400": "Bad input (malformed JSON, wrong types, unknown fields or parameters)",
    "401": "No token, or an unknown or revoked one",
    "403": "The token lacks the scope",
    "404": "No such object, or not visible to this token",
    "429": "Too many requests: wait Retry-After seconds",
}
WRITE_ERRORS = {
    "409": "Conflicts with what exists",
    "413": "The body is too large",
    "415": "The body is not application/json",
}


def _openapi_path(name: str) -> tuple[str, list[str]]:
    """The OpenAPI path of URL `api:name` ("/api/v1/actions/{code}") and its path parameters.

    Every route here takes at most one parameter: an object's `code`, or a relation's `id`.
    """
    try:
        return reverse(f"api:{name}"), []
    except NoReverseMatch:
        pass
    for parameter in PATH_PARAMETERS:
        try:
            path = reverse(f"api:{name}", kwargs={parameter: PATH_MARKER})
        except NoReverseMatch:
            continue
        return path.replace(PATH_MARKER, "{" + parameter + "}"), [parameter]
    raise NoReverseMatch(name)


# Reversed in the parameter's place, then swapped for "{code}" / "{id}": how a route becomes an OpenAPI path.
PATH_MARKER = "00000000-0000-0000-0000-000000000000"


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path, path_parameters = _openapi_path(op.name)
        parameters = [
            {"name": p, "in": "path", "required": True, "schema": PATH_PARAMETERS[p]} for p in path_parameters
        ] + [
            {"name": name, "in": "query", "required": False, "schema": schema} for name, schema in op.parameters.items()
        ]
        responses: dict[str, Any] = {
            str(op.status): {
                "description": "OK" if op.status == 200 else "Created",
                "content": {"application/json": {"schema": op.response}},
                "headers": {"ETag": {"schema": {"type": "string"}}},
            },
            **{status: _error_response(text) for status, text in ERRORS.items()},
        }
        if op.method == "get":
            responses["304"] = {"description": "Not modified: the ETag sent in If-None-Match still holds"}
        else:
            responses.update({status: _error_response(text) for status, text in WRITE_ERRORS.items()})
        responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        operation: dict[str, Any] = {
            "operationId": f"{op.method}_{op.name}",
            "summary": op.summary,
            "description": f"Scope: `{op.scope}`." + (f" {op.note}" if op.note else ""),
            "security": [{"token": []}],
            "parameters": parameters,
            "responses": responses,
            "x-scope": op.scope,
        }
        if op.body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(op.body)}}}
        paths.setdefault(path, {})[op.method] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": (
                "Tokens are made by an organisation's admins, each with scopes. Send it as "
                "`Authorization: Bearer <token>`. Lists are paged with `limit` (at most 100) and `offset`; "
                "each answer has an ETag to send back in `If-None-Match`."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas.COMPONENTS,
        },
        "paths": paths,
    }


@require_GET
def openapi_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(document(), json_dumps_params={"indent": 1})


def _describe(schema: Schema) -> str:
    """A schema in a few words for the docs page: "string (date), may be null", "list of Action", …"""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "allOf" in schema:
        return _describe(schema["allOf"][0]) + (", may be null" if schema.get("nullable") else "")
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_describe(schema['items'])}"
    text = kind
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": " + " | ".join(schema["enum"])
    if "minimum" in schema and "maximum" in schema:
        text += f", {schema['minimum']}–{schema['maximum']}"
    if schema.get("nullable"):
        text += ", may be null"
    return text


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    doc = document()
    operations = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "scope": op["x-scope"],
                    "anchor": op["operationId"],
                    "parameters": [
                        {"name": p["name"], "where": p["in"], "type": _describe(p["schema"])} for p in op["parameters"]
                    ],
                    "body": op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"),
                    "responses": [(status, r["description"]) for status, r in op["responses"].items()],
                }
            )
    for entry in operations:
        if entry["body"]:
            entry["body"] = _describe(entry["body"])
    components = [
        {
            "name": name,
            "fields": [
                {"name": field, "type": _describe(sub), "required": field in schema.get("required", [])}
                for field, sub in schema.get("properties", {}).items()
            ],
        }
        for name, schema in doc["components"]["schemas"].items()
    ]
    return render(
        request,
        "api/docs.html",
        {"doc": doc, "operations": operations, "components": components, "scopes": SCOPES},
    )
