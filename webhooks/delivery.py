"""Sending deliveries: sign, post, and on failure schedule the next attempt with backoff.

A delivery is claimed before it is sent, so two workers (the task queue and the `deliver_webhooks`
command, or several of either) never send the same attempt twice: the claim is a conditional UPDATE
that moves `next_attempt_at` forward by a lease, and succeeds for one process only. On PostgreSQL the
command also reads due rows with SELECT … FOR UPDATE SKIP LOCKED, so parallel runs spread the work.
If a process dies after claiming, the lease runs out and the attempt is made again.
"""

import hashlib
import hmac
import http.client
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from webhooks.destinations import Destination, Refused, check
from webhooks.models import BACKOFF, Delivery

TIMEOUT_SECONDS = 5
LEASE = timedelta(minutes=2)
# A receiver's answer is not read beyond this: only its status code matters.
MAX_ANSWER_BYTES = 4096
USER_AGENT = "Samen-Webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Samen-Signature header: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@dataclass
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""


def _connection(destination: Destination) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if destination.scheme == "https":
        connection = http.client.HTTPSConnection(
            destination.host, destination.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(destination.host, destination.port, timeout=TIMEOUT_SECONDS)

    # Connect to the address that was checked, not to a fresh lookup of the name; TLS still verifies the
    # certificate against the host name.
    def pinned(address: tuple[str, int], timeout: float, source_address: object = None) -> socket.socket:
        return socket.create_connection((destination.address, destination.port), timeout)

    connection._create_connection = pinned  # type: ignore[attr-defined]
    return connection


def post(delivery: Delivery, now: datetime) -> Outcome:
    """One attempt: POST the signed body; 2xx is success. Redirects are not followed (they count as failure)."""
    endpoint = delivery.endpoint
    try:
        destination = check(endpoint.url)
    except Refused as refused:
        return Outcome(ok=False, error=str(refused))
    body = delivery.body
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Samen-Event": delivery.event_type,
        "Samen-Delivery": str(delivery.code),
        "Samen-Signature": signature(endpoint.secret, int(now.timestamp()), body),
    }
    connection = _connection(destination)
    try:
        connection.request("POST", destination.path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read(MAX_ANSWER_BYTES)
        status = answer.status
    except (OSError, http.client.HTTPException) as error:
        return Outcome(ok=False, error=(f"{type(error).__name__}: {error}")[:300])
    finally:
        connection.close()
    if 200 <= status < 300:
        return Outcome(ok=True, status_code=status)
    return Outcome(ok=False, status_code=status, error=f"HTTP {status}")


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts; None when it is time to give up."""
    if attempts > len(BACKOFF):
        return None
    return now + BACKOFF[attempts - 1]


def claim(delivery: Delivery, now: datetime) -> bool:
    """Whether this process makes the delivery's attempt now (see the module's note)."""
    if delivery.status != Delivery.Status.PENDING or delivery.next_attempt_at is None:
        return False
    if delivery.next_attempt_at > now:
        return False
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + LEASE)
    return bool(claimed)


def attempt(delivery: Delivery, now: datetime) -> Outcome | None:
    """Claim, send and record one attempt; None when another process has it or it is not due."""
    if not delivery.endpoint.is_active or not claim(delivery, now):
        return None
    outcome = post(delivery, now)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status = Delivery.Status.DELIVERED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = next_attempt(delivery.attempts, now)
        if delivery.next_attempt_at is None:
            delivery.status = Delivery.Status.FAILED
    delivery.save(
        update_fields=["attempts", "last_attempt_at", "last_status_code", "last_error", "status", "next_attempt_at"]
    )
    return outcome


def deliver_due(now: datetime, limit: int = 100) -> int:
    """Make the attempts that are due (at most `limit`); the number made. Safe to run in parallel."""
    with transaction.atomic():
        # On PostgreSQL, rows another run is reading are skipped; SQLite ignores FOR UPDATE and relies on
        # the conditional UPDATE in `claim` alone.
        due = list(
            Delivery.objects.due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
    made = 0
    for delivery in Delivery.objects.filter(pk__in=due).select_related("endpoint", "endpoint__organisation"):
        if attempt(delivery, now) is not None:
            made += 1
    return made


def retry_now(delivery: Delivery, now: datetime) -> None:
    """Put a pending or failed delivery in line for an attempt at once.

    The count of attempts stays: a delivery that had given up gets one more attempt, not a new series.
    """
    if delivery.status == Delivery.Status.DELIVERED:
        return
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING, next_attempt_at=now)
    delivery.refresh_from_db()
