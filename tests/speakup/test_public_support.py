"""What the public speak-up tests share: the no-traces middleware switched on, a channel, a valid submission.

Other test_public_* modules import from here; the few tests below check the form token itself.
"""

import io
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from speakup.forms_public import form_token, form_token_problem
from speakup.models import Channel
from tests.speakup.conftest import Handler

MIDDLEWARE = "speakup.middleware.NoTracesMiddleware"


@pytest.fixture(autouse=True)
def no_traces_middleware(settings):
    """The middleware comes first (until samen/settings.py lists it, the tests put it there)."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]


@pytest.fixture(autouse=True)
def quick_public_settings(settings):
    settings.SPEAKUP_RECEIPT_FAILURE_DELAY_SECONDS = 0


def url(name: str, channel: Channel, lang: str = "en", **kwargs: Any) -> str:
    return reverse(f"speakup_public:{name}", kwargs={"slug": channel.slug, "lang": lang, **kwargs})


def old_token(channel: Channel, seconds: float = 10) -> str:
    """A form token rendered `seconds` ago: a person's fill time, without the test waiting."""
    return form_token(channel, issued_at=time.time() - seconds)


def report_data(channel: Channel, **overrides: Any) -> dict[str, Any]:
    data = {
        "category": "not-sure",
        "what": "The driver sells the food parcels at the market.",
        "when": "Last week",
        "where": "Warehouse",
        "who": "The driver",
        "anonymity": "anonymous",
        "name": "",
        "contact": "",
        "website": "",
        "token": old_token(channel),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def png_bytes(text: str = "") -> bytes:
    """A small PNG, with `text` in a tEXt chunk (metadata that must not survive)."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def submit(client: Client, channel: Channel, lang: str = "en", files: dict | None = None, **overrides: Any):
    return client.post(url("report", channel, lang), {**report_data(channel, **overrides), **(files or {})})


def receipt_of(response) -> str:
    receipt = response.context["receipt"]
    assert len(receipt) == 16 and receipt.isdigit()
    return receipt


def test_a_fresh_token_is_too_fast_and_an_old_one_expires(handler: Handler, settings):
    channel = handler.channel
    assert form_token_problem(form_token(channel), channel) == "too_fast"
    assert form_token_problem(old_token(channel), channel) is None
    assert form_token_problem(old_token(channel, 7 * 60 * 60), channel) == "expired"
    assert form_token_problem("forged", channel) == "bad"
    other = Channel.objects.create(organisation=channel.organisation, slug="another")
    assert form_token_problem(old_token(other), channel) == "bad"
    settings.SPEAKUP_MIN_FILL_SECONDS = 0
    assert form_token_problem(form_token(channel), channel) is None
