from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from webhooks.delivery import deliver_due
from webhooks.events import announce_overdue_actions
from webhooks.models import Delivery, retention


class Command(BaseCommand):
    help = (
        "Announce newly overdue actions to the webhooks that listen for them, then send every due webhook "
        "delivery (first attempts and retries), and purge deliveries older than the retention period "
        "(WEBHOOK_RETENTION_DAYS, 90 days by default). Safe to run often (every minute) and in parallel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many attempts per run.")

    def handle(self, *args: object, **options: object) -> None:
        announced = announce_overdue_actions(timezone.localdate())
        limit = options["limit"]
        assert isinstance(limit, int)
        now = timezone.now()
        sent = deliver_due(now, limit=limit)
        purged = Delivery.objects.purge(now)
        self.stdout.write(
            f"Announced {announced} overdue action delivery(ies); made {sent} delivery attempt(s); "
            f"purged {purged} delivery(ies) older than {retention().days} days."
        )
