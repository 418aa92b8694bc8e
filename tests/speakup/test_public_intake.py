"""The intake: a report is sealed and answered with a receipt; bad input keeps what was typed."""

import json
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import TokenBucket
from speakup import keys
from speakup.forms_public import FORM_SALT
from speakup.management.commands.purge_reports import purge_reports
from speakup.models import Attachment, Report, SpentFormToken
from tests.speakup.conftest import Handler
from tests.speakup.test_public_support import (  # noqa: F401  (fixtures)
    no_traces_middleware,
    old_token,
    png_bytes,
    quick_public_settings,
    receipt_of,
    submit,
    url,
)


def test_the_form_renders_with_every_part(handler: Handler):
    response = Client().get(url("report", handler.channel))
    assert response.status_code == 200
    text = response.text
    for part in ('name="category"', 'name="what"', 'name="anonymity"', 'name="attachments"', 'name="token"'):
        assert part in text
    assert "<legend>" in text
    assert 'enctype="multipart/form-data"' in text


def test_a_report_is_sealed_and_the_receipt_shown_once(handler: Handler):
    response = submit(Client(), handler.channel, files={"attachments": SimpleUploadedFile("photo.png", png_bytes())})
    assert response.status_code == 200
    receipt = receipt_of(response)
    groups = " ".join(f"<span>{receipt[i : i + 4]}</span>" for i in range(0, 16, 4))
    assert groups in response.text  # four groups of four digits
    assert "cannot recover" in response.text or "nobody can recover" in response.text.lower()

    report = Report.objects.get()
    assert report.organisation == handler.channel.organisation
    assert report.anonymity == "anonymous" and report.category is None
    assert b"food parcels" not in bytes(report.content)
    # The handler can read it: their grant was made at submit.
    raw = keys.handler_report_keys(report, handler.private_key)
    content = json.loads(keys.open_with(raw, report.key_version, report.content))
    assert content["what"] == "The driver sells the food parcels at the market."
    assert content["language"] == "en"
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert keys.open_with(raw, attachment.key_version, attachment.name) == b"photo.png"


def test_the_chosen_category_and_its_extra_questions(handler: Handler):
    from framework.models import ViolationType

    fraud = ViolationType.objects.create(
        code="financial",
        name_nl="Financiële schendingen",
        name_en="Financial violations",
        definition_nl="-",
        definition_en="-",
    )
    channel = handler.channel
    channel.questions = {"financial": [{"en": "How much money?", "fr": "Combien d'argent ?"}]}
    channel.save()
    page = Client().get(url("report", channel, "fr"))
    assert "Combien d&#x27;argent ?" in page.text
    response = submit(Client(), channel, category="financial", q_financial_0="About 500 euro")
    receipt_of(response)
    report = Report.objects.get()
    assert report.category == fraud
    raw = keys.handler_report_keys(report, handler.private_key)
    content = json.loads(keys.open_with(raw, 1, report.content))
    assert content["answers"] == [{"question": "How much money?", "answer": "About 500 euro"}]


def test_empty_report_gets_field_errors(handler: Handler):
    response = submit(Client(), handler.channel, what="", when="Yesterday")
    assert response.status_code == 200
    assert "Please check the following" in response.text
    assert 'href="#id_what"' in response.text
    assert "Yesterday" in response.text
    assert not Report.objects.exists()


def test_oversized_text_is_refused_and_kept(handler: Handler):
    long = "x" * 20_001
    response = submit(Client(), handler.channel, what=long)
    assert "at most 20000 characters" in response.text or "20000" in response.text
    assert long in response.text
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.docx", b"PK\x03\x04 word", "only PDF, JPEG and PNG"),
        ("fake.png", b"MZ this is a program", "only PDF, JPEG and PNG"),
        ("broken.png", b"\x89PNG\r\n\x1a\n not really", "cannot be opened"),
    ],
)
def test_refused_attachments_keep_the_text(handler: Handler, name, data, message):
    response = submit(
        Client(), handler.channel, what="Kept text 1234", files={"attachments": SimpleUploadedFile(name, data)}
    )
    assert message in response.text
    assert "Kept text 1234" in response.text
    assert "choose them again" in response.text
    assert not Report.objects.exists()


def test_too_large_attachment_is_refused_with_its_size(handler: Handler):
    channel = handler.channel
    channel.max_attachment_bytes = 1024
    channel.save()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4000)
    response = submit(Client(), channel, what="Kept text 5678", files={"attachments": big})
    assert "too large" in response.text
    assert "Kept text 5678" in response.text
    assert not Report.objects.exists()


def test_name_and_anonymity_must_agree(handler: Handler):
    response = submit(Client(), handler.channel, anonymity="confidential", name="")
    assert "Give your name" in response.text
    response = submit(Client(), handler.channel, anonymity="anonymous", name="Amina")
    assert "leave your name empty" in response.text
    assert not Report.objects.exists()
    receipt_of(submit(Client(), handler.channel, anonymity="confidential", name="Amina"))
    assert Report.objects.get().anonymity == "confidential"


def test_honeypot_and_too_fast_are_refused_kindly(handler: Handler):
    channel = handler.channel
    response = submit(Client(), channel, website="http://spam.example", what="Honeypot text")
    assert "could not be sent" in response.text
    assert "Honeypot text" in response.text
    assert "spam.example" not in response.text
    response = submit(Client(), channel, token=old_token(channel, 1), what="Quick text")
    assert "very quick" in response.text
    assert "Quick text" in response.text
    assert not Report.objects.exists()


def test_an_expired_form_gets_a_fresh_token_and_keeps_the_text(handler: Handler):
    channel = handler.channel
    response = submit(Client(), channel, token=old_token(channel, 7 * 60 * 60), what="Slow writer")
    assert "open for a long time" in response.text and "Slow writer" in response.text
    fresh = response.context["form"].data["token"]
    assert fresh != old_token(channel, 7 * 60 * 60)


def test_submissions_are_limited_per_channel(handler: Handler):
    channel = handler.channel
    channel.max_reports_per_hour = 2
    channel.save()
    receipt_of(submit(Client(), channel))
    receipt_of(submit(Client(), channel))
    response = submit(Client(), channel, what="Third report text")
    assert response.status_code == 429
    assert "Third report text" in response.text
    assert Report.objects.count() == 2
    # The limiter is per channel: its key names the channel, never a client.
    assert TokenBucket.objects.filter(value__startswith="speakup-submit:").count() == 1


def test_a_closed_channel_takes_no_report(handler: Handler):
    handler.channel.is_open = False
    handler.channel.save()
    assert "does not take new reports" in Client().get(url("report", handler.channel)).text
    submit(Client(), handler.channel)
    assert not Report.objects.exists()


def test_a_cross_site_post_is_refused(handler: Handler):
    client = Client(headers={"Sec-Fetch-Site": "cross-site"})
    assert submit(client, handler.channel).status_code == 403
    assert not Report.objects.exists()


def test_the_same_form_sent_twice_stores_one_report_and_shows_the_same_receipt(handler: Handler):
    channel = handler.channel
    token = old_token(channel, 10)
    receipt = receipt_of(submit(Client(), channel, token=token))

    # A double press or a resend: the browser shows the second answer, so it must carry the same receipt.
    again = submit(Client(), channel, token=token, what="The same report, sent again")
    assert again.status_code == 200
    assert receipt_of(again) == receipt
    assert Report.objects.count() == 1
    # Kept: a digest of the form's one-time number and the receipt locked under a key only that number gives.
    spent = SpentFormToken.objects.get()
    assert len(spent.digest) == 64 and receipt.encode() not in bytes(spent.receipt)

    # A new form is a new report, with a receipt of its own.
    assert receipt_of(submit(Client(), channel)) != receipt
    assert Report.objects.count() == 2


def test_a_resend_whose_receipt_cannot_be_opened_stores_nothing_and_says_why(handler: Handler):
    channel = handler.channel
    token = old_token(channel, 10)
    receipt_of(submit(Client(), channel, token=token))
    SpentFormToken.objects.update(receipt=b"not the receipt")

    again = submit(Client(), channel, token=token)
    assert again.status_code == 409
    assert "already received" in again.text and "cannot be shown again" in again.text
    assert Report.objects.count() == 1


def test_a_form_token_without_its_one_time_number_is_treated_as_old(handler: Handler):
    channel = handler.channel
    legacy = signing.dumps({"c": str(channel.code), "t": time.time() - 10}, salt=FORM_SALT)
    response = submit(Client(), channel, token=legacy, what="Written before the upgrade")
    assert "open for a long time" in response.text and "Written before the upgrade" in response.text
    assert not Report.objects.exists()


def test_purging_forgets_sent_forms_no_form_could_still_use(handler: Handler):
    today = timezone.localdate()
    SpentFormToken.objects.create(digest="a" * 64, spent_on=today - timedelta(days=10))
    SpentFormToken.objects.create(digest="b" * 64, spent_on=today)
    purge_reports(today)
    assert list(SpentFormToken.objects.values_list("digest", flat=True)) == ["b" * 64]
