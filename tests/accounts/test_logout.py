from django.urls import reverse

from audit.models import Event
from tests.accounts.helpers import audit_events

LOGOUT_URL = reverse("accounts:logout")


def test_logout_ends_the_session(people):
    client = people.client("member")
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session
    assert audit_events(event=Event.LOGOUT, actor="member@hulp.example") == [Event.LOGOUT]


def test_logout_needs_a_post(people):
    # A GET (a link, an <img>) must not log anyone out.
    client = people.client("member")
    assert client.get(LOGOUT_URL).status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_when_not_logged_in_goes_home(client, db):
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert audit_events() == []


def test_logout_returns_to_a_safe_next_page(people):
    client = people.client("member")
    response = client.post(reverse("accounts:logout"), {"next": "/invitation/abc/"})
    assert response.status_code == 302
    assert response["Location"] == "/invitation/abc/"


def test_logout_ignores_a_next_page_elsewhere(people):
    client = people.client("member")
    response = client.post(reverse("accounts:logout"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
