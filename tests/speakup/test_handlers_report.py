"""One report for its handlers: unlock first, every opening audited, replies the reporter can read,
acknowledgement with its clock, closing with the retention date, attachments."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Entry
from speakup import keys
from speakup.models import Message, Report
from tests.conftest import PASSWORD
from tests.speakup.conftest import add_handler
from tests.speakup.factories import add_attachment, add_reporter_message, reporter_key, store_report


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


def url(view: str, report: Report, **kwargs: object) -> str:
    return reverse(f"speakup:{view}", kwargs={"slug": "hulp", "code": report.code, **kwargs})


@pytest.fixture
def report(handler) -> Report:
    report, _receipt = store_report(
        handler.channel, {"what": "The treasurer took cash", "where": "Kampala office", "who": "Treasurer"}
    )
    return report


def test_the_report_page_needs_an_unlocked_key(people, handler, report):
    response = people.client("officer").get(url("report", report))
    unlock = reverse("speakup:unlock", kwargs={"slug": "hulp"})
    assert response.status_code == 302
    assert response["Location"] == f"{unlock}?next={quote(url('report', report), safe='')}"
    assert not Entry.objects.filter(event="report_opened").exists()


def test_a_handler_reads_the_report_and_the_opening_is_audited(people, handler, report, unlocked):
    add_reporter_message(report, "I can tell you more")
    add_attachment(report, "receipt.pdf")
    response = unlocked.get(url("report", report))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The treasurer took cash" in html and "Kampala office" in html
    assert "I can tell you more" in html
    assert "receipt.pdf" in html
    entry = Entry.objects.get(event="report_opened")
    assert entry.actor == people.officer.email
    assert entry.target == str(report.code)
    assert entry.organisation == "hulp"
    assert "treasurer" not in str(entry.detail).lower()
    unlocked.get(url("report", report))
    assert Entry.objects.filter(event="report_opened").count() == 2  # every opening
    assert Message.objects.get(from_reporter=True).read_at is not None


@pytest.mark.parametrize("persona", ["admin", "manager", "member", "viewer", "outsider"])
def test_a_person_who_is_not_assigned_gets_404_whatever_their_role(people, handler, report, persona):
    client = people.client(persona)
    for name in ("report", "report_acknowledge", "report_close"):
        assert client.get(url(name, report)).status_code == 404
    assert client.post(url("report_reply", report), {"body": "hi"}).status_code == 404


def test_an_admin_with_a_key_but_no_grant_gets_404(people, handler, report):
    keys.setup(people.admin, PASSWORD)
    client = people.client("admin")
    client.post(reverse("speakup:unlock", kwargs={"slug": "hulp"}), {"password": PASSWORD})
    assert client.get(url("report", report)).status_code == 404


def test_a_report_of_another_organisation_is_not_found_through_this_one(people, handler, report):
    # The officer's grant does not make the report reachable under an organisation it does not belong to.
    from organisations.models import Membership

    Membership.objects.create(user=people.officer, organisation=people.other_org, role="member")
    response = people.client("officer").get(reverse("speakup:report", kwargs={"slug": "ander", "code": report.code}))
    assert response.status_code == 404


def test_reply_round_trip_the_reporter_reads_it(people, handler, unlocked):
    report, receipt = store_report(handler.channel, {"what": "x"})
    response = unlocked.post(url("report_reply", report), {"body": "Can you tell us when it happened?"})
    assert response.status_code == 302
    message = Message.objects.get(report=report)
    assert not message.from_reporter and message.author == people.officer
    assert b"when it happened" not in bytes(message.body)
    text = keys.open_for_reporter(report, message.key_version, message.body, reporter_key(report, receipt))
    assert text == b"Can you tell us when it happened?"
    assert "Can you tell us when it happened?" in unlocked.get(url("report", report)).content.decode()


def test_an_empty_reply_is_refused_with_a_message(people, handler, report, unlocked):
    response = unlocked.post(url("report_reply", report), {"body": ""}, follow=True)
    assert "Write a message first." in response.content.decode()
    assert not Message.objects.exists()


def test_acknowledging_sends_a_message_and_stops_the_clock(people, handler, unlocked):
    report, receipt = store_report(handler.channel, {"what": "x"}, created_on=timezone.localdate() - timedelta(days=3))
    page = unlocked.get(url("report", report)).content.decode()
    assert "Acknowledge within 4 days" in page
    form = unlocked.get(url("report_acknowledge", report))
    assert "Thank you for your report." in form.content.decode()
    response = unlocked.post(url("report_acknowledge", report), {"body": "Received, thank you."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "acknowledged" and report.acknowledged_at is not None
    message = Message.objects.get(report=report)
    assert keys.open_for_reporter(report, 1, message.body, reporter_key(report, receipt)) == b"Received, thank you."
    assert Entry.objects.filter(event="report_acknowledged", target=str(report.code)).exists()
    page = unlocked.get(url("report", report)).content.decode()
    assert "Receipt acknowledged" in page and "Acknowledge within" not in page
    # Twice is once.
    unlocked.post(url("report_acknowledge", report), {"body": "Again"})
    assert Message.objects.filter(report=report).count() == 1


def test_closing_sets_the_deletion_date_from_the_channels_retention(people, handler, report, unlocked):
    handler.channel.retention_days = 30
    handler.channel.save()
    page = unlocked.get(url("report_close", report)).content.decode()
    assert "30 days after closing" in page
    assert unlocked.post(url("report_close", report)).status_code == 302
    report.refresh_from_db()
    assert report.status == "closed"
    assert report.delete_after == timezone.localdate() + timedelta(days=30)
    assert Entry.objects.filter(event="report_closed", target=str(report.code)).exists()
    # A closed report takes no more messages.
    unlocked.post(url("report_reply", report), {"body": "late"})
    assert not Message.objects.exists()


def test_attachment_download_is_decrypted_audited_and_not_sniffed(people, handler, report, unlocked):
    attachment = add_attachment(report, "bon.pdf", b"%PDF-1.4 the receipt")
    name = attachment.file.name.rsplit("/", 1)[-1]
    assert b"the receipt" not in attachment.file.open("rb").read()
    response = unlocked.get(url("attachment_download", report, name=name))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 the receipt"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bon.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Entry.objects.filter(event="report_attachment_downloaded", target=str(report.code)).exists()
    assert unlocked.get(url("attachment_download", report, name="0" * 32)).status_code == 404
    assert people.client("admin").get(url("attachment_download", report, name=name)).status_code == 404


def test_a_handler_added_later_gets_the_report_when_a_handler_opens_it(people, handler, report, unlocked):
    private_key, _recovery = add_handler(handler.channel, people.manager)
    manager = people.client("manager")
    assert manager.get(url("report", report)).status_code == 404  # not shared yet
    unlocked.get(url("report", report))
    assert keys.open_for_handler(report, 1, report.content, private_key).startswith(b"{")
    assert Entry.objects.get(event="report_opened").detail["shared_with"] == [people.manager.email]
