"""Logging in with email and password; people with two-factor go on to the code step."""

from django.urls import reverse

from accounts.views import PENDING_USER
from audit.models import Event
from tests.accounts.helpers import LOGIN_URL, VERIFY_URL, audit_events, log_in


def test_login_page_shows_the_form(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert b'autocomplete="email"' in response.content
    assert b'autocomplete="current-password"' in response.content


def test_member_without_two_factor_is_logged_in(client, people):
    response = log_in(client, "member@hulp.example")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(people.member.pk)
    assert audit_events(event=Event.LOGIN, actor="member@hulp.example") == [Event.LOGIN]


def test_email_is_matched_whatever_its_case_and_spaces(client, people):
    response = log_in(client, "  Member@HULP.example ")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people.member.pk)


def test_login_gives_the_session_a_new_key(client, people):
    client.get(LOGIN_URL)
    client.session.save()
    before = client.session.session_key
    log_in(client, "member@hulp.example")
    assert client.session.session_key != before


def test_login_sets_the_persons_language(client, people):
    people.member.language = "en"
    people.member.save(update_fields=["language"])
    response = log_in(client, "member@hulp.example")
    assert response.cookies["django_language"].value == "en"


def test_wrong_password_shows_one_generic_error_and_keeps_the_email(client, people):
    response = log_in(client, "member@hulp.example", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"do not match an account" in response.content
    assert b'value="member@hulp.example"' in response.content
    assert b"not-the-password" not in response.content
    assert audit_events(event=Event.LOGIN_FAILED, target="member@hulp.example") == [Event.LOGIN_FAILED]


def test_unknown_email_gets_the_same_error(client, people):
    response = log_in(client, "nobody@hulp.example")
    assert response.status_code == 200
    assert b"do not match an account" in response.content


def test_inactive_person_cannot_log_in(client, people):
    people.member.is_active = False
    people.member.save(update_fields=["is_active"])
    response = log_in(client, "member@hulp.example")
    assert b"do not match an account" in response.content


def test_malformed_input_shows_field_errors(client, db):
    response = client.post(LOGIN_URL, {"email": "not an email", "password": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors and "password" in form.errors
    assert b'value="not an email"' in response.content


def test_person_with_two_factor_is_not_logged_in_yet(client, people):
    response = log_in(client, "officer@hulp.example")
    assert response.status_code == 302
    assert response.url == VERIFY_URL
    assert "_auth_user_id" not in client.session
    assert client.session[PENDING_USER] == people.officer.pk
    assert Event.LOGIN not in audit_events()


def test_safe_next_is_followed(client, people):
    response = log_in(client, "member@hulp.example", next="/accounts/")
    assert response.url == "/accounts/"


def test_next_to_another_site_is_ignored(client, people):
    for unsafe in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        client.logout()
        response = log_in(client, "member@hulp.example", next=unsafe)
        assert response.url == reverse("home"), unsafe


def test_next_from_the_query_string_is_kept_in_the_form(client, db):
    response = client.get(LOGIN_URL + "?next=/accounts/password/")
    assert b'name="next" value="/accounts/password/"' in response.content


def test_someone_logged_in_is_sent_on(people):
    client = people.client("member")
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response.url == reverse("home")
    response = client.get(LOGIN_URL + "?next=/accounts/")
    assert response.url == "/accounts/"
