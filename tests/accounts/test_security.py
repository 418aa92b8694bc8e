"""My account: name and language, and where two-factor authentication stands."""

from django.urls import reverse

from accounts.models import RecoveryCode

URL = reverse("accounts:security")


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_page_shows_two_factor_off_with_a_setup_link(people):
    response = people.client("member").get(URL)
    assert response.status_code == 200
    assert reverse("accounts:two_factor_setup").encode() in response.content
    assert reverse("accounts:password_change").encode() in response.content
    assert reverse("accounts:two_factor_disable").encode() not in response.content


def test_page_shows_recovery_codes_left(people):
    RecoveryCode.regenerate(people.officer)
    response = people.client("officer").get(URL)
    assert "You have 10 unused recovery codes" in response.content.decode()
    assert reverse("accounts:recovery_codes").encode() in response.content
    # An officer must keep two-factor on, so no link to turn it off.
    assert reverse("accounts:two_factor_disable").encode() not in response.content


def test_name_and_language_are_saved(people):
    client = people.client("member")
    response = client.post(URL, {"name": "  Mina   de Vries ", "language": "en"})
    assert response.status_code == 302
    people.member.refresh_from_db()
    assert people.member.name == "Mina de Vries"
    assert people.member.language == "en"
    assert response.cookies["django_language"].value == "en"
    page = client.get(URL)
    assert page.headers["Content-Language"] == "en"


def test_unknown_language_is_a_form_error_and_nothing_changes(people):
    client = people.client("member")
    response = client.post(URL, {"name": "Changed", "language": "xx"})
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert b'value="Changed"' in response.content
    people.member.refresh_from_db()
    assert people.member.name == "Member"
