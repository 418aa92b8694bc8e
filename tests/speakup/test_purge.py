"""Retention: closed reports are deleted after their channel's period, once, with a log entry that says nothing."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from audit.models import Entry
from speakup.models import Attachment, HandlerGrant, Message, Report, ReportKey
from tests.speakup.factories import add_attachment, add_reporter_message, quick_report


def purge() -> str:
    out = StringIO()
    call_command("purge_reports", stdout=out)
    return out.getvalue()


def close(report: Report, days_ago: int) -> None:
    """Close the report as if it happened `days_ago` days ago."""
    closed = timezone.now() - timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(
        status="closed",
        closed_at=closed,
        delete_after=timezone.localdate(closed) + timedelta(days=report.channel.retention_days),
    )


def media_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_deletes_reports_past_retention_with_everything_they_hold(people, handler, django_capture_on_commit_callbacks):
    handler.channel.retention_days = 30
    handler.channel.save()
    due, _key = quick_report(handler.channel, {"what": "Unique marker 7Q2"})
    add_reporter_message(due, "more")
    add_attachment(due, "secret-name.pdf")
    kept_closed, _key = quick_report(handler.channel, {"what": "recent"})
    kept_open, _key = quick_report(handler.channel, {"what": "open"})
    add_attachment(kept_closed)
    close(due, days_ago=31)
    close(kept_closed, days_ago=29)
    assert len(media_files()) == 2

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion is committed
        output = purge()

    assert "Deleted 1 report(s)" in output and "1 attachment file(s)" in output
    assert set(Report.objects.values_list("pk", flat=True)) == {kept_closed.pk, kept_open.pk}
    assert not Message.objects.filter(report_id=due.pk).exists()
    assert not Attachment.objects.filter(report_id=due.pk).exists()
    assert not ReportKey.objects.filter(report_id=due.pk).exists()
    assert not HandlerGrant.objects.filter(report_key__report_id=due.pk).exists()
    assert len(media_files()) == 1  # the kept report's file


def test_the_deletion_is_logged_by_code_and_channel_only(people, handler):
    report, _key = quick_report(handler.channel, {"what": "Unique marker 7Q2", "who": "the treasurer"})
    close(report, days_ago=200)
    purge()
    entry = Entry.objects.get(event="report_deleted")
    assert entry.target == str(report.code)
    assert entry.organisation == "hulp"
    assert entry.detail == {"channel": "hulp-meldpunt"}
    assert entry.actor == ""
    assert "7Q2" not in str(entry.__dict__) and "treasurer" not in str(entry.__dict__)


def test_running_again_deletes_nothing_more(people, handler):
    report, _key = quick_report(handler.channel, {"what": "x"})
    close(report, days_ago=200)
    assert "Deleted 1 report(s)" in purge()
    assert "Deleted 0 report(s)" in purge()
    assert Entry.objects.filter(event="report_deleted").count() == 1


def test_a_missing_file_does_not_stop_the_purge(people, handler, django_capture_on_commit_callbacks):
    report, _key = quick_report(handler.channel, {"what": "x"})
    attachment = add_attachment(report)
    Path(attachment.file.path).unlink()
    close(report, days_ago=200)
    with django_capture_on_commit_callbacks(execute=True):
        assert "Deleted 1 report(s)" in purge()
    assert not Report.objects.exists()


def test_open_reports_are_never_deleted(people, handler):
    report, _key = quick_report(handler.channel, {"what": "x"}, created_on=timezone.localdate() - timedelta(days=3000))
    assert "Deleted 0 report(s)" in purge()
    assert Report.objects.filter(pk=report.pk).exists()
