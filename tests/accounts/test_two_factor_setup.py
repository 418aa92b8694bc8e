"""Setting up the authenticator app: scan, confirm one code, save the recovery codes."""

import re

import pyotp
from django.urls import reverse

from accounts.models import RecoveryCode
from accounts.views import NEW_AUTHENTICATOR
from audit.models import Event
from tests.accounts.helpers import audit_events, log_in, wrong_code
from tests.conftest import PASSWORD, TOTP_SECRET

URL = reverse("accounts:two_factor_setup")


def test_anonymous_is_sent_to_log_in(client, db):
    assert client.get(URL).status_code == 302


def test_page_shows_a_qr_code_without_inline_style_and_the_key(people):
    client = people.client("member")
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    assert "style=" not in content  # the CSP forbids inline styles
    secret = client.session[NEW_AUTHENTICATOR]
    shown = re.search(r"<code>([A-Z2-7 ]+)</code>", content)
    assert shown and shown.group(1).replace(" ", "") == secret


def test_the_secret_stays_the_same_across_reloads(people):
    client = people.client("member")
    client.get(URL)
    first = client.session[NEW_AUTHENTICATOR]
    client.get(URL)
    assert client.session[NEW_AUTHENTICATOR] == first


def test_confirming_a_code_turns_it_on_and_shows_recovery_codes_once(people):
    client = people.client("member")
    client.get(URL)
    secret = client.session[NEW_AUTHENTICATOR]
    response = client.post(URL, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == RecoveryCode.COUNT
    assert codes[0].encode() in response.content
    people.member.refresh_from_db()
    assert people.member.has_two_factor
    assert people.member.totp_secret == secret
    assert NEW_AUTHENTICATOR not in client.session
    assert RecoveryCode.use(people.member, codes[0])
    assert audit_events(event=Event.TWO_FACTOR_ENABLED) == [Event.TWO_FACTOR_ENABLED]


def test_wrong_code_is_refused_and_nothing_changes(people):
    client = people.client("member")
    client.get(URL)
    secret = client.session[NEW_AUTHENTICATOR]
    response = client.post(URL, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    people.member.refresh_from_db()
    assert not people.member.has_two_factor


def test_required_explains_why(people):
    response = people.client("member").get(URL + "?required=1")
    assert b"requires two-factor authentication" in response.content


def test_admin_without_two_factor_is_sent_here_and_told_why(people):
    people.admin.disable_two_factor()
    client = people.client("admin")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == URL + "?required=1"
    page = client.get(response.url)
    assert b"requires two-factor authentication" in page.content


def test_moving_to_a_new_phone_also_asks_for_the_password(people):
    client = people.client("officer")
    client.get(URL)
    secret = client.session[NEW_AUTHENTICATOR]
    response = client.post(URL, {"code": pyotp.TOTP(secret).now()})
    assert "password" in response.context["form"].errors
    people.officer.refresh_from_db()
    assert people.officer.totp_secret == TOTP_SECRET

    response = client.post(URL, {"code": pyotp.TOTP(secret).now(), "password": PASSWORD})
    assert response.status_code == 200
    people.officer.refresh_from_db()
    assert people.officer.totp_secret == secret


def test_the_confirming_code_cannot_be_used_to_log_in_again(people):
    client = people.client("member")
    client.get(URL)
    code = pyotp.TOTP(client.session[NEW_AUTHENTICATOR]).now()
    client.post(URL, {"code": code})
    client.post(reverse("accounts:logout"))
    log_in(client, "member@hulp.example")
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_invitation_can_be_opened_before_setting_up_two_factor(people):
    # The new role may be what requires two-factor authentication; accepting comes first.
    people.admin.disable_two_factor()
    client = people.client("admin")
    response = client.get("/invitation/unknown-token/")
    assert response.status_code == 404  # reached the invitation view, not the set-up redirect
