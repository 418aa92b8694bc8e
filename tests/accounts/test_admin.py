"""The Django admin is for platform operators, and its login is ours, with two-factor."""

from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from audit.models import Event
from tests.accounts.helpers import VERIFY_URL, audit_events, log_in
from tests.conftest import TOTP_SECRET, make_user, totp_code


def test_admin_login_goes_through_our_login(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    final, _status = response.redirect_chain[-1]
    assert urlparse(final).path == reverse("accounts:login")
    assert parse_qs(urlparse(final).query)["next"] == [reverse("admin:index")]


def test_operator_logs_in_with_two_factor_and_reaches_the_admin(client, db):
    make_user("operator@samen.example", two_factor=True, is_staff=True, is_superuser=True)
    assert log_in(client, "operator@samen.example", next=reverse("admin:index")).url == VERIFY_URL
    response = client.post(VERIFY_URL, {"code": totp_code()})
    assert response.url == reverse("admin:index")
    assert client.get(response.url).status_code == 200
    people_list = client.get(reverse("admin:accounts_user_changelist"))
    assert people_list.status_code == 200
    assert b"operator@samen.example" in people_list.content


def test_signed_in_non_staff_get_forbidden_not_a_loop(people):
    client = people.client("member")
    response = client.get(reverse("admin:login"))
    assert response.status_code == 403


def test_operator_can_turn_off_two_factor_for_someone_who_lost_everything(client, people):
    operator = make_user("operator@samen.example", two_factor=True, is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "turn_off_two_factor", "_selected_action": [people.officer.pk]},
    )
    assert response.status_code == 302
    people.officer.refresh_from_db()
    assert not people.officer.has_two_factor
    assert Event.TWO_FACTOR_DISABLED in audit_events(target="officer@hulp.example")


def test_the_admin_never_shows_the_totp_secret(client, people):
    operator = make_user("operator@samen.example", two_factor=True, is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.get(reverse("admin:accounts_user_change", args=[people.officer.pk]))
    assert response.status_code == 200
    assert TOTP_SECRET.encode() not in response.content
