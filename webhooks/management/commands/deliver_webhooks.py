from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from webhooks.delivery import deliver_due
from webhooks.events import announce_overdue_actions


class Command(BaseCommand):
    help = (
        "Announce newly overdue actions to the webhooks that listen for them, then send every due webhook "
        "delivery (first attempts and retries). Safe to run often (every minute) and in parallel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many attempts per run.")

    def handle(self, *args: object, **options: object) -> None:
        announced = announce_overdue_actions(timezone.localdate())
        limit = options["limit"]
        assert isinstance(limit, int)
        sent = deliver_due(timezone.now(), limit=limit)
        self.stdout.write(f"Announced {announced} overdue action delivery(ies); made {sent} delivery attempt(s).")
