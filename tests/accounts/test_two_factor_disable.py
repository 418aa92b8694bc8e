from django.urls import reverse

from accounts.models import RecoveryCode
from accounts.views import role_requires_two_factor
from audit.models import Event
from organisations.models import TWO_FACTOR_ROLES
from tests.accounts.helpers import audit_events
from tests.conftest import PASSWORD, make_user

URL = reverse("accounts:two_factor_disable")


def test_a_person_whose_role_allows_it_can_turn_it_off(client, people):
    member = make_user("volunteer@hulp.example", two_factor=True)
    RecoveryCode.regenerate(member)
    client.force_login(member)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.has_two_factor
    assert not member.recovery_codes.exists()
    assert audit_events(event=Event.TWO_FACTOR_DISABLED) == [Event.TWO_FACTOR_DISABLED]


def test_wrong_password_is_refused(client, people):
    member = make_user("volunteer@hulp.example", two_factor=True, language="en")
    client.force_login(member)
    response = client.post(URL, {"password": "wrong"})
    assert response.status_code == 200
    assert b"not your current password" in response.content
    member.refresh_from_db()
    assert member.has_two_factor


def test_refused_for_admin_officer_and_operator(people):
    people.member.is_staff = True
    people.member.save(update_fields=["is_staff"])
    for persona in ("admin", "officer", "member"):
        client = people.client(persona)
        response = client.post(URL, {"password": PASSWORD}, follow=True)
        assert b"Your role requires two-factor authentication" in response.content
        user = people.user(persona)
        user.refresh_from_db()
        assert user.has_two_factor or persona == "member"
    assert Event.TWO_FACTOR_DISABLED not in audit_events()


def test_when_already_off_says_so(people):
    response = people.client("viewer").post(URL, {"password": PASSWORD}, follow=True)
    assert b"already off" in response.content


def test_the_roles_match_those_organisations_requires():
    # accounts cannot import organisations, so role_requires_two_factor names the roles itself.
    assert {"admin", "officer"} == {str(role) for role in TWO_FACTOR_ROLES}


def test_role_requires_two_factor(people):
    assert role_requires_two_factor(people.admin)
    assert role_requires_two_factor(people.officer)
    assert not role_requires_two_factor(people.manager)
