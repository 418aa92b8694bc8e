"""Admins make tokens (the secret shown once) and revoke them after a confirmation; both go in the audit log."""

import pytest
from django.urls import reverse

from api.models import Token, token_hash
from audit.models import Entry, Event
from tests.api.conftest import api_client


def tokens_url(people) -> str:
    return reverse("api_tokens:tokens", kwargs={"slug": people.org.slug})


def test_an_admin_makes_a_token_and_sees_the_secret_once(people, english):
    client = people.client("admin")
    response = client.post(tokens_url(people), {"name": "CRM sync", "scopes": ["organisations:read", "actions:write"]})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    token = Token.objects.get(name="CRM sync")
    secret = response.context["secret"]
    assert token.secret_hash == token_hash(secret) and secret in response.content.decode()
    assert token.scopes == ["actions:write", "organisations:read"]
    assert (token.organisation, token.created_by) == (people.org, people.admin)
    # Afterwards the list shows only its first characters.
    listing = client.get(tokens_url(people)).content.decode()
    assert token.prefix in listing and secret not in listing
    entry = Entry.objects.get(event=Event.API_TOKEN_CREATED)
    assert (entry.organisation, entry.target) == ("hulp", str(token.code))
    assert secret not in str(entry.detail)
    assert api_client(secret).get("/api/v1/organisation").status_code == 200


def test_a_token_needs_a_name_and_a_scope(people, english):
    response = people.client("admin").post(tokens_url(people), {"name": " ", "scopes": []})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "scopes"}
    response = people.client("admin").post(tokens_url(people), {"name": "x", "scopes": ["everything:write"]})
    assert "scopes" in response.context["form"].errors
    assert not Token.objects.exists()


def test_revoking_asks_first_then_cuts_access_at_once(people, english):
    token, secret = Token.issue(organisation=people.org, name="CRM", scopes=["organisations:read"], by=people.admin)
    url = reverse("api_tokens:token_revoke", kwargs={"slug": "hulp", "code": token.code})
    client = people.client("admin")
    page = client.get(url)
    assert page.status_code == 200 and "Revoke" in page.content.decode()
    token.refresh_from_db()
    assert token.is_active
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == people.admin
    assert Entry.objects.filter(event=Event.API_TOKEN_REVOKED, target=str(token.code)).exists()
    assert api_client(secret).get("/api/v1/organisation").status_code == 401
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["officer", "manager", "member", "viewer"])
def test_only_admins_manage_tokens(people, persona):
    token, _secret = Token.issue(organisation=people.org, name="CRM", scopes=[], by=people.admin)
    client = people.client(persona)
    assert client.get(tokens_url(people)).status_code == 403
    assert client.post(tokens_url(people), {"name": "x", "scopes": ["people:read"]}).status_code == 403
    revoke = reverse("api_tokens:token_revoke", kwargs={"slug": "hulp", "code": token.code})
    assert client.post(revoke).status_code == 403
    token.refresh_from_db()
    assert token.is_active and Token.objects.count() == 1


def test_outsiders_get_404_and_cannot_touch_anothers_token(people):
    token, _secret = Token.issue(organisation=people.org, name="CRM", scopes=[], by=people.admin)
    outsider = people.client("outsider")
    assert outsider.get(tokens_url(people)).status_code == 404
    # Through their own organisation's page, Hulp's token does not exist.
    revoke = reverse("api_tokens:token_revoke", kwargs={"slug": "ander", "code": token.code})
    assert outsider.post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.is_active
