"""Webhooks: an organisation's endpoints, and the deliveries of signed event notifications to them.

The secret of an endpoint is stored in clear: Samen must sign every delivery with it, so it cannot keep
only a hash (as it does for API tokens). It is shown once, when the endpoint is made; a copy of the
database lets someone forge notifications to that endpoint, nothing more — a notification carries no
sensitive content (codes, titles and dates, never case or report data).
"""

import json
import secrets
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Event, record
from organisations.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.models import User

# The events an endpoint may subscribe to. "ping" (the test event) is sent only on request.
EVENTS: dict[str, "StrOrPromise"] = {
    "assessment.shared": _("An assessment is shared with your organisation"),
    "action.overdue": _("An action of your organisation's plans is overdue"),
}
PING = "ping"

# After the n-th failed attempt, the next one comes BACKOFF[n-1] later; after the last, the delivery fails.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]

SECRET_PREFIX = "whsec_"  # noqa: S105 (a marker, not a secret)


def retention() -> timedelta:
    """How long deliveries are kept for the log: older ones are purged by `manage.py deliver_webhooks`."""
    return timedelta(days=int(getattr(settings, "WEBHOOK_RETENTION_DAYS", 90)))


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class EndpointQuerySet(models.QuerySet["Endpoint"]):
    def listening(self, organisation: Organisation, event_type: str) -> list["Endpoint"]:
        """The organisation's active endpoints subscribed to `event_type`."""
        # Events are a short JSON list; filtered in Python so the same code runs on SQLite and PostgreSQL.
        return [e for e in self.filter(organisation=organisation, is_active=True) if event_type in e.events]


class Endpoint(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url

    @classmethod
    def add(cls, *, organisation: Organisation, url: str, events: list[str], by: "User") -> "Endpoint":
        unknown = set(events) - set(EVENTS)
        if unknown:
            raise ValueError(f"Unknown events: {sorted(unknown)}")
        endpoint = cls.objects.create(
            organisation=organisation,
            url=url,
            events=sorted(events),
            secret=new_secret(),
            created_by=by,
        )
        record(
            Event.WEBHOOK_CREATED,
            actor=by.email,
            organisation=organisation.slug,
            target=str(endpoint.code),
            detail={"url": url, "events": endpoint.events},
        )
        return endpoint

    def event_labels(self) -> list[str]:
        return [str(EVENTS[e]) for e in self.events if e in EVENTS]

    def switch(self, *, on: bool, by: "User") -> None:
        """Turn the endpoint on or off; while off, no new deliveries are made and pending ones wait."""
        if self.is_active == on:
            return
        self.is_active = on
        self.save(update_fields=["is_active"])
        record(
            Event.WEBHOOK_CHANGED,
            actor=by.email,
            organisation=self.organisation.slug,
            target=str(self.code),
            detail={"url": self.url, "active": on},
        )

    def change(self, *, url: str, events: list[str], is_active: bool, by: "User") -> list[str]:
        """Change where it sends, what and whether; the names of what changed (recorded in the audit log)."""
        unknown = set(events) - set(EVENTS)
        if unknown:
            raise ValueError(f"Unknown events: {sorted(unknown)}")
        new = {"url": url, "events": sorted(events), "is_active": is_active}
        changed = [name for name, value in new.items() if getattr(self, name) != value]
        if not changed:
            return []
        old = {name: getattr(self, name) for name in changed}
        for name in changed:
            setattr(self, name, new[name])
        self.save(update_fields=changed)
        record(
            Event.WEBHOOK_CHANGED,
            actor=by.email,
            organisation=self.organisation.slug,
            target=str(self.code),
            detail={"url": self.url, "changed": {name: [old[name], new[name]] for name in changed}},
        )
        return changed

    def rotate_secret(self, by: "User") -> str:
        """A new signing secret, used from the next attempt on (pending retries too); the old one signs nothing more."""
        self.secret = new_secret()
        self.save(update_fields=["secret"])
        record(
            Event.WEBHOOK_CHANGED,
            actor=by.email,
            organisation=self.organisation.slug,
            target=str(self.code),
            detail={"url": self.url, "secret": "rotated"},
        )
        return self.secret

    def remove(self, by: "User") -> None:
        record(
            Event.WEBHOOK_DELETED,
            actor=by.email,
            organisation=self.organisation.slug,
            target=str(self.code),
            detail={"url": self.url},
        )
        self.delete()


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now: datetime) -> "DeliveryQuerySet":
        return self.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True)

    def purge(self, now: datetime) -> int:
        """Delete deliveries made longer than `retention()` ago, whatever their state; how many went.

        A pending one that old belongs to an endpoint turned off for months: its news is stale. Overdue
        actions are announced only while their delivery would still be kept (`events.announce_window`), so
        purging never makes an action announced twice.
        """
        deleted, _by_model = self.filter(created_at__lt=now - retention()).delete()
        return deleted


class Delivery(models.Model):
    """One event for one endpoint, with the state of its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # One event (the payload's "id") goes to each of the organisation's endpoints that listen for it.
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    # What the event is about, so the same thing is never announced twice to an endpoint
    # ("action.overdue:<code>:<due date>"); empty for events that may repeat (the test event).
    key = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "key"], condition=~Q(key=""), name="webhook_delivery_once_per_key"
            ),
            models.CheckConstraint(condition=Q(status__in=["pending", "delivered", "failed"]), name="webhook_status"),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(next_attempt_at__isnull=False), name="webhook_pending_has_next"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"

    @property
    def body(self) -> bytes:
        return body_of(self.payload)


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: compact JSON with sorted keys."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
