"""The endpoints of API v1. Each reads top to bottom: authorise (the decorator) → validate → read or change → answer.

A token acts as its organisation (`token.organisation`, called `org` below). Lists and single objects
come from the querysets the pages' access helpers use, so what a token sees is what a member of its
organisation sees: its own data, and another organisation's only through an active consent record.
Anything else is 404, never 403, so a token does not learn that it exists.
"""

import uuid
from collections import Counter
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_countries import countries

from actions.models import Action, ActionEvent, ActionPlan
from api import schemas
from api.decorators import ApiError, authorize, json_body, not_found
from api.listing import PAGING, UPDATED_SINCE, filters, page, params, respond, updated_since
from api.models import Token
from assessments.models import Answer, Assessment
from cases import annual
from cases.models import Case, Phase
from dilemmas.models import Dilemma
from guide.models import GuidePage, OrganisationPage
from health.models import Round, Schedule
from health.results import round_results
from organisations.models import Alliance, AllianceMember, Membership, Organisation, Partnership

# ---- how objects look ----------------------------------------------------------------------------------------------


def organisation_ref(organisation: Organisation | None) -> dict[str, Any] | None:
    return None if organisation is None else {"code": organisation.code, "name": organisation.name}


def organisation_json(o: Organisation) -> dict[str, Any]:
    return {
        "code": o.code,
        "slug": o.slug,
        "name": o.name,
        "kind": o.kind,
        "country": str(o.country or ""),
        "size_category": o.size_category,
        "iati_identifier": o.iati_identifier,
        "kvk_number": o.kvk_number,
        "website": o.website,
    }


def partnership_json(p: Partnership) -> dict[str, Any]:
    return {
        "code": p.code,
        "organisation": organisation_ref(p.organisation),
        "partner": organisation_ref(p.partner),
        "kind": p.kind,
        "status": p.status,
        "title": p.title,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "created_at": p.created_at,
    }


def alliance_json(a: Alliance) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "lead": organisation_ref(a.lead),
        "description": a.description,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
    }


def alliance_detail_json(a: Alliance) -> dict[str, Any]:
    members = AllianceMember.objects.filter(alliance=a).select_related("organisation").order_by("organisation__name")
    return alliance_json(a) | {"members": [organisation_ref(m.organisation) for m in members]}


def person_json(m: Membership) -> dict[str, Any]:
    return {"code": m.code, "name": m.user.name, "email": m.user.email, "role": m.role, "created_at": m.created_at}


# The assessment's own fields `assessment_json` reads (with the keys of what it refers to).
ASSESSMENT_FIELDS = (
    "code",
    "library",
    "organisation",
    "requester",
    "status",
    "round",
    "final_rating",
    "submitted_at",
    "finalised_at",
    "valid_until",
    "created_at",
)


def assessment_json(a: Assessment, org: Organisation) -> dict[str, Any]:
    if a.organisation_id == org.pk:
        relation = "assessed"
    elif a.requester_id == org.pk:
        relation = "requester"
    else:
        relation = "shared"
    return {
        "code": a.code,
        "library": {"code": a.library.code, "version": a.library.version, "name": a.library.name_en},
        "organisation": organisation_ref(a.organisation),
        "requester": organisation_ref(a.requester),
        "relation": relation,
        "status": a.status,
        "round": a.round,
        "final_rating": a.final_rating,
        "submitted_at": a.submitted_at,
        "finalised_at": a.finalised_at,
        "valid_until": a.valid_until,
        "created_at": a.created_at,
    }


def answer_json(a: Answer) -> dict[str, Any]:
    return {
        "requirement": a.requirement.code,
        "area": a.requirement.area.code,
        "organisation": a.organisation.code,
        "level": a.level,
        "option": a.option.code if a.option else None,
        "comment": a.comment,
        "answered_at": a.answered_at,
    }


def plan_json(p: ActionPlan) -> dict[str, Any]:
    return {
        "code": p.code,
        "title": p.title,
        "organisation": organisation_ref(p.organisation),
        "partner": organisation_ref(p.partner),
        "source_kind": p.source_kind,
        "created_at": p.created_at,
    }


def action_json(a: Action) -> dict[str, Any]:
    return {
        "code": a.code,
        "plan": a.plan.code,
        "title": a.title,
        "description": a.description,
        "status": a.status,
        "dropped_reason": a.dropped_reason,
        "due_on": a.due_on,
        "requirement": a.requirement.code if a.requirement else None,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


DILEMMA_FIELDS = (
    "code",
    "organisation__code",
    "organisation__name",
    "languages",
    "context",
    "title_nl",
    "title_en",
    "situation_nl",
    "situation_en",
    "question_nl",
    "question_en",
    "published_at",
    "updated_at",
)


def dilemma_json(d: Dilemma) -> dict[str, Any]:
    return {
        "code": d.code,
        "organisation": organisation_ref(d.organisation),
        "languages": d.languages,
        "context": d.context,
        "title_nl": d.title_nl,
        "title_en": d.title_en,
        "situation_nl": d.situation_nl,
        "situation_en": d.situation_en,
        "question_nl": d.question_nl,
        "question_en": d.question_en,
        "published_at": d.published_at,
        "updated_at": d.updated_at,
    }


def guide_page_json(p: GuidePage) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "section": p.section.code,
        "version": p.version,
        "title_nl": p.title_nl,
        "title_en": p.title_en,
        "summary_nl": p.summary_nl,
        "summary_en": p.summary_en,
        "body_nl": p.body_nl,
        "body_en": p.body_en,
    }


def organisation_page_json(p: OrganisationPage) -> dict[str, Any]:
    return {
        "code": p.code,
        "organisation": organisation_ref(p.organisation),
        "title": p.title,
        "summary": p.summary,
        "body": p.body,
        "updated_at": p.updated_at,
    }


def health_check_json(s: Schedule) -> dict[str, Any]:
    return {
        "code": s.code,
        "title": s.title,
        "kind": s.kind,
        "organisation": organisation_ref(s.organisation),
        "partnership": s.partnership.code if s.partnership else None,
        "alliance": s.alliance.code if s.alliance else None,
        "interval_months": s.interval_months,
        "next_due_on": s.next_due_on,
    }


def round_json(r: Round, dimensions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "code": r.code,
        "number": r.number,
        "opened_at": r.opened_at,
        "closed_at": r.closed_at,
        "dimensions": dimensions or [],
    }


def cell_json(cell: annual.Cell) -> dict[str, Any]:
    return {"count": cell.number, "state": cell.state}


def breakdown_json(breakdown: annual.Breakdown) -> dict[str, Any]:
    return {
        "rows": [{"key": row.key, "cell": cell_json(row.cell)} for row in breakdown.rows],
        "total": cell_json(breakdown.total),
    }


def parse_code(code: str) -> uuid.UUID:
    try:
        return uuid.UUID(code)
    except ValueError:
        raise not_found() from None


def checked(request: HttpRequest, schema: schemas.Schema) -> dict[str, Any]:
    data, errors = schemas.validate(json_body(request), schema)
    if errors:
        raise ApiError(400, "invalid", "The body is not valid.", errors)
    return data


# ---- organisations, partnerships, alliances ------------------------------------------------------------------------

PARTNERSHIP_FILTERS = PAGING | filters(status=schemas.PARTNERSHIP_STATUSES, kind=schemas.PARTNERSHIP_KINDS)


@authorize("organisations")
def organisation(request: HttpRequest, token: Token) -> HttpResponse:
    params(request, {})
    return respond(request, organisation_json(token.organisation))


@authorize("organisations")
def partners(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, PAGING)
    # By key, not by name: a stable order for paging, and the database stops after a page instead of
    # sorting every partner by name.
    # The rows are read by key alone: the keys are the partners already.
    keys = Partnership.objects.partner_keys_of(token.organisation)
    return page(request, Organisation.objects.all(), values, organisation_json, keys=keys)


@authorize("organisations", methods=("GET", "POST"))
def partnerships(request: HttpRequest, token: Token) -> HttpResponse:
    org = token.organisation
    if request.method == "POST":
        return _create_partnership(request, org)
    values = params(request, PARTNERSHIP_FILTERS)
    queryset = Partnership.objects.involving(org).order_by("pk")
    if "status" in values:
        queryset = queryset.filter(status=values["status"])
    if "kind" in values:
        queryset = queryset.filter(kind=values["kind"])
    return page(request, queryset, values, partnership_json)


def _period_errors(starts_on: Any, ends_on: Any) -> dict[str, str]:
    if starts_on and ends_on and ends_on < starts_on:
        return {"ends_on": "Must not be before starts_on."}
    return {}


def _create_partnership(request: HttpRequest, org: Organisation) -> HttpResponse:
    data = checked(request, schemas.PartnershipCreate)
    if ("partner" in data) == ("new_partner" in data):
        raise ApiError(400, "invalid", "Give either partner or new_partner.", {"partner": "Give one of the two."})
    errors = _period_errors(data.get("starts_on"), data.get("ends_on"))
    country = data.get("new_partner", {}).get("country", "").upper()
    if country and country not in countries:
        errors["new_partner.country"] = "Not an ISO 3166 country code."
    if errors:
        raise ApiError(400, "invalid", "The body is not valid.", errors)
    partner = None
    if "partner" in data:
        partner = Organisation.objects.filter(code=data["partner"]).exclude(pk=org.pk).first()
        if partner is None:
            raise ApiError(404, "not_found", "No such organisation.", {"partner": "No such organisation."})
    try:
        with transaction.atomic():
            if partner is None:
                new = data["new_partner"]
                partner = Organisation.objects.create(
                    slug=Organisation.free_slug(new["name"]),
                    name=new["name"].strip(),
                    country=country,
                    kind=new.get("kind", Organisation.Kind.PARTNER),
                    registered_by=org,
                )
            partnership = Partnership.objects.create(
                organisation=org,
                partner=partner,
                kind=data["kind"],
                status=data.get("status", Partnership.Status.ACTIVE),
                title=data.get("title", ""),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            )
    except IntegrityError:
        raise ApiError(409, "conflict", "A partnership of this kind with this organisation exists already.") from None
    response = respond(request, partnership_json(partnership), status=201)
    response["Location"] = f"{request.path}/{partnership.code}"
    return response


@authorize("organisations", methods=("GET", "PATCH"))
def partnership(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    org = token.organisation
    found = Partnership.objects.involving(org).filter(code=parse_code(code)).first()
    if found is None:
        raise not_found()
    if request.method != "PATCH":
        params(request, {})
        return respond(request, partnership_json(found))
    data = checked(request, schemas.PartnershipUpdate)
    errors = _period_errors(data.get("starts_on", found.starts_on), data.get("ends_on", found.ends_on))
    if errors:
        raise ApiError(400, "invalid", "The body is not valid.", errors)
    if not data:
        return respond(request, partnership_json(found))
    for name, value in data.items():
        setattr(found, name, value)
    try:
        with transaction.atomic():
            found.save(update_fields=list(data))
    except IntegrityError:
        raise ApiError(409, "conflict", "A partnership of this kind with this organisation exists already.") from None
    return respond(request, partnership_json(found))


def _alliances_of(org: Organisation) -> Any:
    """Alliances it leads or belongs to (as organisations.access.get_alliance finds one)."""
    member_of = AllianceMember.objects.filter(organisation=org).values("alliance")
    return Alliance.objects.filter(Q(lead=org) | Q(pk__in=member_of)).select_related("lead")


@authorize("organisations")
def alliances(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, PAGING)
    return page(request, _alliances_of(token.organisation).order_by("pk"), values, alliance_json)


@authorize("organisations")
def alliance(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    params(request, {})
    found = _alliances_of(token.organisation).filter(code=parse_code(code)).first()
    if found is None:
        raise not_found()
    return respond(request, alliance_detail_json(found))


# ---- people (admin scope) ------------------------------------------------------------------------------------------

PEOPLE_FILTERS = PAGING | filters(role=schemas.ROLES)


@authorize("people")
def people(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, PEOPLE_FILTERS)
    queryset = Membership.objects.filter(organisation=token.organisation).select_related("user")
    if "role" in values:
        queryset = queryset.filter(role=values["role"])
    return page(request, queryset.order_by("user__email", "pk"), values, person_json)


# ---- assessments ---------------------------------------------------------------------------------------------------

ASSESSMENT_FILTERS = PAGING | filters(status=schemas.ASSESSMENT_STATUSES, relation=schemas.ASSESSMENT_RELATIONS)


def _assessments(org: Organisation) -> Any:
    # Only what `assessment_json` writes: a page of 100 read whole built 400 objects and decoded their JSON fields
    # (the organisations' languages, the libraries' thresholds), two thirds of the request.
    return Assessment.objects.select_related("library", "organisation", "requester").only(
        *ASSESSMENT_FIELDS,
        *(f"library__{name}" for name in ("code", "version", "name_en")),
        *(f"{side}__{name}" for side in ("organisation", "requester") for name in ("code", "name")),
    )


@authorize("assessments")
def assessments(request: HttpRequest, token: Token) -> HttpResponse:
    org = token.organisation
    values = params(request, ASSESSMENT_FILTERS)
    relation = values.get("relation")
    if relation == "assessed":
        queryset = _assessments(org).of(org)
    elif relation == "requester":
        queryset = _assessments(org).requested_by(org)
    elif relation == "shared":
        queryset = _assessments(org).shared_with(org)
    else:
        queryset = _assessments(org).visible_to(org)
    if "status" in values:
        queryset = queryset.filter(status=values["status"])
    return page(request, queryset.order_by("pk"), values, lambda a: assessment_json(a, org))


def _assessment(org: Organisation, code: str) -> Assessment:
    found = _assessments(org).visible_to(org).filter(code=parse_code(code)).first()
    if found is None:
        raise not_found()
    return found


@authorize("assessments")
def assessment(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    params(request, {})
    return respond(request, assessment_json(_assessment(token.organisation, code), token.organisation))


@authorize("assessments")
def answers(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    values = params(request, PAGING)
    found = _assessment(token.organisation, code)
    queryset = (
        Answer.objects.filter(assessment=found)
        .select_related("requirement__area", "option", "organisation")
        .order_by("requirement__order", "requirement__code", "organisation_id", "pk")
    )
    return page(request, queryset, values, answer_json)


# ---- actions -------------------------------------------------------------------------------------------------------

ACTION_FILTERS = PAGING | UPDATED_SINCE | filters(status=schemas.ACTION_STATUSES) | {"plan": schemas.UUID}


@authorize("actions")
def action_plans(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, PAGING)
    queryset = (
        ActionPlan.objects.for_organisation(token.organisation).select_related("organisation", "partner").order_by("pk")
    )
    return page(request, queryset, values, plan_json)


def _actions(org: Organisation) -> Any:
    return Action.objects.filter(plan__in=ActionPlan.objects.for_organisation(org)).select_related(
        "plan", "requirement"
    )


@authorize("actions", methods=("GET", "POST"))
def actions(request: HttpRequest, token: Token) -> HttpResponse:
    org = token.organisation
    if request.method == "POST":
        return _create_action(request, org)
    values = params(request, ACTION_FILTERS)
    queryset = updated_since(_actions(org), values.get("updated_since"))
    if "status" in values:
        queryset = queryset.filter(status=values["status"])
    if "plan" in values:
        queryset = queryset.filter(plan__code=values["plan"])
    return page(request, queryset.order_by("pk"), values, action_json)


def _create_action(request: HttpRequest, org: Organisation) -> HttpResponse:
    data = checked(request, schemas.ActionCreate)
    plan = ActionPlan.objects.for_organisation(org).filter(code=data["plan"]).first()
    if plan is None:
        raise ApiError(404, "not_found", "No such plan of this organisation.", {"plan": "No such plan."})
    created = plan.add_action(
        title=data["title"].strip(),
        description=data.get("description", ""),
        due_on=data.get("due_on"),
        by=None,
        by_organisation=org,
    )
    created.plan = plan
    response = respond(request, action_json(created), status=201)
    response["Location"] = f"{request.path}/{created.code}"
    return response


def _action_events(found: Action, data: dict[str, Any]) -> list[dict[str, str]]:
    """The history entries the change makes, as the action's edit page writes them."""
    Kind = ActionEvent.Kind
    events = []
    if "status" in data and data["status"] != found.status:
        reason = data.get("dropped_reason", "") if data["status"] == Action.Status.DROPPED else ""
        events.append({"kind": Kind.STATUS, "old_value": found.status, "new_value": data["status"], "text": reason})
    if "due_on" in data and data["due_on"] != found.due_on:
        old = found.due_on.isoformat() if found.due_on else ""
        new = data["due_on"].isoformat() if data["due_on"] else ""
        events.append({"kind": Kind.DUE, "old_value": old, "new_value": new})
    title = data.get("title", found.title)
    description = data.get("description", found.description)
    if title != found.title or description != found.description:
        text = description if description != found.description else ""
        events.append({"kind": Kind.EDITED, "old_value": found.title[:300], "new_value": title[:300], "text": text})
    return events


@authorize("actions", methods=("GET", "PATCH"))
def action(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    org = token.organisation
    found = _actions(org).filter(code=parse_code(code)).first()
    if found is None:
        raise not_found()
    if request.method != "PATCH":
        params(request, {})
        return respond(request, action_json(found))
    data = checked(request, schemas.ActionUpdate)
    status = data.get("status", found.status)
    reason = data.get("dropped_reason", found.dropped_reason if status == Action.Status.DROPPED else "")
    if status == Action.Status.DROPPED and not reason.strip():
        raise ApiError(400, "invalid", "The body is not valid.", {"dropped_reason": "Needed to drop an action."})
    events = _action_events(found, data)
    for name in ("title", "description", "due_on", "status"):
        if name in data:
            setattr(found, name, data[name].strip() if name == "title" else data[name])
    found.dropped_reason = reason if status == Action.Status.DROPPED else ""
    with transaction.atomic():
        found.save(update_fields=["title", "description", "due_on", "status", "dropped_reason", "updated_at"])
        ActionEvent.objects.bulk_create(
            [ActionEvent(action=found, author=None, organisation=org, **event) for event in events]
        )
    return respond(request, action_json(found))


# ---- dilemmas and the guide ----------------------------------------------------------------------------------------

DILEMMA_FILTERS = PAGING | UPDATED_SINCE | {"language": schemas.enum(["nl", "en"])}


@authorize("dilemmas")
def dilemmas(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, DILEMMA_FILTERS)
    visible = Dilemma.objects.visible_to(token.organisation).in_language(values.get("language", ""))
    queryset = updated_since(visible, values.get("updated_since"))
    # The page's rows by key alone (the keys passed the visibility rule already), and only what dilemma_json
    # writes: not the reflections, search text and review fields of 100 dilemmas.
    rows = Dilemma.objects.select_related("organisation").only(*DILEMMA_FIELDS)
    return page(request, queryset.order_by("pk"), values, dilemma_json, rows_from=rows)


@authorize("dilemmas")
def dilemma(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    params(request, {})
    found = (
        Dilemma.objects.visible_to(token.organisation)
        .select_related("organisation")
        .filter(code=parse_code(code))
        .first()
    )
    if found is None:
        raise not_found()
    return respond(request, dilemma_json(found))


@authorize("guide")
def guide_pages(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, PAGING)
    queryset = GuidePage.objects.filter(retired=False).select_related("section").order_by("slug", "pk")
    return page(request, queryset, values, guide_page_json)


@authorize("guide")
def organisation_pages(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, PAGING | UPDATED_SINCE)
    visible = OrganisationPage.objects.visible_to(token.organisation).select_related("organisation")
    queryset = updated_since(visible, values.get("updated_since"))
    return page(request, queryset.order_by("pk"), values, organisation_page_json)


# ---- health checks -------------------------------------------------------------------------------------------------


@authorize("health")
def health_checks(request: HttpRequest, token: Token) -> HttpResponse:
    values = params(request, PAGING)
    queryset = (
        Schedule.objects.visible_to(token.organisation)
        .select_related("organisation", "partnership", "alliance")
        .order_by("next_due_on", "pk")
    )
    return page(request, queryset, values, health_check_json)


def _closed_rounds(org: Organisation) -> Any:
    # Only closed rounds: the figures of an open one change as each person answers, which would tell who did.
    return Round.objects.filter(schedule__in=Schedule.objects.visible_to(org), closed_at__isnull=False)


@authorize("health")
def health_rounds(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    values = params(request, PAGING)
    schedule = Schedule.objects.visible_to(token.organisation).filter(code=parse_code(code)).first()
    if schedule is None:
        raise not_found()
    queryset = _closed_rounds(token.organisation).filter(schedule=schedule).order_by("-number", "pk")
    return page(request, queryset, values, round_json)


@authorize("health")
def health_round(request: HttpRequest, token: Token, code: str) -> HttpResponse:
    """A closed round's results per dimension, with organisations below the minimum left out (health.results)."""
    params(request, {})
    found = (
        _closed_rounds(token.organisation)
        .select_related("schedule__partnership", "schedule__alliance")
        .filter(code=parse_code(code))
        .first()
    )
    if found is None:
        raise not_found()
    results = round_results(found, list(found.schedule.organisations()))
    dimensions = [
        {
            "dimension": row.dimension.code,
            "overall": None
            if row.overall is None
            else {"green": row.overall.green, "amber": row.overall.amber, "red": row.overall.red},
        }
        for row in results.rows
    ]
    return respond(request, round_json(found, dimensions))


# ---- case statistics -----------------------------------------------------------------------------------------------

YEAR = {"year": {"type": "integer", "minimum": 2000, "maximum": 2100}}


def open_by_phase(org: Organisation, minimum: int) -> annual.Breakdown:
    """Open cases now, by phase, suppressed as the annual account suppresses its breakdowns."""
    counts = Counter(
        dict(
            Case.objects.filter(organisation=org, concluded_at__isnull=True)
            .values("phase")
            .annotate(n=Count("pk"))
            .values_list("phase", "n")
        )
    )
    items = [(phase, counts.get(phase, 0)) for phase in Phase.values]
    states = annual.suppress([n for _key, n in items], minimum)
    rows = [
        annual.Row(key, key, annual.Cell.of(n, state, minimum)) for (key, n), state in zip(items, states, strict=True)
    ]
    total = sum(n for _key, n in items)
    return annual.Breakdown(rows=rows, total=annual.Cell.of(total, annual.count_state(total, minimum), minimum))


@authorize("cases")
def case_statistics(request: HttpRequest, token: Token) -> HttpResponse:
    """Counts only, with small cells suppressed as in the annual account: never a case, a report or a name."""
    values = params(request, YEAR)
    org = token.organisation
    year = values.get("year") or annual.current_year()
    figures = annual.figures(org, year, now=timezone.now(), handling=False)
    return respond(
        request,
        {
            "year": year,
            "minimum_group_size": figures.minimum,
            "is_complete": figures.is_complete,
            "received": cell_json(figures.received),
            "open_at_end": cell_json(figures.open_at_end),
            "by_category": breakdown_json(figures.by_category),
            "by_source": breakdown_json(figures.by_source),
            "by_research_category": breakdown_json(figures.by_research_category),
            "outcomes": breakdown_json(figures.outcomes),
            "open_by_phase": breakdown_json(open_by_phase(org, figures.minimum)),
        },
    )
