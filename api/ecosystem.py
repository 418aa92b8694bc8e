"""The ecosystem endpoints: IATI organisations and the relations between them, as the network map shows them.

IATI data is public (ecosystem/models.py), so every token with `ecosystem:read` reads every imported
organisation and relation, whichever organisation it belongs to. What is Samen's own is added only where
the map adds it (ecosystem/overlay.py): which Samen organisation an imported one is, for the token's own
organisation and its current partners; and, on one organisation, the integrity overlay (a current
assessment and its tier, shared actions, an agreement, a speak-up channel) for a current partner. Nothing
here reads cases or reports.

Neither imported organisations nor relations keep a change time: a sync compares ETags. A relation's `id`
is the database's: an activity imported again gets new relations, with new ids.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from api import schemas
from api.decorators import authorize, not_found
from api.listing import PAGING, filters, page, params, respond
from api.models import Token
from api.views import parse_code
from ecosystem.graph import Filters, samen_links
from ecosystem.models import ImportedOrganisation, OrganisationCountry, OrganisationName, Relation
from ecosystem.overlay import Integrity, current_partners_among, overlay
from organisations.identifiers import normalise_identifier
from organisations.models import Organisation

NO_CHANGE_TIME = (
    "Imported IATI organisations and relations keep no change time, so there is no `updated_since`: "
    "send the ETag back in If-None-Match."
)
UNSTABLE_IDS = "A relation's id changes when its activity is imported again (its relations are made anew)."
# SQLite and PostgreSQL keys are signed 64-bit integers: anything larger is no relation.
MAX_ID = 2**63 - 1

COUNTRY = schemas.string(
    2, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code of an activity's recipient country"
)
SECTOR = schemas.string(20, minLength=1, description="A sector code in any IATI vocabulary (DAC 5- or 3-digit, SDG)")
ROLE = schemas.IATI_ROLE

ORGANISATION_FILTERS = (
    PAGING
    | filters(type=schemas.IATI_ORGANISATION_TYPES)
    | {
        "identifier": schemas.string(200, minLength=1, description="An IATI organisation identifier (exact)"),
        "q": schemas.string(100, minLength=1, description="Part of a name, or the start of an identifier"),
        "role": ROLE | {"description": "Plays this IATI role in an activity"},
        "country": COUNTRY | {"description": "Funds or implements an activity in this country (ISO 3166-1 alpha-2)"},
        "sector": SECTOR | {"description": "Funds or implements an activity in this sector (any IATI vocabulary)"},
    }
)
RELATION_FILTERS = (
    PAGING
    | filters(kind=schemas.RELATION_KINDS)
    | {
        "organisation": schemas.UUID | {"description": "Relations of this organisation (either end)"},
        "role": ROLE | {"description": "Either end plays this IATI role (participation relations)"},
        "transaction_type": schemas.string(3, minLength=1, description="IATI TransactionType code"),
        "year_from": {"type": "integer", "minimum": 1950, "maximum": 2100, "description": "Not ended before"},
        "year_to": {"type": "integer", "minimum": 1950, "maximum": 2100, "description": "Not started after"},
        "country": COUNTRY,
        "sector": SECTOR,
    }
)


# ---- how they look -------------------------------------------------------------------------------------------------


def organisation_ref(o: ImportedOrganisation) -> dict[str, Any]:
    return {"code": o.code, "identifier": o.identifier, "name": o.name}


def integrity_json(i: Integrity) -> dict[str, Any]:
    return {
        "assessed": i.assessed,
        "tier": i.tier,
        "open_actions": i.open_actions,
        "overdue_actions": i.overdue_actions,
        "agreement": i.agreement,
        "channel": i.channel,
    }


def relation_json(r: Relation) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "activity": {"code": r.activity.code, "iati_identifier": r.activity.iati_identifier, "title": r.activity.title},
        "source": organisation_ref(r.source),
        "target": organisation_ref(r.target),
        "source_role": r.source_role,
        "target_role": r.target_role,
        "transaction_type": r.transaction_type,
        "amount": r.amount,
        "currency": r.currency,
        "start": r.start,
        "end": r.end,
    }


def shown_samen(viewer: Organisation, organisations: list[ImportedOrganisation]) -> dict[int, Organisation]:
    """Imported organisation pk → its Samen organisation, where the map names it: the viewer and its current partners.

    At most four queries for any number of organisations.
    """
    links = samen_links(organisations)
    linked = set(links.values())
    if not linked:
        return {}
    allowed = current_partners_among(viewer, linked) | {viewer.pk}
    samen = Organisation.objects.in_bulk(allowed & linked)
    return {pk: samen[samen_pk] for pk, samen_pk in links.items() if samen_pk in samen}


def organisations_json(viewer: Organisation, organisations: list[ImportedOrganisation]) -> list[dict[str, Any]]:
    samen = shown_samen(viewer, organisations)
    return [
        {
            **organisation_ref(o),
            "type": o.type,
            "samen_organisation": {"code": samen[o.pk].code, "name": samen[o.pk].name} if o.pk in samen else None,
        }
        for o in organisations
    ]


# ---- organisations -------------------------------------------------------------------------------------------------


# The organisations filters that choose them by their relations.
BY_RELATIONS = ("country", "sector", "role")


def _relation_ends(values: dict[str, Any]) -> tuple[QuerySet[Relation], QuerySet[Relation]]:
    """The relations whose source, and those whose target, is an organisation the filters ask for.

    As the map's filters choose relations: on activities in the country and sector, with the role at that end.
    """
    relations = Filters(country=values.get("country", "").upper(), sector=values.get("sector", "").upper()).apply(
        Relation.objects.all()
    )
    role = values.get("role")
    return (relations.filter(source_role=role) if role else relations), (
        relations.filter(target_role=role) if role else relations
    )


def _organisation_keys(values: dict[str, Any]) -> QuerySet[Any] | None:
    """With only relation filters: the organisations' keys in order, from the relations alone (a UNION of the two
    ends, each read through the relations' activity index), without visiting every organisation."""
    if not any(name in values for name in BY_RELATIONS) or any(name in values for name in ("q", "identifier", "type")):
        return None
    if set(values) & set(BY_RELATIONS) == {"country"}:
        # The countries each organisation works in are kept in their own table, in key order by country.
        places = OrganisationCountry.objects.filter(country=values["country"].upper()).order_by("organisation_id")
        return places.values_list("organisation_id", flat=True)
    sources, targets = _relation_ends(values)
    ends = sources.values_list("source_id", flat=True).union(targets.values_list("target_id", flat=True))
    return ends.order_by("source_id")


def _organisations(values: dict[str, Any]) -> QuerySet[ImportedOrganisation]:
    queryset = ImportedOrganisation.objects.all()
    if "q" in values:
        # As the map's search (ImportedOrganisation.objects.search), and the name shown; no join, so no DISTINCT.
        query = values["q"].strip()
        named = OrganisationName.objects.filter(name__icontains=query).values("organisation_id")
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(identifier__startswith=normalise_identifier(query)) | Q(pk__in=named)
        )
    if "identifier" in values:
        queryset = queryset.filter(identifier=normalise_identifier(values["identifier"]))
    if "type" in values:
        queryset = queryset.filter(type=values["type"])
    if any(name in values for name in BY_RELATIONS):
        sources, targets = _relation_ends(values)
        queryset = queryset.filter(Q(pk__in=sources.values("source_id")) | Q(pk__in=targets.values("target_id")))
    return queryset


@authorize("ecosystem")
def organisations(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, ORGANISATION_FILTERS)
    queryset = _organisations(values).order_by("pk")
    return page(
        request,
        queryset,
        values,
        many=lambda rows: organisations_json(token.organisation, rows),
        rows_from=ImportedOrganisation.objects.all(),
        keys=_organisation_keys(values),
    )


@authorize("ecosystem")
def organisation(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    params(request, {})
    found = ImportedOrganisation.objects.filter(code=parse_code(code)).first()
    if found is None:
        raise not_found()
    viewer = token.organisation
    [data] = organisations_json(viewer, [found])
    integrity = None
    if data["samen_organisation"] is not None:
        samen_pk = shown_samen(viewer, [found])[found.pk].pk
        integrity = overlay(viewer, {samen_pk}).get(samen_pk)
    names = found.names.order_by("language", "name").values("language", "name")
    data |= {
        "names": list(names),
        "relations": {
            "outgoing": Relation.objects.filter(source=found).count(),
            "incoming": Relation.objects.filter(target=found).count(),
        },
        "integrity": integrity_json(integrity) if integrity else None,
    }
    return respond(request, data)


# ---- relations -----------------------------------------------------------------------------------------------------


@authorize("ecosystem")
def relations(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, RELATION_FILTERS)
    queryset = Filters(
        kind=values.get("kind", ""),
        role=values.get("role"),
        year_from=values.get("year_from"),
        year_to=values.get("year_to"),
        country=values.get("country", "").upper(),
        sector=values.get("sector", "").upper(),
    ).apply(Relation.objects.all())
    if "organisation" in values:
        # Its key first: an OR of two equalities uses both indexes of relations (ecosystem_relation_out/_in).
        end = ImportedOrganisation.objects.filter(code=values["organisation"]).values_list("pk", flat=True).first()
        queryset = queryset.filter(Q(source_id=end) | Q(target_id=end)) if end else queryset.none()
    if "transaction_type" in values:
        queryset = queryset.filter(transaction_type=values["transaction_type"])
    rows = Relation.objects.select_related("activity", "source", "target")
    return page(request, queryset.order_by("pk"), values, relation_json, rows_from=rows)


@authorize("ecosystem")
def relation(request: HttpRequest, token: Token, id: str) -> HttpResponse:
    params(request, {})
    if not id.isascii() or not id.isdigit() or not 0 < int(id) <= MAX_ID:
        raise not_found()
    found = Relation.objects.select_related("activity", "source", "target").filter(pk=int(id)).first()
    if found is None:
        raise not_found()
    return respond(request, relation_json(found))
