"""Login attempts are limited per account and per IP address, so passwords cannot be guessed at speed."""

import pytest

from accounts.models import TokenBucket
from audit.models import Event
from tests.accounts.helpers import audit_events, log_in


@pytest.fixture
def small_limits(settings):
    settings.LOGIN_ATTEMPTS_PER_ACCOUNT = 3
    settings.LOGIN_ATTEMPTS_PER_IP = 100
    settings.LOGIN_ATTEMPTS_WINDOW_SECONDS = 900
    return settings


def test_an_account_is_throttled_whatever_the_ip(client, people, small_limits):
    for n in range(3):
        response = log_in(client, "member@hulp.example", "wrong", REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 200
    # The right password does not help once the account's attempts are spent.
    response = log_in(client, "member@hulp.example", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b'value="member@hulp.example"' in response.content
    assert "_auth_user_id" not in client.session
    assert audit_events(event=Event.LOGIN_THROTTLED, target="member@hulp.example") == [Event.LOGIN_THROTTLED]


def test_other_accounts_are_not_affected(client, people, small_limits):
    for _ in range(4):
        log_in(client, "member@hulp.example", "wrong")
    response = log_in(client, "viewer@hulp.example")
    assert response.status_code == 302


def test_an_ip_is_throttled_across_accounts(client, people, small_limits):
    small_limits.LOGIN_ATTEMPTS_PER_ACCOUNT = 100
    small_limits.LOGIN_ATTEMPTS_PER_IP = 2
    log_in(client, "nobody-1@hulp.example", "wrong")
    log_in(client, "nobody-2@hulp.example", "wrong")
    response = log_in(client, "member@hulp.example")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address still gets in.
    response = log_in(client, "member@hulp.example", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302


def test_behind_the_proxy_the_address_it_saw_counts(client, people, small_limits):
    small_limits.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    small_limits.LOGIN_ATTEMPTS_PER_ACCOUNT = 100
    small_limits.LOGIN_ATTEMPTS_PER_IP = 2
    # The client forges the first entry each time; the proxy appends the real address last.
    for forged in ("1.1.1.1", "2.2.2.2"):
        log_in(client, "nobody@hulp.example", "wrong", HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.5")
    response = log_in(client, "member@hulp.example", HTTP_X_FORWARDED_FOR="3.3.3.3, 198.51.100.5")
    assert response.status_code == 429


def test_the_limiter_stores_no_email_or_ip(client, people, small_limits):
    log_in(client, "member@hulp.example", "wrong")
    values = " ".join(TokenBucket.objects.values_list("value", flat=True))
    assert "member@hulp.example" not in values
    assert "127.0.0.1" not in values
