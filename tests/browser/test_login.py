"""Logging in with two-factor authentication, in a real browser."""

import time

import pyotp
from django.urls import reverse

from tests.conftest import PASSWORD, TOTP_SECRET, totp_code


def wrong_code() -> str:
    """A six-digit code that is not valid now, nor in the 30-second steps either side."""
    totp = pyotp.TOTP(TOTP_SECRET)
    now = time.time()
    valid = {totp.at(now, counter_offset=offset) for offset in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "123456", "999999") if code not in valid)


def test_admin_logs_in_with_a_code_and_lands_on_the_dashboard(people, browse):
    browse.log_in(people.admin.email, PASSWORD, code=totp_code())

    assert browse.path == reverse("organisations:dashboard", kwargs={"slug": people.org.slug})
    assert people.org.name in browse.text("main")


def test_a_wrong_code_says_so_and_does_not_log_in(people, browse):
    browse.log_in(people.admin.email, PASSWORD)
    assert browse.path.startswith(reverse("accounts:verify"))

    browse.fill({"code": wrong_code()})
    browse.submit()

    assert browse.path.startswith(reverse("accounts:verify"))
    assert browse.page.locator("main .errorlist, main .message.error").count() >= 1
    browse.goto(reverse("organisations:dashboard", kwargs={"slug": people.org.slug}))
    assert browse.path.startswith(reverse("accounts:login"))


def test_a_wrong_password_keeps_the_email_typed(people, browse):
    browse.goto(reverse("accounts:login"))
    browse.fill({"email": people.member.email, "password": "not-the-password"})
    browse.submit()

    assert browse.path.startswith(reverse("accounts:login"))
    assert browse.page.locator("main [name='email']").input_value() == people.member.email
