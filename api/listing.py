"""Query parameters, pages of lists and ETags: the same for every endpoint.

A list is paged by `limit` (1 to MAX_LIMIT) and `offset`; a page reads limit + 1 rows to know whether
there is a next one, so no COUNT runs over the whole list. Every GET answers with an ETag of its
body; a client that sends it back in If-None-Match gets 304 without the body, which is how a sync
asks "anything new?" cheaply. Lists of things that keep a change time also take `updated_since`.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.dateparse import parse_datetime

from api.decorators import ApiError
from api.schemas import Schema, enum

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
# An offset past this is refused rather than scanned: page by a filter (updated_since) instead.
MAX_OFFSET = 1_000_000

PAGING: dict[str, Schema] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
}
UPDATED_SINCE: dict[str, Schema] = {
    "updated_since": {"type": "string", "format": "date-time", "description": "Only what changed at or after this"}
}


def filters(**choices: list[str]) -> dict[str, Schema]:
    return {name: enum(values) for name, values in choices.items()}


def params(request: HttpRequest, spec: dict[str, Schema]) -> dict[str, Any]:
    """The query parameters `spec` names, checked and parsed; unknown or bad ones give 400 with the fields."""
    query: QueryDict = request.GET
    errors: dict[str, str] = {}
    values: dict[str, Any] = {name: schema["default"] for name, schema in spec.items() if "default" in schema}
    for name in query:
        if name not in spec:
            errors[name] = "Unknown parameter."
            continue
        raw, schema = str(query[name]), spec[name]
        if len(query.getlist(name)) > 1:
            errors[name] = "Give this parameter once."
        elif schema["type"] == "integer":
            try:
                number = int(raw)
            except ValueError:
                errors[name] = "Must be an integer."
                continue
            if not schema.get("minimum", number) <= number <= schema.get("maximum", number):
                errors[name] = f"Must be from {schema['minimum']} to {schema['maximum']}."
            else:
                values[name] = number
        elif "enum" in schema:
            if raw not in schema["enum"]:
                errors[name] = f"Must be one of: {', '.join(schema['enum'])}."
            else:
                values[name] = raw
        elif schema.get("format") == "uuid":
            try:
                values[name] = uuid.UUID(raw)
            except ValueError:
                errors[name] = "Must be a UUID."
        elif schema.get("format") == "date-time":
            try:
                moment = parse_datetime(raw)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                errors[name] = "Must be a date and time with a time zone, e.g. 2026-01-31T12:00:00Z."
            else:
                try:
                    # In UTC: PostgreSQL refuses offsets Python allows (up to ±24 h), and UTC is what is stored.
                    values[name] = moment.astimezone(UTC)
                except (OverflowError, ValueError):
                    errors[name] = "Must be a date and time between the years 1 and 9999."
        elif len(raw) > schema.get("maxLength", len(raw)):
            errors[name] = f"At most {schema['maxLength']} characters."
        elif len(raw) < schema.get("minLength", 0) or (schema.get("minLength") and not raw.strip()):
            errors[name] = "May not be empty."
        elif "pattern" in schema and not re.fullmatch(schema["pattern"], raw):
            errors[name] = f"Must match {schema['pattern']}."
        else:
            values[name] = raw
    if errors:
        raise ApiError(400, "invalid_parameters", "Some query parameters are not valid.", errors)
    return values


def updated_since(queryset: QuerySet[Any], moment: datetime | None, field: str = "updated_at") -> QuerySet[Any]:
    return queryset.filter(**{f"{field}__gte": moment}) if moment else queryset


def page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    values: dict[str, Any],
    serialize: Callable[[Any], dict[str, Any]] | None = None,
    *,
    many: Callable[[list[Any]], list[dict[str, Any]]] | None = None,
    rows_from: QuerySet[Any] | None = None,
    keys: QuerySet[Any] | None = None,
) -> HttpResponse:
    """One page of `queryset` (ordered by the caller, with a final unique key) as {"results", "next"}.

    Two queries: the page's keys first, then its rows. The first orders and skips bare keys (from the
    indexes, without the joins the rows need), so at 20,000 partnerships the database sorts integers,
    not 20,000 joined rows, and a deep offset skips keys, not rows.

    `serialize` turns one row into its JSON; `many` a whole page at once, for what a page needs to look up
    together (a constant number of queries, not one per row). `rows_from`, when given, is where the rows
    are read by key instead of `queryset`: for filters that cost a scan (subqueries over 200,000 IATI
    relations), which the keys have already passed, so the database does not apply them twice.
    `keys`, when given, yields the primary keys in page order instead of `queryset` (a UNION of two indexed
    sides reads fewer rows than one OR over both); the rows are then read from `queryset` by key.
    """
    limit, offset = values["limit"], values["offset"]
    ordered = queryset.values_list("pk", flat=True) if keys is None else keys
    on_page = list(ordered[offset : offset + limit + 1])
    source = queryset if rows_from is None else rows_from
    by_key = {row.pk: row for row in source.order_by().filter(pk__in=on_page)}
    rows = [by_key[key] for key in on_page if key in by_key]
    following = None
    if len(rows) > limit:
        query = request.GET.copy()
        query["offset"], query["limit"] = str(offset + limit), str(limit)
        following = f"{request.path}?{query.urlencode()}"
    if many is not None:
        results = many(rows[:limit])
    else:
        assert serialize is not None
        results = [serialize(row) for row in rows[:limit]]
    return respond(request, {"results": results, "next": following})


def respond(request: HttpRequest, data: dict[str, Any] | Iterable[Any], status: int = 200) -> HttpResponse:
    """JSON with a strong ETag of the body; 304 when the client already has it."""
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if status == 200 and request.method in ("GET", "HEAD"):
        sent = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
        if etag in sent or "*" in sent:
            response = HttpResponse(status=304)
            response["ETag"] = etag
            return response
    response = HttpResponse(body, status=status, content_type="application/json")
    response["ETag"] = etag
    return response
