from django.core.management.base import BaseCommand
from django.utils import timezone

from actions.reminders import send_action_reminders


class Command(BaseCommand):
    help = "Email each owner of overdue open actions, at most once a day. Safe to run often and in parallel."

    def handle(self, *args: object, **options: object) -> None:
        result = send_action_reminders(timezone.localdate())
        self.stdout.write(
            f"Reminded {result.owners} owner(s) about {result.actions} overdue action(s); "
            f"{result.already} already reminded today; {result.without_owner} overdue without an owner."
        )
