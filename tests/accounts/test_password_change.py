from django.urls import reverse

from audit.models import Event
from tests.accounts.helpers import audit_events
from tests.conftest import PASSWORD

URL = reverse("accounts:password_change")
NEW = "a-much-longer-passphrase-7"


def test_password_is_changed_and_the_session_kept(people):
    client = people.client("member")
    response = client.post(URL, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response.url == reverse("accounts:security")
    people.member.refresh_from_db()
    assert people.member.check_password(NEW)
    assert client.get(reverse("accounts:security")).status_code == 200
    assert audit_events(event=Event.PASSWORD_CHANGED) == [Event.PASSWORD_CHANGED]


def test_wrong_old_password_is_refused(people):
    client = people.client("member")
    response = client.post(URL, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    people.member.refresh_from_db()
    assert people.member.check_password(PASSWORD)


def test_weak_or_mismatched_new_password_is_refused(people):
    client = people.client("member")
    response = client.post(URL, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert "new_password2" in response.context["form"].errors
    response = client.post(URL, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"})
    assert "new_password2" in response.context["form"].errors


def test_form_uses_password_manager_hints(people):
    response = people.client("member").get(URL)
    assert b'autocomplete="current-password"' in response.content
    assert b'autocomplete="new-password"' in response.content
