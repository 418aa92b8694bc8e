"""Following up with the receipt code: status, clocks, messages both ways, leaving; wrong codes are slowed down."""

import time

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import TokenBucket
from speakup import keys
from speakup.keys import UNLOCK_COOKIE
from speakup.models import Message, Report
from tests.speakup.conftest import Handler
from tests.speakup.factories import add_attachment
from tests.speakup.test_public_support import (  # noqa: F401  (fixtures)
    no_traces_middleware,
    png_bytes,
    quick_public_settings,
    receipt_of,
    submit,
    url,
)


def logged_in(handler: Handler, lang: str = "en") -> tuple[Client, str]:
    client = Client()
    receipt = receipt_of(submit(client, handler.channel, lang))
    spaced = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))  # typed as it is printed
    response = client.post(url("receipt_login", handler.channel, lang), {"receipt": spaced})
    assert response.status_code == 302
    assert response["Location"] == url("followup", handler.channel, lang)
    return client, receipt


def handler_says(report: Report, text: str) -> Message:
    body, version = keys.seal_for_report(report, text.encode())
    return Message.objects.create(report=report, from_reporter=False, author=None, body=body, key_version=version)


def test_receipt_round_trip_with_messages_both_ways(handler: Handler):
    client, _receipt = logged_in(handler)
    report = Report.objects.get()
    handler_says(report, "Thank you. Which market was it?")
    attachment = add_attachment(report, "letter.pdf", b"%PDF-1.4 letter")
    attachment.message = report.messages.get()
    attachment.save()

    page = client.get(url("followup", handler.channel))
    assert page.status_code == 200
    assert "Thank you. Which market was it?" in page.text
    assert "The driver sells the food parcels at the market." in page.text
    assert "letter.pdf" in page.text
    assert report.messages.get().read_at is not None  # the reporter has seen it
    assert page.context["acknowledge_by"] == report.acknowledge_by

    download = client.get(url("attachment", handler.channel, number=1))
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 letter"
    assert "letter.pdf" in download["Content-Disposition"]
    assert client.get(url("attachment", handler.channel, number=2)).status_code == 404

    token = page.context["token"]
    sent = client.post(
        url("reply", handler.channel),
        {
            "token": token,
            "body": "The big market near the station.",
            "attachments": SimpleUploadedFile("map.png", png_bytes()),
        },
    )
    assert sent.status_code == 302
    reply = report.messages.get(from_reporter=True)
    assert b"station" not in bytes(reply.body)
    handler_keys = keys.handler_report_keys(report, handler.private_key)
    assert keys.open_with(handler_keys, reply.key_version, reply.body) == b"The big market near the station."
    assert reply.attachments.get().content_type == "image/png"
    assert "Your message was sent." in client.get(sent["Location"]).text


def test_an_empty_reply_is_refused_and_a_reply_needs_the_session_token(handler: Handler):
    client, _receipt = logged_in(handler)
    token = client.get(url("followup", handler.channel)).context["token"]
    response = client.post(url("reply", handler.channel), {"token": token, "body": ""})
    assert response.status_code == 200 and "Please check the following" in response.text
    assert client.post(url("reply", handler.channel), {"token": "forged", "body": "hi"}).status_code == 403
    assert not Message.objects.exists()


def test_the_clocks_after_acknowledgement(handler: Handler):
    client, _receipt = logged_in(handler)
    report = Report.objects.get()
    report.acknowledge()
    page = client.get(url("followup", handler.channel))
    assert page.context["acknowledged_on"] is not None
    assert page.context["feedback_by"].month == (page.context["acknowledged_on"].month + 2) % 12 + 1


def test_a_wrong_receipt_says_only_not_found_and_is_slowed_down(handler: Handler, settings):
    receipt_of(submit(Client(), handler.channel))
    settings.SPEAKUP_RECEIPT_FAILURE_DELAY_SECONDS = 0.2
    client = Client()
    started = time.monotonic()
    response = client.post(url("receipt_login", handler.channel), {"receipt": "0000 0000 0000 0000"})
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert "Not found." in response.text
    assert not response.cookies
    assert client.get(url("followup", handler.channel)).status_code == 302


def test_receipt_attempts_are_limited_per_channel(handler: Handler, settings):
    settings.SPEAKUP_RECEIPT_ATTEMPTS_PER_HOUR = 3
    _client, receipt = logged_in(handler)  # one attempt
    for _ in range(2):
        Client().post(url("receipt_login", handler.channel), {"receipt": "1111222233334444"})
    # Even the right code waits now: the limiter knows no client, only the channel.
    response = Client().post(url("receipt_login", handler.channel), {"receipt": receipt})
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert TokenBucket.objects.filter(value__startswith="speakup-receipt:").count() == 1


def test_a_malformed_code_is_a_field_error(handler: Handler):
    response = Client().post(url("receipt_login", handler.channel), {"receipt": "12345"})
    assert "16 digits" in response.text


def test_a_receipt_of_another_channel_is_not_found(handler: Handler):
    from speakup.models import Channel

    other = Channel.objects.create(organisation=handler.channel.organisation, slug="other-channel")
    receipt = receipt_of(submit(Client(), handler.channel))
    assert "Not found." in Client().post(url("receipt_login", other), {"receipt": receipt}).text


def test_only_the_session_and_unlock_cookies_after_login_and_none_before(handler: Handler):
    client = Client()
    for name in ("home", "report", "receipt_login"):
        assert not client.get(url(name, handler.channel)).cookies, name
    assert not client.get(f"/speak-up/{handler.channel.slug}/").cookies
    response = submit(client, handler.channel)
    assert not response.cookies
    receipt = receipt_of(response)
    login = client.post(url("receipt_login", handler.channel), {"receipt": receipt})
    assert set(login.cookies) == {settings.SESSION_COOKIE_NAME, UNLOCK_COOKIE}
    for morsel in login.cookies.values():
        assert morsel["httponly"] and not morsel["max-age"] and not morsel["expires"]  # gone with the browser
    assert not client.get(url("followup", handler.channel)).cookies.keys() - {settings.SESSION_COOKIE_NAME}


def test_leave_forgets_the_report(handler: Handler):
    client, _receipt = logged_in(handler)
    token = client.get(url("followup", handler.channel)).context["token"]
    response = client.post(url("leave", handler.channel), {"token": token})
    assert response.status_code == 302
    assert client.get(url("followup", handler.channel)).status_code == 302
    assert "You have left your report" in client.get(response["Location"]).text


def test_a_session_idle_too_long_needs_the_receipt_again(handler: Handler, settings):
    client, _receipt = logged_in(handler)
    settings.SPEAKUP_REPORTER_IDLE_SECONDS = -1
    assert client.get(url("followup", handler.channel)).status_code == 302
