"""Deliveries: signed as documented, retried with backoff, given up after the last attempt, claimed once."""

import hmac
import json
import uuid
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from tests.webhooks.conftest import verify
from webhooks.delivery import attempt, claim, deliver_due, next_attempt, retry_now, signature
from webhooks.events import send_test
from webhooks.models import Delivery, Endpoint
from webhooks.tasks import deliver


def endpoint_for(people, url: str, events: list[str] | None = None) -> Endpoint:
    return Endpoint.add(organisation=people.org, url=url, events=events or ["action.overdue"], by=people.admin)


def pending(endpoint: Endpoint, when=None) -> Delivery:
    return Delivery.objects.create(
        organisation=endpoint.organisation,
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event_type="action.overdue",
        payload={"id": "x", "type": "action.overdue", "data": {"title": "Train staff"}},
        next_attempt_at=when or timezone.now(),
    )


def test_the_signature_is_the_documented_hmac():
    body = b'{"id":"1"}'
    header = signature("whsec_abc", 1700000000, body)
    assert header == "t=1700000000,v1=" + hmac.new(b"whsec_abc", b"1700000000." + body, "sha256").hexdigest()


def test_a_test_event_arrives_signed_with_its_headers(people, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(people, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = send_test(endpoint)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    [got] = receiver.received
    assert got.path == "/hooks/samen"
    assert got.headers["Samen-Event"] == "ping"
    assert got.headers["Samen-Delivery"] == str(delivery.code)
    assert got.headers["Content-Type"] == "application/json"
    assert verify(endpoint.secret, got.headers["Samen-Signature"], got.body)
    # A different secret, or a changed body, does not verify.
    assert not verify("whsec_other", got.headers["Samen-Signature"], got.body)
    assert not verify(endpoint.secret, got.headers["Samen-Signature"], got.body.replace(b"test", b"tent"))
    payload = json.loads(got.body)
    assert set(payload) == {"id", "type", "created", "organisation", "data"}
    assert payload["type"] == "ping" and payload["organisation"] == {"slug": "hulp", "name": people.org.name}
    assert payload["id"] == str(delivery.event_id)


def test_an_old_signature_is_refused_by_the_recipe(people):
    body = b"{}"
    old = int((timezone.now() - timedelta(minutes=10)).timestamp())
    assert not verify("s", signature("s", old, body), body)


def test_backoff_schedule_then_give_up(people, receiver):
    receiver.status = 500
    endpoint = endpoint_for(people, receiver.url)
    now = timezone.now()
    delivery = pending(endpoint, now)
    waits = []
    for _ in range(5):
        outcome = attempt(delivery, now)
        assert outcome is not None and not outcome.ok and outcome.status_code == 500
        assert delivery.status == "pending" and delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - now)
        # Not due yet: nothing is sent.
        assert attempt(delivery, now + waits[-1] - timedelta(seconds=1)) is None
        now = delivery.next_attempt_at
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert attempt(delivery, now) is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 6, None)
    assert delivery.last_status_code == 500 and delivery.last_error == "HTTP 500"
    assert len(receiver.received) == 6
    assert attempt(delivery, now + timedelta(days=1)) is None
    assert next_attempt(6, now) is None and next_attempt(1, now) == now + timedelta(minutes=1)

    # "Retry now" gives a failed delivery one more attempt; when it succeeds it is delivered.
    receiver.status = 204
    retry_now(delivery, now)
    assert attempt(delivery, now) is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 7, 204)


def test_a_redirect_is_not_followed(people, receiver):
    receiver.status = 302
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data"
    delivery = pending(endpoint_for(people, receiver.url))
    outcome = attempt(delivery, timezone.now())
    assert outcome is not None and not outcome.ok and outcome.status_code == 302
    assert len(receiver.received) == 1 and delivery.status == "pending" and delivery.attempts == 1


def test_a_delivery_is_claimed_by_one_process_only(people, receiver):
    delivery = pending(endpoint_for(people, receiver.url))
    now = timezone.now()
    rival = Delivery.objects.get(pk=delivery.pk)
    assert claim(delivery, now)
    assert not claim(rival, now)  # read the same row, but the claim moved on
    # The lease runs out: if the first process died, a later run makes the attempt.
    rival.refresh_from_db()
    assert not claim(rival, now + timedelta(minutes=1))
    assert claim(rival, now + timedelta(minutes=3))


def test_deliver_due_sends_only_what_is_due_and_only_once(people, receiver):
    endpoint = endpoint_for(people, receiver.url)
    now = timezone.now()
    due = pending(endpoint, now - timedelta(seconds=5))
    later = pending(endpoint, now + timedelta(minutes=10))
    off = endpoint_for(people, receiver.url)
    off.switch(on=False, by=people.admin)
    waiting = pending(off, now - timedelta(seconds=5))
    assert deliver_due(now) == 1
    assert deliver_due(now) == 0
    assert len(receiver.received) == 1
    assert Delivery.objects.get(pk=due.pk).status == "delivered"
    assert Delivery.objects.get(pk=later.pk).attempts == 0
    assert Delivery.objects.get(pk=waiting.pk).attempts == 0  # waits until the endpoint is on again


def test_the_command_sends_due_deliveries(people, receiver, capsys):
    pending(endpoint_for(people, receiver.url), timezone.now() - timedelta(seconds=1))
    call_command("deliver_webhooks")
    assert "made 1 delivery attempt(s)" in capsys.readouterr().out
    assert len(receiver.received) == 1
    call_command("deliver_webhooks")
    assert len(receiver.received) == 1


def test_the_worker_queues_the_retry_for_when_it_is_due(people, receiver, queued_tasks):
    """With a backend that can wait (the database backend in production), a failed attempt queues the next
    one with run_after; the dummy backend stands in for it and records what was queued."""
    receiver.status = 503
    delivery = pending(endpoint_for(people, receiver.url))
    assert default_task_backend.supports_defer
    assert deliver.call(str(delivery.code)) == "pending"
    delivery.refresh_from_db()
    [queued] = default_task_backend.results  # type: ignore[attr-defined]
    assert queued.args == [str(delivery.code)]
    assert queued.task.run_after == delivery.next_attempt_at
    assert delivery.attempts == 1 and delivery.last_status_code == 503
