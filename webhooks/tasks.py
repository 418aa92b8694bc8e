"""The worker's part: deliver one webhook, and when it fails, queue the next attempt for later.

With a backend that can defer (django_tasks_db's DatabaseBackend in production) the retry is a task
with `run_after`. The immediate backend of development and tests cannot defer, so there the retries
wait for `manage.py deliver_webhooks`, which sends every due delivery; running that command from cron
in production as well catches anything a lost task would leave behind.
"""

from uuid import UUID

from django.utils import timezone
from django_tasks import task

from webhooks.delivery import attempt
from webhooks.models import Delivery


@task()
def deliver(code: str) -> str:
    delivery = Delivery.objects.select_related("endpoint", "endpoint__organisation").filter(code=UUID(code)).first()
    if delivery is None:
        return "gone"
    outcome = attempt(delivery, timezone.now())
    if outcome is None:
        return "skipped"
    if delivery.status == Delivery.Status.PENDING and delivery.next_attempt_at is not None:
        schedule(delivery)
    return delivery.status


def schedule(delivery: Delivery) -> None:
    """Queue an attempt at `next_attempt_at` (at once if the backend cannot wait)."""
    due = delivery.next_attempt_at
    if due is not None and due > timezone.now():
        if deliver.get_backend().supports_defer:
            deliver.using(run_after=due).enqueue(str(delivery.code))
        # Otherwise `deliver_webhooks` sends it when it is due.
        return
    deliver.enqueue(str(delivery.code))
