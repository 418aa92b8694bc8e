from django.core.management.base import BaseCommand
from django.utils import timezone

from health.reminders import send_health_check_reminders


class Command(BaseCommand):
    help = (
        "Ask each person invited to an open health-check round to answer (once per round), and tell managers "
        "when a check's next round is due (once per due date). Safe to run often and in parallel."
    )

    def handle(self, *args: object, **options: object) -> None:
        result = send_health_check_reminders(timezone.localdate())
        self.stdout.write(
            f"Asked {result.participants} participant(s) to answer; "
            f"{result.checks_due} check(s) due, {result.managers} manager(s) told."
        )
