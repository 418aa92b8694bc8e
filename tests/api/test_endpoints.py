"""Each endpoint reads what Hulp's members see; Ander Fonds' token never sees any of it (every endpoint).

The isolation test walks api/openapi.py's OPERATIONS, so a new endpoint is checked without a new test.
"""

import json

import pytest
from django.urls import reverse

from api.openapi import OPERATIONS
from organisations.models import Consent
from tests.api.conftest import api_client

GETS = [op for op in OPERATIONS if op.method == "get"]
# Public IATI data: every token reads these objects; what must not show is the Samen data beside them.
PUBLIC_DETAILS = {"ecosystem_organisation", "ecosystem_relation"}


def url(name: str, world, **query: str) -> str:
    detail = {
        "partnership": world.partnership,
        "alliance": world.alliance,
        "assessment": world.assessment,
        "answers": world.assessment,
        "action": world.action,
        "dilemma": world.dilemma,
        "health_rounds": world.schedule,
        "health_round": world.round,
        "ecosystem_organisation": world.iati_partner,
    }
    kwargs = {"code": detail[name].code} if name in detail else {}
    if name == "ecosystem_relation":
        kwargs = {"id": world.relation.pk}
    target = reverse(f"api:{name}", kwargs=kwargs)
    return target + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_organisation(hulp_token, world):
    data = api_client(hulp_token).get(reverse("api:organisation")).json()
    assert data["code"] == str(world.org.code)
    assert data["name"] == "Hulp Zonder Grenzen"


def test_partners_from_both_sides_once_each_in_key_order_page_by_page(hulp_token, world):
    from organisations.models import Organisation, Partnership

    made = [
        Organisation.objects.create(slug=f"p{n}", name=f"Partner {n}", kind=Organisation.Kind.PARTNER) for n in range(3)
    ]
    Partnership.objects.create(organisation=world.org, partner=made[0], kind=Partnership.Kind.FUNDING)
    # Recorded by the partner, with us as its partner; and one organisation on both sides: listed once.
    Partnership.objects.create(organisation=made[1], partner=world.org, kind=Partnership.Kind.PEER)
    Partnership.objects.create(organisation=world.org, partner=made[2], kind=Partnership.Kind.FUNDING)
    Partnership.objects.create(organisation=made[2], partner=world.org, kind=Partnership.Kind.PEER)
    expected = sorted([world.partner, *made], key=lambda o: o.pk)

    client = api_client(hulp_token)
    assert [o["code"] for o in results(client.get(url("partners", world)))] == [str(o.code) for o in expected]
    first = client.get(url("partners", world, limit="3")).json()
    second = client.get(first["next"]).json()
    assert [o["code"] for o in first["results"] + second["results"]] == [str(o.code) for o in expected]
    assert second["next"] is None


def test_lists_show_hulps_data(hulp_token, world):
    client = api_client(hulp_token)
    assert [o["name"] for o in results(client.get(url("partners", world)))] == ["Kampala Women's Network"]
    assert [p["code"] for p in results(client.get(url("partnerships", world)))] == [str(world.partnership.code)]
    [alliance] = results(client.get(url("alliances", world)))
    members = client.get(url("alliance", world)).json()["members"]
    assert {m["name"] for m in members} == {"Hulp Zonder Grenzen", "Kampala Women's Network"}
    assert alliance["code"] == str(world.alliance.code) and "members" not in alliance
    emails = [p["email"] for p in results(client.get(url("people", world)))]
    assert "admin@hulp.example" in emails and "admin@ander.example" not in emails
    [assessment] = results(client.get(url("assessments", world)))
    assert assessment["relation"] == "requester"
    [answer] = results(client.get(url("answers", world)))
    assert (answer["requirement"], answer["level"], answer["comment"]) == ("policy-1", 3, "Adopted in 2025")
    assert [a["title"] for a in results(client.get(url("actions", world)))] == ["Write the policy"]
    assert [p["title"] for p in results(client.get(url("action_plans", world)))] == ["Safeguarding plan"]
    assert str(world.dilemma.code) in {d["code"] for d in results(client.get(url("dilemmas", world)))}
    assert [p["title"] for p in results(client.get(url("organisation_pages", world)))] == ["Our advisers"]
    assert [p["slug"] for p in results(client.get(url("guide_pages", world)))] == ["agree"]
    assert [c["title"] for c in results(client.get(url("health_checks", world)))] == ["Hulp and Kampala"]
    assert [r["number"] for r in results(client.get(url("health_rounds", world)))] == [1]


def test_filters(hulp_token, world):
    client = api_client(hulp_token)
    assert results(client.get(url("partnerships", world, status="ended"))) == []
    assert len(results(client.get(url("partnerships", world, status="active", kind="funding")))) == 1
    assert results(client.get(url("assessments", world, relation="assessed"))) == []
    assert len(results(client.get(url("assessments", world, relation="requester")))) == 1
    assert results(client.get(url("actions", world, status="done"))) == []
    assert len(results(client.get(url("actions", world, plan=str(world.plan.code))))) == 1
    assert results(client.get(url("actions", world, updated_since="2999-01-01T00:00:00Z"))) == []
    assert len(results(client.get(url("actions", world, updated_since="2000-01-01T00:00:00Z")))) == 1
    assert [p["role"] for p in results(client.get(url("people", world, role="viewer")))] == ["viewer"]


def test_a_health_round_gives_the_combined_colours_only(hulp_token, world):
    data = api_client(hulp_token).get(url("health_round", world)).json()
    equality = next(d for d in data["dimensions"] if d["dimension"] == "equality")
    assert equality["overall"] == {"green": 3, "amber": 0, "red": 0}
    assert "comment" not in json.dumps(data)


def test_pages_of_at_most_the_limit_with_a_next_link(hulp_token, world, people):
    from organisations.models import Organisation, Partnership

    for n in range(4):
        other = Organisation.objects.create(slug=f"p{n}", name=f"Partner {n}")
        Partnership.objects.create(organisation=people.org, partner=other)
    client = api_client(hulp_token)
    first = client.get(url("partnerships", world, limit="3")).json()
    assert len(first["results"]) == 3
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    codes = {p["code"] for p in first["results"] + second["results"]}
    assert len(codes) == 5


def test_etag_gives_304_until_something_changes(hulp_token, world):
    client = api_client(hulp_token)
    first = client.get(url("actions", world))
    etag = first["ETag"]
    assert client.get(url("actions", world), headers={"If-None-Match": etag}).status_code == 304
    world.action.title = "Write and adopt the policy"
    world.action.save()
    changed = client.get(url("actions", world), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize("op", GETS, ids=[op.name for op in GETS])
def test_another_organisations_token_never_reads_hulps_data(op, ander_token, world):
    """Every GET endpoint, with Ander Fonds' token: lists hold none of Hulp's codes; Hulp's objects are 404.

    The IATI organisations and relations are public and answer 200, but without Hulp's Samen data.
    """
    response = api_client(ander_token).get(url(op.name, world))
    body = response.content.decode()
    if "{code}" in _path(op.name) and op.name not in PUBLIC_DETAILS:
        assert response.status_code == 404, body
        assert response.json()["error"]["code"] == "not_found"
    else:
        assert response.status_code == 200, body
        leaked = [code for code in world.codes if code in body]
        assert not leaked, f"{op.name} shows Hulp's {leaked}"
        assert "Hulp Zonder Grenzen" not in body


def _path(name: str) -> str:
    from api.openapi import _openapi_path

    return _openapi_path(name)[0]


def test_statistics_of_another_organisation_are_its_own(ander_token, world):
    data = api_client(ander_token).get(reverse("api:case_statistics")).json()
    assert data["received"] == {"count": 0, "state": "shown"}


def test_consent_lets_another_organisation_read_a_final_assessment_until_revoked(people, world, ander_token):
    from assessments.models import Status

    assessment = world.assessment
    assessment.submit()
    assessment.finalise("low")
    client = api_client(ander_token)
    detail = url("assessment", world)
    assert client.get(detail).status_code == 404
    consent = Consent.objects.create(
        organisation=world.partner,
        subject=assessment.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.other_org,
        given_by=people.admin,
    )
    data = client.get(detail).json()
    assert (data["relation"], data["status"]) == ("shared", Status.FINAL)
    assert [a["code"] for a in results(client.get(url("assessments", world, relation="shared")))] == [
        str(assessment.code)
    ]
    assert len(results(client.get(url("answers", world)))) == 1
    consent.revoke(people.admin)
    assert client.get(detail).status_code == 404
    assert results(client.get(url("assessments", world))) == []


def test_unknown_and_malformed_codes_are_404(hulp_token, world):
    client = api_client(hulp_token)
    for path in ("/api/v1/actions/not-a-uuid", "/api/v1/actions/00000000-0000-0000-0000-000000000000"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{op.method}:{op.name}" for op in OPERATIONS])
def test_every_operation_needs_its_scope_and_a_live_token(op, people, world):
    """For each operation: without its scope 403 (nothing changed), with a revoked token 401; a read works."""
    from api.models import SCOPES, Token, token_hash
    from tests.api.conftest import make_token

    path = url(op.name, world)
    send = {"content_type": "application/json", "data": "{}"} if op.method != "get" else {}
    others = [scope for scope in SCOPES if scope != op.scope]
    refused = getattr(api_client(make_token(people.org, people.admin, scopes=others)), op.method)(path, **send)
    assert refused.status_code == 403, refused.content
    secret = make_token(people.org, people.admin, scopes=[op.scope])
    if op.method == "get":
        assert api_client(secret).get(path).status_code == 200
    Token.objects.get(secret_hash=token_hash(secret)).revoke(people.admin)
    assert getattr(api_client(secret), op.method)(path, **send).status_code == 401
