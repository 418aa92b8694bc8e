"""Small steps the accounts tests share: logging in through the real forms, and codes that are surely wrong."""

import time
from typing import Any

import pyotp
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, TOTP_SECRET

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("accounts:verify")


def log_in(client: Client, email: str, password: str = PASSWORD, next: str | None = None, **request: Any):
    """Post the login form; `request` sets the environment, e.g. REMOTE_ADDR."""
    data = {"email": email, "password": password} | ({"next": next} if next is not None else {})
    return client.post(LOGIN_URL, data, **request)


def wrong_code(secret: str = TOTP_SECRET) -> str:
    """Six digits that are not accepted now: valid_window=1 accepts the codes of the previous, current and next step."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    accepted = {totp.at(now + drift) for drift in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def audit_events(**filters: str) -> list[str]:
    from audit.models import Entry

    return list(Entry.objects.filter(**filters).values_list("event", flat=True))
