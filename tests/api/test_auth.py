"""The one decorator: no token, a wrong or revoked one → 401; a missing scope → 403; too fast → 429.

Every answer, whatever went wrong, has the same error body.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import Token, token_hash
from tests.api.conftest import api_client, make_token

ORGANISATION = "/api/v1/organisation"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer samen_wrong"}, {"Authorization": "Token abc"}],
    ids=["none", "empty", "unknown", "other scheme"],
)
def test_without_a_valid_token_401(people, headers):
    response = api_client(None).get(ORGANISATION, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "unauthorised"


def test_a_logged_in_session_is_not_a_token(people):
    """The API reads no cookies: a member's session gets 401 (and so no cross-site request can use it)."""
    assert people.client("admin").get(ORGANISATION).status_code == 401


def test_the_secret_is_stored_only_as_a_hash(people):
    token, secret = Token.issue(organisation=people.org, name="CRM", scopes=["organisations:read"], by=people.admin)
    stored = Token.objects.get(pk=token.pk)
    assert stored.secret_hash == token_hash(secret)
    assert secret not in str(Token.objects.filter(pk=token.pk).values().get())
    assert secret.startswith(stored.prefix) and len(stored.prefix) < 20


def test_a_revoked_token_gets_401_at_once(people):
    secret = make_token(people.org, people.admin)
    client = api_client(secret)
    assert client.get(ORGANISATION).status_code == 200
    Token.objects.get(secret_hash=token_hash(secret)).revoke(people.admin)
    response = client.get(ORGANISATION)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorised"


@pytest.mark.parametrize(
    "path, scope",
    [
        ("/api/v1/organisation", "organisations:read"),
        ("/api/v1/people", "people:read"),
        ("/api/v1/assessments", "assessments:read"),
        ("/api/v1/actions", "actions:read"),
        ("/api/v1/dilemmas", "dilemmas:read"),
        ("/api/v1/guide-pages", "guide:read"),
        ("/api/v1/health-checks", "health:read"),
        ("/api/v1/case-statistics", "cases:read"),
    ],
)
def test_each_area_needs_its_read_scope(people, path, scope):
    others = [s for s in ("organisations:read", "people:read", "cases:read", "dilemmas:read") if s != scope]
    without = api_client(make_token(people.org, people.admin, scopes=others)).get(path)
    assert without.status_code == 403
    assert scope in error_of(without)["message"]
    assert api_client(make_token(people.org, people.admin, scopes=[scope])).get(path).status_code == 200


def test_writing_needs_the_write_scope(people, world):
    reader = api_client(make_token(people.org, people.admin, scopes=["actions:read"]))
    response = reader.patch(
        f"/api/v1/actions/{world.action.code}", {"status": "doing"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    world.action.refresh_from_db()
    assert world.action.status == "todo"


def test_a_method_the_endpoint_does_not_have_is_405(hulp_token):
    response = api_client(hulp_token).delete(ORGANISATION)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert error_of(response)["code"] == "method_not_allowed"


def test_too_many_requests_429_with_retry_after(people, settings):
    settings.API_RATE_PER_MINUTE = 3
    secret = make_token(people.org, people.admin)
    client = api_client(secret)
    assert [client.get(ORGANISATION).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(ORGANISATION)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert error_of(response)["code"] == "rate_limited"
    # Another token of the same organisation has a bucket of its own.
    assert api_client(make_token(people.org, people.admin)).get(ORGANISATION).status_code == 200


def test_the_bucket_refills_with_time(people, settings):
    settings.API_RATE_PER_MINUTE = 2
    token, _secret = Token.issue(organisation=people.org, name="CRM", scopes=[], by=people.admin)
    now = timezone.now()
    assert token.take(now) == 0 and token.take(now) == 0
    assert token.take(now) == 30
    assert token.take(now + timedelta(seconds=31)) == 0
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_use_is_recorded(people, hulp_token):
    api_client(hulp_token).get(ORGANISATION)
    assert Token.objects.get(secret_hash=token_hash(hulp_token)).last_used_at is not None


def test_the_document_and_docs_are_public_and_local(client):
    document = client.get(reverse("api:openapi")).json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/actions/{code}" in document["paths"]
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "GET /api/v1/partnerships" in html
    assert "https://" not in html.replace("https://www.w3.org", "")
