"""API tokens: an organisation's keys for other systems, each with the scopes it may use.

Only a SHA-256 hash of the secret is stored. The secret has 256 bits of randomness, so a fast hash is
enough (there is nothing to guess by brute force) and lets a request find its token by an indexed
lookup; a copy of the database cannot be used to call the API. The holder sees the secret once, when
the token is made.

Each token carries its own rate limit as a token bucket (a `TokenBucket` as healthchecks keeps one,
but in the token's own row, so a request reads and writes one row, not two).
"""

import hashlib
import math
import secrets
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

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

# The areas a token may be given, and whether it may only read or also write there. Write scopes exist
# only where the API has something to write.
SCOPES: dict[str, "StrOrPromise"] = {
    "organisations:read": _("Read the organisation, its partners, partnerships and alliances"),
    "organisations:write": _("Record and change partnerships"),
    "people:read": _("Read the people of the organisation and their roles"),
    "assessments:read": _("Read assessments and their answers (own, requested, shared with us)"),
    "actions:read": _("Read action plans and actions"),
    "actions:write": _("Add and change actions"),
    "dilemmas:read": _("Read the dilemma library"),
    "guide:read": _("Read the guide's pages and the organisation's own pages"),
    "health:read": _("Read partnership health checks and their results"),
    "cases:read": _("Read case statistics (counts only, never case content)"),
    "ecosystem:read": _("Read the IATI ecosystem: organisations and relations, with the overlay of current partners"),
}

PREFIX = "samen_"
# How many characters of the secret are kept in clear to tell tokens apart in the list.
SHOWN_CHARS = len(PREFIX) + 6


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def rate_per_minute() -> int:
    return int(getattr(settings, "API_RATE_PER_MINUTE", 120))


class TokenQuerySet(models.QuerySet["Token"]):
    def active(self) -> "TokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class Token(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=SHOWN_CHARS)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rate limit's bucket: 1.0 is full; each request takes 1 / API_RATE_PER_MINUTE; it refills in a minute.
    bucket = models.FloatField(default=1.0)
    bucket_at = models.DateTimeField(default=timezone.now)

    objects = TokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(bucket__lte=1.0), name="api_token_bucket_at_most_full"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, organisation: Organisation, name: str, scopes: list[str], by: "User") -> tuple["Token", str]:
        """Make a token; return it with its secret, which is shown once and never stored."""
        unknown = set(scopes) - set(SCOPES)
        if unknown:
            raise ValueError(f"Unknown scopes: {sorted(unknown)}")
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            organisation=organisation,
            name=name,
            prefix=secret[:SHOWN_CHARS],
            secret_hash=token_hash(secret),
            scopes=sorted(scopes),
            created_by=by,
        )
        record(
            Event.API_TOKEN_CREATED,
            actor=by.email,
            organisation=organisation.slug,
            target=str(token.code),
            detail={"name": name, "scopes": token.scopes},
        )
        return token, secret

    @classmethod
    def from_secret(cls, secret: str) -> "Token | None":
        """The active token with this secret, or None (unknown or revoked)."""
        if not secret.startswith(PREFIX) or len(secret) > 100:
            return None
        return cls.objects.active().select_related("organisation").filter(secret_hash=token_hash(secret)).first()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [str(SCOPES[s]) for s in self.scopes if s in SCOPES]

    def revoke(self, by: "User") -> None:
        """Revoke at once: the next request with the token gets 401."""
        if self.revoked_at is not None:
            return
        self.revoked_at = timezone.now()
        self.revoked_by = by
        self.save(update_fields=["revoked_at", "revoked_by"])
        record(
            Event.API_TOKEN_REVOKED,
            actor=by.email,
            organisation=self.organisation.slug,
            target=str(self.code),
            detail={"name": self.name},
        )

    def take(self, now: datetime | None = None) -> int:
        """Spend one request from the bucket and note the use; 0 when allowed, else seconds to wait.

        Two requests at the same moment may both read the same bucket and the limit be a request out;
        that is accepted for one UPDATE per request (healthchecks' TokenBucket makes the same trade).
        """
        now = now or timezone.now()
        per_minute = rate_per_minute()
        refilled = min(1.0, self.bucket + (now - self.bucket_at).total_seconds() / 60)
        cost = 1.0 / per_minute
        if refilled < cost:
            return max(1, math.ceil((cost - refilled) * 60))
        self.bucket, self.bucket_at = refilled - cost, now
        # last_used_at rides along with the bucket: the same single write.
        self.last_used_at = now
        Token.objects.filter(pk=self.pk).update(bucket=self.bucket, bucket_at=now, last_used_at=now)
        return 0
