"""The second step of logging in: a code from the authenticator app, or a single-use recovery code."""

import pytest
from django.urls import reverse

from accounts.models import RecoveryCode
from accounts.views import PENDING_SINCE, PENDING_USER
from audit.models import Event
from tests.accounts.helpers import LOGIN_URL, VERIFY_URL, audit_events, log_in, wrong_code
from tests.conftest import totp_code


@pytest.fixture
def pending(client, people):
    """The officer has typed the right password and is asked for a code."""
    assert log_in(client, "officer@hulp.example", next="/accounts/").url == VERIFY_URL
    return client


def test_code_page_asks_for_a_numeric_one_time_code(pending):
    response = pending.get(VERIFY_URL)
    assert response.status_code == 200
    assert b'autocomplete="one-time-code"' in response.content
    assert b'inputmode="numeric"' in response.content


def test_right_code_logs_in_and_goes_to_next(pending, people):
    response = pending.post(VERIFY_URL, {"code": totp_code()})
    assert response.status_code == 302
    assert response.url == "/accounts/"
    assert pending.session["_auth_user_id"] == str(people.officer.pk)
    assert PENDING_USER not in pending.session
    assert audit_events(event=Event.LOGIN) == [Event.LOGIN]


def test_code_with_a_space_is_accepted(pending, people):
    code = totp_code()
    response = pending.post(VERIFY_URL, {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302


def test_wrong_code_says_so(pending, people):
    response = pending.post(VERIFY_URL, {"code": wrong_code()})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert "_auth_user_id" not in pending.session
    assert audit_events(event=Event.TWO_FACTOR_FAILED, actor="officer@hulp.example") == [Event.TWO_FACTOR_FAILED]


def test_code_of_the_wrong_shape_explains_the_form(pending):
    response = pending.post(VERIFY_URL, {"code": "12ab"})
    assert b"Enter the 6 digits" in response.content


def test_recovery_code_logs_in_once(pending, people):
    codes = RecoveryCode.regenerate(people.officer)
    response = pending.post(VERIFY_URL, {"recovery_code": codes[0].upper()})
    assert response.status_code == 302
    assert pending.session["_auth_user_id"] == str(people.officer.pk)
    assert Event.RECOVERY_CODE_USED in audit_events(actor="officer@hulp.example")
    page = pending.get(response.url)
    assert f"You have {RecoveryCode.COUNT - 1} left" in page.content.decode()

    # The same code a second time does not work.
    pending.post(reverse("accounts:logout"))
    log_in(pending, "officer@hulp.example")
    response = pending.post(VERIFY_URL, {"recovery_code": codes[0]})
    assert response.status_code == 200
    assert b"used already" in response.content
    assert response.context["recovery_form"]["recovery_code"].field.widget.attrs.get("autofocus")
    assert not response.context["form"]["code"].field.widget.attrs.get("autofocus")
    assert "_auth_user_id" not in pending.session


def test_another_persons_recovery_code_does_not_work(pending, people):
    codes = RecoveryCode.regenerate(people.admin)
    response = pending.post(VERIFY_URL, {"recovery_code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in pending.session


def test_pending_state_expires_after_five_minutes(pending):
    session = pending.session
    session[PENDING_SINCE] -= 5 * 60 + 1
    session.save()
    response = pending.post(VERIFY_URL, {"code": totp_code()})
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert "_auth_user_id" not in pending.session
    assert PENDING_USER not in pending.session
    page = pending.get(LOGIN_URL)
    assert b"More than five minutes passed" in page.content


def test_without_pending_state_goes_to_login(client, db):
    response = client.get(VERIFY_URL)
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    response = client.post(VERIFY_URL, {"code": "123456"})
    assert response.url == LOGIN_URL


def test_wrong_codes_are_throttled_per_person(pending, settings):
    settings.LOGIN_ATTEMPTS_PER_ACCOUNT = 2
    for _ in range(2):
        assert pending.post(VERIFY_URL, {"code": wrong_code()}).status_code == 200
    response = pending.post(VERIFY_URL, {"code": totp_code()})
    assert response.status_code == 429
    assert b"Too many codes tried" in response.content
    assert "_auth_user_id" not in pending.session
    assert Event.LOGIN_THROTTLED in audit_events(target="officer@hulp.example")


def test_a_code_works_only_once(pending, people):
    code = totp_code()
    assert pending.post(VERIFY_URL, {"code": code}).status_code == 302
    pending.post(reverse("accounts:logout"))
    log_in(pending, "officer@hulp.example")
    response = pending.post(VERIFY_URL, {"code": code})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert "_auth_user_id" not in pending.session
