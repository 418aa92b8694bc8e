"""Delete closed reports whose retention period has passed: content, messages, keys, grants and attachment files.

Run it from cron or the worker as often as you like: a report is deleted once, and the deletion is
written to the audit log by report code and channel only, never by what it said. Several copies may
run at once: on PostgreSQL each report is claimed with a skipped row lock; on SQLite writes are
serialised and a report another run deleted first is simply not found.
"""

from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from audit.models import Event, record
from speakup.forms_public import form_max_age_seconds
from speakup.models import Report, SpentFormToken

# The audit event of a deletion (audit.Event needs this choice; Entry.event stores any string).
REPORT_DELETED = Event.REPORT_DELETED


def _delete_files(names: list[str]) -> None:
    for name in names:
        # A file already gone (an earlier run that stopped halfway) is what we want anyway.
        default_storage.delete(name)


def purge_reports(today: date | None = None) -> tuple[int, int]:
    """Delete every report due for deletion on `today`; returns (reports, attachment files) deleted.

    Also forgets the sent forms no form could still be sent as (a form lives hours, these are days old)."""
    today = today or timezone.localdate()
    days = form_max_age_seconds() // 86400 + 2
    SpentFormToken.objects.filter(spent_on__lt=today - timedelta(days=days)).delete()
    reports = files = 0
    for pk in list(Report.objects.due_for_deletion(today).values_list("pk", flat=True)):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("channel", "organisation")
                .filter(pk=pk)
                .due_for_deletion(today)
                .first()
            )
            if report is None:
                continue  # deleted or claimed by another run, or reopened meanwhile
            names = [name for name in report.attachments.values_list("file", flat=True) if name]
            code, channel, organisation = str(report.code), report.channel.slug, report.organisation.slug
            deleted, _by_model = Report.objects.filter(pk=pk).delete()
            if not deleted:
                continue
            record(REPORT_DELETED, organisation=organisation, target=code, detail={"channel": channel})
            # Files go once the rows are gone for sure. Should this process stop in between, the files
            # left behind are sealed to keys that no longer exist: nobody can open them.
            transaction.on_commit(lambda names=names: _delete_files(names))  # type: ignore[misc]
        reports += 1
        files += len(names)
    return reports, files


class Command(BaseCommand):
    help = "Delete closed speak-up reports past their channel's retention period. Safe to run often and in parallel."

    def handle(self, *args: object, **options: object) -> None:
        reports, files = purge_reports()
        self.stdout.write(f"Deleted {reports} report(s) past their retention period, with {files} attachment file(s).")
