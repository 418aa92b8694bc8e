"""The API's schemas, by name: what each endpoint returns and accepts, in OpenAPI 3.0 terms.

These dicts are the one description of the API. `validate` checks request bodies against them (a small
subset of JSON Schema: the keywords used below), and api/openapi.py builds the OpenAPI document from
them and the URL list, so the document cannot drift from what the views check. The views build their
responses field by field to match (tests/api/test_schema.py has schemathesis check every response).
"""

import datetime
import re
import uuid
from typing import Any

Schema = dict[str, Any]

# ---- building blocks -----------------------------------------------------------------------------------------------


def string(max_length: int | None = None, **extra: Any) -> Schema:
    schema: Schema = {"type": "string", **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        # OpenAPI 3.0 ignores keywords beside a $ref: wrap it.
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def enum(values: list[str]) -> Schema:
    return {"type": "string", "enum": values}


def obj(properties: dict[str, Schema], *, required: list[str] | None = None, closed: bool = True) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": not closed,
    }


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


UUID = string(format="uuid")
DATE = string(format="date")
DATETIME = string(format="date-time")
COUNT = {"type": "integer", "minimum": 0}

# ---- what comes back -----------------------------------------------------------------------------------------------

ORGANISATION_KINDS = ["member", "partner", "funder", "network"]
PARTNERSHIP_KINDS = ["funding", "implementing", "peer"]
PARTNERSHIP_STATUSES = ["proposed", "active", "ended"]
ACTION_STATUSES = ["todo", "doing", "done", "dropped"]
ROLES = ["admin", "officer", "manager", "member", "viewer"]
ASSESSMENT_STATUSES = ["draft", "in_progress", "submitted", "returned", "final"]
ASSESSMENT_RELATIONS = ["assessed", "requester", "shared"]
COUNT_STATES = ["shown", "small", "hidden"]
# IATI codelists, as ecosystem/models.py keeps them.
IATI_ORGANISATION_TYPES = [
    *["10", "11", "15", "21", "22", "23", "24", "30", "40"],
    *["60", "70", "71", "72", "73", "80", "90"],
]
RELATION_KINDS = ["participation", "transaction"]
IATI_ROLE = {
    "type": "integer",
    "minimum": 1,
    "maximum": 4,
    "description": "IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing",
}
RATINGS_DESCRIPTION = "The reviewer's rating of an assessment the token's organisation may see, or empty"

OrganisationRef = obj({"code": UUID, "name": string()})

Organisation = obj(
    {
        "code": UUID,
        "slug": string(),
        "name": string(),
        "kind": enum(ORGANISATION_KINDS),
        "country": string(description="ISO 3166 alpha-2 code, or empty"),
        "size_category": string(description="CBF size category A–D, or empty"),
        "iati_identifier": string(),
        "kvk_number": string(),
        "website": string(),
    }
)

Partnership = obj(
    {
        "code": UUID,
        "organisation": ref("OrganisationRef"),
        "partner": ref("OrganisationRef"),
        "kind": enum(PARTNERSHIP_KINDS),
        "status": enum(PARTNERSHIP_STATUSES),
        "title": string(),
        "starts_on": nullable(DATE),
        "ends_on": nullable(DATE),
        "created_at": DATETIME,
    }
)

Alliance = obj(
    {
        "code": UUID,
        "name": string(),
        "lead": ref("OrganisationRef"),
        "description": string(),
        "starts_on": nullable(DATE),
        "ends_on": nullable(DATE),
    }
)

AllianceWithMembers = obj(Alliance["properties"] | {"members": array(ref("OrganisationRef"))})

Person = obj(
    {
        "code": UUID,
        "name": string(),
        "email": string(format="email"),
        "role": enum(ROLES),
        "created_at": DATETIME,
    }
)

Assessment = obj(
    {
        "code": UUID,
        "library": obj({"code": string(), "version": string(), "name": string()}),
        "organisation": ref("OrganisationRef"),
        "requester": nullable(ref("OrganisationRef")),
        "relation": enum(ASSESSMENT_RELATIONS),
        "status": enum(ASSESSMENT_STATUSES),
        "round": COUNT,
        "final_rating": string(),
        "submitted_at": nullable(DATETIME),
        "finalised_at": nullable(DATETIME),
        "valid_until": nullable(DATE),
        "created_at": DATETIME,
    }
)

Answer = obj(
    {
        "requirement": string(),
        "area": string(),
        "organisation": UUID,
        "level": nullable({"type": "integer", "minimum": 0, "maximum": 5}),
        "option": nullable(string()),
        "comment": string(),
        "answered_at": DATETIME,
    }
)

ActionPlan = obj(
    {
        "code": UUID,
        "title": string(),
        "organisation": ref("OrganisationRef"),
        "partner": nullable(ref("OrganisationRef")),
        "source_kind": string(),
        "created_at": DATETIME,
    }
)

Action = obj(
    {
        "code": UUID,
        "plan": UUID,
        "title": string(),
        "description": string(),
        "status": enum(ACTION_STATUSES),
        "dropped_reason": string(),
        "due_on": nullable(DATE),
        "requirement": nullable(string()),
        "created_at": DATETIME,
        "updated_at": DATETIME,
    }
)

Dilemma = obj(
    {
        "code": UUID,
        "organisation": nullable(ref("OrganisationRef")),
        "languages": string(),
        "context": string(),
        "title_nl": string(),
        "title_en": string(),
        "situation_nl": string(),
        "situation_en": string(),
        "question_nl": string(),
        "question_en": string(),
        "published_at": nullable(DATETIME),
        "updated_at": DATETIME,
    }
)

GuidePage = obj(
    {
        "slug": string(),
        "section": string(),
        "version": string(),
        "title_nl": string(),
        "title_en": string(),
        "summary_nl": string(),
        "summary_en": string(),
        "body_nl": string(description="Markdown"),
        "body_en": string(description="Markdown"),
    }
)

OrganisationPage = obj(
    {
        "code": UUID,
        "organisation": ref("OrganisationRef"),
        "title": string(),
        "summary": string(),
        "body": string(description="Markdown"),
        "updated_at": DATETIME,
    }
)

HealthCheck = obj(
    {
        "code": UUID,
        "title": string(),
        "kind": enum(["informal", "formal"]),
        "organisation": ref("OrganisationRef"),
        "partnership": nullable(UUID),
        "alliance": nullable(UUID),
        "interval_months": COUNT,
        "next_due_on": DATE,
    }
)

Tally = obj({"green": COUNT, "amber": COUNT, "red": COUNT})

HealthRound = obj(
    {
        "code": UUID,
        "number": COUNT,
        "opened_at": DATETIME,
        "closed_at": nullable(DATETIME),
        "dimensions": array(
            obj(
                {
                    "dimension": string(),
                    "overall": nullable(ref("Tally")),
                },
            )
        ),
    }
)

CountCell = obj(
    {
        "count": nullable(COUNT),
        "state": enum(COUNT_STATES),
    }
)

Breakdown = obj(
    {
        "rows": array(obj({"key": string(), "cell": ref("CountCell")})),
        "total": ref("CountCell"),
    }
)

CaseStatistics = obj(
    {
        "year": {"type": "integer"},
        "minimum_group_size": COUNT,
        "is_complete": {"type": "boolean"},
        "received": ref("CountCell"),
        "open_at_end": ref("CountCell"),
        "by_category": ref("Breakdown"),
        "by_source": ref("Breakdown"),
        "by_research_category": ref("Breakdown"),
        "outcomes": ref("Breakdown"),
        "open_by_phase": ref("Breakdown"),
    }
)

EcosystemOrganisationRef = obj({"code": UUID, "identifier": string(), "name": string()})

EcosystemOrganisation = obj(
    {
        "code": UUID,
        "identifier": string(description="IATI organisation identifier, normalised; empty when published by name only"),
        "name": string(),
        "type": string(description="IATI OrganisationType code, or empty"),
        "samen_organisation": nullable(ref("OrganisationRef"))
        | {"description": "Only for the token's own organisation and its current partners, as on the map"},
    }
)

Integrity = obj(
    {
        "assessed": {"type": "boolean", "description": "Has a current (final, still valid) assessment"},
        "tier": string(description=RATINGS_DESCRIPTION),
        "open_actions": COUNT,
        "overdue_actions": COUNT,
        "agreement": {"type": "boolean", "description": "An integrity agreement of the partnership is in place"},
        "channel": {"type": "boolean", "description": "Has an open speak-up channel (its own or its alliance's)"},
    }
)

EcosystemOrganisationDetail = obj(
    EcosystemOrganisation["properties"]
    | {
        "names": array(obj({"language": string(), "name": string()})),
        "relations": obj({"outgoing": COUNT, "incoming": COUNT}),
        "integrity": nullable(ref("Integrity"))
        | {"description": "The map's integrity overlay: only for a current partner of the token's organisation"},
    }
)

EcosystemRelation = obj(
    {
        "id": {"type": "integer", "minimum": 1, "description": "Changes when the activity is imported again"},
        "kind": enum(RELATION_KINDS),
        "activity": obj({"code": UUID, "iati_identifier": string(), "title": string()}),
        "source": ref("EcosystemOrganisationRef"),
        "target": ref("EcosystemOrganisationRef"),
        "source_role": nullable(IATI_ROLE),
        "target_role": nullable(IATI_ROLE),
        "transaction_type": string(description="IATI TransactionType code (transactions), or empty"),
        "amount": nullable(string(description="A decimal number, as text")),
        "currency": string(),
        "start": nullable(DATE),
        "end": nullable(DATE),
    }
)

Error = obj(
    {
        "error": obj(
            {
                "code": string(),
                "message": string(),
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            }
        )
    }
)

# ---- what goes in --------------------------------------------------------------------------------------------------

PartnershipCreate = obj(
    {
        "partner": UUID,
        "new_partner": obj(
            {
                "name": string(200, minLength=1),
                "country": string(2),
                "kind": enum(ORGANISATION_KINDS),
            },
            required=["name"],
        ),
        "kind": enum(PARTNERSHIP_KINDS),
        "status": enum(PARTNERSHIP_STATUSES),
        "title": string(200),
        "starts_on": nullable(DATE),
        "ends_on": nullable(DATE),
    },
    required=["kind"],
)

PartnershipUpdate = obj(
    {
        "kind": enum(PARTNERSHIP_KINDS),
        "status": enum(PARTNERSHIP_STATUSES),
        "title": string(200),
        "starts_on": nullable(DATE),
        "ends_on": nullable(DATE),
    },
    required=[],
)

ActionCreate = obj(
    {
        "plan": UUID,
        "title": string(300, minLength=1),
        "description": string(10_000),
        "due_on": nullable(DATE),
    },
    required=["plan", "title"],
)

ActionUpdate = obj(
    {
        "title": string(300, minLength=1),
        "description": string(10_000),
        "due_on": nullable(DATE),
        "status": enum(ACTION_STATUSES),
        "dropped_reason": string(10_000),
    },
    required=[],
)

# Every named schema, for the document's components (and the targets of `ref`).
COMPONENTS: dict[str, Schema] = {
    "OrganisationRef": OrganisationRef,
    "Organisation": Organisation,
    "Partnership": Partnership,
    "Alliance": Alliance,
    "AllianceWithMembers": AllianceWithMembers,
    "Person": Person,
    "Assessment": Assessment,
    "Answer": Answer,
    "ActionPlan": ActionPlan,
    "Action": Action,
    "Dilemma": Dilemma,
    "GuidePage": GuidePage,
    "OrganisationPage": OrganisationPage,
    "HealthCheck": HealthCheck,
    "Tally": Tally,
    "HealthRound": HealthRound,
    "CountCell": CountCell,
    "Breakdown": Breakdown,
    "CaseStatistics": CaseStatistics,
    "EcosystemOrganisationRef": EcosystemOrganisationRef,
    "EcosystemOrganisation": EcosystemOrganisation,
    "Integrity": Integrity,
    "EcosystemOrganisationDetail": EcosystemOrganisationDetail,
    "EcosystemRelation": EcosystemRelation,
    "Error": Error,
    "PartnershipCreate": PartnershipCreate,
    "PartnershipUpdate": PartnershipUpdate,
    "ActionCreate": ActionCreate,
    "ActionUpdate": ActionUpdate,
}


def page_of(name: str) -> Schema:
    """A page of a list: its items and the address of the next page (null on the last)."""
    return obj({"results": array(ref(name)), "next": nullable(string(format="uri-reference"))})


# ---- checking what comes in ----------------------------------------------------------------------------------------


def validate(data: Any, schema: Schema, path: str = "") -> tuple[dict[str, Any], dict[str, str]]:
    """`data` checked against `schema`: (the value with dates and UUIDs parsed, {field path: problem}).

    Knows the keywords the schemas above use: type object/string/integer/boolean, properties,
    required, additionalProperties false, enum, maxLength, minLength, nullable, format date/uuid.
    """
    errors: dict[str, str] = {}
    value = _check(data, schema, path, errors)
    return value, errors


def _check(data: Any, schema: Schema, path: str, errors: dict[str, str]) -> Any:
    where = path or "body"
    if "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    if data is None:
        if not schema.get("nullable"):
            errors[where] = "May not be null."
        return None
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(data, dict):
            errors[where] = "Must be an object."
            return None
        properties = schema.get("properties", {})
        result = {}
        for name in data:
            if name not in properties and not schema.get("additionalProperties", True):
                errors[f"{path}.{name}" if path else name] = "Unknown field."
        for name in schema.get("required", []):
            if name not in data:
                errors[f"{path}.{name}" if path else name] = "This field is required."
        for name, sub in properties.items():
            if name in data:
                result[name] = _check(data[name], sub, f"{path}.{name}" if path else name, errors)
        return result
    if kind == "string":
        if not isinstance(data, str):
            errors[where] = "Must be a string."
            return None
        if "enum" in schema and data not in schema["enum"]:
            errors[where] = f"Must be one of: {', '.join(schema['enum'])}."
        elif len(data) > schema.get("maxLength", len(data)):
            errors[where] = f"At most {schema['maxLength']} characters."
        elif len(data) < schema.get("minLength", 0) or (schema.get("minLength") and not data.strip()):
            errors[where] = "May not be empty."
        elif schema.get("format") == "date":
            # fromisoformat also takes "20260131" and week dates; the schema promises YYYY-MM-DD only.
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", data):
                errors[where] = "Must be a date as YYYY-MM-DD."
                return None
            try:
                return datetime.date.fromisoformat(data)
            except ValueError:
                errors[where] = "Must be a date as YYYY-MM-DD."
        elif schema.get("format") == "uuid":
            try:
                return uuid.UUID(data)
            except ValueError:
                errors[where] = "Must be a UUID."
        return data
    if kind == "integer":
        if not isinstance(data, int) or isinstance(data, bool):
            errors[where] = "Must be an integer."
        return data
    if kind == "boolean":
        if not isinstance(data, bool):
            errors[where] = "Must be true or false."
        return data
    return data
