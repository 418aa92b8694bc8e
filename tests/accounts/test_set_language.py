import pytest
from django.urls import reverse

URL = reverse("accounts:set_language")


@pytest.fixture(autouse=True)
def _in_english():
    """Not in English here: these tests start from the default language, Dutch, and switch."""


def test_anonymous_choice_is_kept_in_a_cookie(client, db):
    response = client.post(URL, {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/accounts/login/")
    assert page.headers["Content-Language"] == "en"


def test_signed_in_choice_is_saved_on_the_person(people):
    client = people.client("member")
    response = client.post(URL, {"language": "en", "next": "/accounts/"})
    assert response.url == "/accounts/"
    people.member.refresh_from_db()
    assert people.member.language == "en"
    assert client.get("/accounts/").headers["Content-Language"] == "en"


def test_unsafe_or_missing_next_goes_home(client, db):
    for next_url in ("https://evil.example/", "//evil.example", ""):
        response = client.post(URL, {"language": "nl", "next": next_url})
        assert response.url == reverse("home")


def test_unknown_language_is_a_bad_request_and_changes_nothing(people):
    client = people.client("member")
    response = client.post(URL, {"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert "django_language" not in response.cookies
    people.member.refresh_from_db()
    assert people.member.language == "nl"


def test_get_is_not_allowed(client, db):
    assert client.get(URL).status_code == 405
