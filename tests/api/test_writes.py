"""Writing through the API: partnerships and actions, and every kind of bad input refused with a clear 4xx."""

import pytest

from actions.models import Action, ActionEvent
from organisations.models import Organisation, Partnership
from tests.api.conftest import api_client


def send(client, method: str, path: str, data=None, raw: str | None = None, content_type="application/json"):
    import json

    body = raw if raw is not None else json.dumps(data)
    return getattr(client, method)(path, body, content_type=content_type)


def error_of(response) -> dict:
    return response.json()["error"]


def test_record_a_partnership_with_a_new_organisation(hulp_token, people):
    response = send(
        api_client(hulp_token),
        "post",
        "/api/v1/partnerships",
        {"new_partner": {"name": "Goma Relief", "country": "cd"}, "kind": "implementing", "starts_on": "2026-01-01"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["partner"]["name"] == "Goma Relief" and data["starts_on"] == "2026-01-01"
    assert response["Location"].endswith(data["code"])
    goma = Organisation.objects.get(name="Goma Relief")
    assert (goma.country.code, goma.registered_by) == ("CD", people.org)


def test_record_a_partnership_with_an_organisation_on_samen(hulp_token, people):
    response = send(
        api_client(hulp_token), "post", "/api/v1/partnerships", {"partner": str(people.other_org.code), "kind": "peer"}
    )
    assert response.status_code == 201
    assert Partnership.objects.filter(organisation=people.org, partner=people.other_org, kind="peer").exists()
    again = send(
        api_client(hulp_token), "post", "/api/v1/partnerships", {"partner": str(people.other_org.code), "kind": "peer"}
    )
    assert again.status_code == 409


def test_change_a_partnership(hulp_token, world):
    path = f"/api/v1/partnerships/{world.partnership.code}"
    response = send(api_client(hulp_token), "patch", path, {"status": "ended", "ends_on": "2026-06-30"})
    assert response.status_code == 200
    world.partnership.refresh_from_db()
    assert (world.partnership.status, str(world.partnership.ends_on)) == ("ended", "2026-06-30")


def test_another_organisation_cannot_change_hulps_partnership_or_action(ander_token, world):
    client = api_client(ander_token)
    partnership = f"/api/v1/partnerships/{world.partnership.code}"
    assert send(client, "patch", partnership, {"status": "ended"}).status_code == 404
    assert send(client, "patch", f"/api/v1/actions/{world.action.code}", {"status": "done"}).status_code == 404
    response = send(client, "post", "/api/v1/actions", {"plan": str(world.plan.code), "title": "Sneak in"})
    assert response.status_code == 404
    assert not Action.objects.filter(title="Sneak in").exists()


def test_add_and_change_an_action_with_its_history(hulp_token, world, people):
    client = api_client(hulp_token)
    created = send(client, "post", "/api/v1/actions", {"plan": str(world.plan.code), "title": "Train the staff"})
    assert created.status_code == 201
    code = created.json()["code"]
    changed = send(client, "patch", f"/api/v1/actions/{code}", {"status": "dropped", "dropped_reason": "Done by HQ"})
    assert changed.status_code == 200
    assert changed.json()["status"] == "dropped"
    action = Action.objects.get(code=code)
    kinds = list(ActionEvent.objects.filter(action=action).order_by("id").values_list("kind", "organisation"))
    assert kinds == [("created", people.org.pk), ("status", people.org.pk)]


def test_dropping_needs_a_reason(hulp_token, world):
    response = send(api_client(hulp_token), "patch", f"/api/v1/actions/{world.action.code}", {"status": "dropped"})
    assert response.status_code == 400
    assert "dropped_reason" in error_of(response)["fields"]


@pytest.mark.parametrize(
    "raw, status, code, field",
    [
        ("{not json", 400, "malformed_json", None),
        ("[1, 2]", 400, "invalid", None),
        ('{"title": 5}', 400, "invalid", "title"),
        ('{"title": "x", "colour": "red"}', 400, "invalid", "colour"),
        ('{"due_on": "31-01-2026"}', 400, "invalid", "due_on"),
        ('{"status": "finished"}', 400, "invalid", "status"),
        ('{"title": null}', 400, "invalid", "title"),
        ('{"title": "   "}', 400, "invalid", "title"),
    ],
    ids=["malformed", "not an object", "wrong type", "unknown field", "bad date", "bad choice", "null", "blank"],
)
def test_bad_bodies_are_400_with_the_fields(hulp_token, world, raw, status, code, field):
    response = send(api_client(hulp_token), "patch", f"/api/v1/actions/{world.action.code}", raw=raw)
    assert response.status_code == status
    assert error_of(response)["code"] == code
    if field:
        assert field in error_of(response)["fields"]


def test_a_body_that_is_not_json_is_415(hulp_token, world):
    response = api_client(hulp_token).patch(
        f"/api/v1/actions/{world.action.code}", "status=done", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


def test_a_huge_body_is_413(hulp_token, world):
    response = send(api_client(hulp_token), "post", "/api/v1/actions", raw='{"title": "' + "x" * 70_000 + '"}')
    assert response.status_code == 413


def test_an_end_before_the_start_is_400(hulp_token, world):
    path = f"/api/v1/partnerships/{world.partnership.code}"
    response = send(api_client(hulp_token), "patch", path, {"starts_on": "2026-02-01", "ends_on": "2026-01-01"})
    assert response.status_code == 400
    assert "ends_on" in error_of(response)["fields"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=1000", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999", "offset"),
        ("status=finished", "status"),
        ("colour=red", "colour"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-01-01T00:00:00", "updated_since"),
        ("plan=abc", "plan"),
        ("limit=5&limit=6", "limit"),
    ],
)
def test_bad_query_parameters_are_400(hulp_token, query, field):
    response = api_client(hulp_token).get(f"/api/v1/actions?{query}")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_parameters"
    assert field in error_of(response)["fields"]


def test_an_unknown_country_is_400(hulp_token):
    body = {"new_partner": {"name": "Nowhere Aid", "country": "ZZ"}, "kind": "peer"}
    response = send(api_client(hulp_token), "post", "/api/v1/partnerships", body)
    assert response.status_code == 400
    assert "new_partner.country" in error_of(response)["fields"]
    assert not Organisation.objects.filter(name="Nowhere Aid").exists()


def test_head_reads_like_get(hulp_token, world):
    client = api_client(hulp_token)
    for path in (f"/api/v1/actions/{world.action.code}", f"/api/v1/partnerships/{world.partnership.code}"):
        response = client.head(path)
        assert response.status_code == 200
        assert response["ETag"] == client.get(path)["ETag"]
