from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.reminders import send_case_reminders


class Command(BaseCommand):
    help = (
        "Email the handlers of open cases about steps due within three days or overdue: once per step, "
        "person and kind. Safe to run often and in parallel."
    )

    def handle(self, *args: object, **options: object) -> None:
        result = send_case_reminders(timezone.now())
        self.stdout.write(
            f"Sent {result.emails} email(s): {result.soon} step(s) due soon, {result.overdue} overdue; "
            f"{result.already} already reminded; {result.unattended} due with nobody assigned to tell."
        )
