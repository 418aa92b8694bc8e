"""Speak-up channels, reports and the keys that protect them.

Nothing a reporter writes is stored in plain text: report content, messages, attachment names and
attachment bytes are sealed to the report's key (see docs/security/speakup.md and speakup/keys.py).
What stays readable is metadata the handling needs: channel, category, anonymity level, status and
dates. No IP address, user agent or referrer is stored anywhere; a report carries the date it was
made, not the time of day.
"""

import secrets
import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from framework.models import ViolationType
from organisations.models import Alliance, Organisation
from speakup import crypto

if TYPE_CHECKING:
    from accounts.models import User

LANGUAGES = ["nl", "en", "fr", "es"]
ACKNOWLEDGE_WITHIN_DAYS = 7  # EU Directive 2019/1937 art. 9(1)(b)


def _all_languages() -> list[str]:
    return list(LANGUAGES)


class Channel(models.Model):
    """A public reporting channel of one organisation, or of one alliance."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="speakup_channels"
    )
    alliance = models.ForeignKey(
        Alliance, null=True, blank=True, on_delete=models.CASCADE, related_name="speakup_channels"
    )
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    intro_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_fr = models.TextField(_("introduction (French)"), blank=True)
    intro_es = models.TextField(_("introduction (Spanish)"), blank=True)
    categories = models.ManyToManyField(
        ViolationType, blank=True, related_name="speakup_channels", help_text="Accepted categories; none means all"
    )
    questions = models.JSONField(default=dict, blank=True, help_text="{category code: [{language: question text}, …]}")
    languages = models.JSONField(default=_all_languages, help_text="A subset of nl, en, fr, es")
    retention_days = models.PositiveIntegerField(_("days a closed report is kept"), default=90)
    max_reports_per_hour = models.PositiveIntegerField(default=30)
    max_attachment_bytes = models.PositiveIntegerField(default=5 * 1024 * 1024)
    # Salt of the receipt-code derivation; made once, never changed (changing it would lock every
    # reporter of this channel out of their report).
    salt = models.BinaryField(default=crypto.new_salt, editable=False)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, alliance__isnull=True)
                | Q(organisation__isnull=True, alliance__isnull=False),
                name="speakup_channel_one_owner",
            ),
            models.CheckConstraint(condition=Q(retention_days__gte=1), name="speakup_channel_retention_positive"),
        ]

    def __str__(self) -> str:
        return self.slug

    def handler_users(self) -> "models.QuerySet[User]":
        from accounts.models import User

        return User.objects.filter(channel_handler_roles__channel=self, is_active=True)


class ChannelHandler(models.Model):
    """A person who receives the reports of a channel."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="handlers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_handler_roles")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="speakup_handler_once")]

    def __str__(self) -> str:
        return f"{self.user_id} handles {self.channel_id}"


class HandlerKey(models.Model):
    """A handler's X25519 key pair; the private key only ever stored encrypted.

    `by_password` is the private key locked under Argon2id(password, password_salt); `by_recovery`
    the same private key under Argon2id(recovery key, recovery_salt). The recovery key is shown to
    the handler once and never stored.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler_key")
    public_key = models.BinaryField(max_length=32)
    by_password = models.BinaryField()
    password_salt = models.BinaryField()
    by_recovery = models.BinaryField()
    recovery_salt = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    password_wrapped_at = models.DateTimeField(default=timezone.now)
    # When the handler confirmed they stored the recovery key shown to them; empty until then.
    recovery_confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"key of {self.user_id}"


class ReportQuerySet(models.QuerySet["Report"]):
    def for_handler(self, user: "User") -> "ReportQuerySet":
        """Reports this person may open: those whose key was sealed to them (need to know, not role)."""
        return self.filter(Exists(HandlerGrant.objects.filter(report_key__report=OuterRef("pk"), user=user)))

    def due_for_deletion(self, today: date) -> "ReportQuerySet":
        return self.filter(status=Report.Status.CLOSED, delete_after__lte=today)


class Anonymity(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    CONFIDENTIAL = "confidential", _("Confidential: my name is known to the handlers only")
    OPEN = "open", _("Open")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    IN_PROGRESS = "in_progress", pgettext_lazy("status of a report", "In progress")
    CLOSED = "closed", _("Closed")


class Report(models.Model):
    Anonymity = Anonymity
    Status = Status

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="reports")
    # Whose handlers receive it; for an alliance channel, the lead (or the next member when it concerns the lead).
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="speakup_reports")
    # Alliance channels: the member the report is about. Its handlers never get a grant.
    concerns = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="speakup_reports_about"
    )
    category = models.ForeignKey(ViolationType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anonymity = models.CharField(max_length=20, choices=Anonymity.choices, default=Anonymity.ANONYMOUS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    receipt_lookup = models.CharField(max_length=64, unique=True)
    reporter_public_key = models.BinaryField(max_length=32)
    content = models.BinaryField()
    key_version = models.PositiveIntegerField(default=1)
    # The day only: a time of day can point at a person (who was on shift, who was at the computer).
    created_on = models.DateField(default=timezone.localdate)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    delete_after = models.DateField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="speakup_report_status"),
            models.CheckConstraint(
                condition=Q(anonymity__in=[a.value for a in Anonymity]), name="speakup_report_anonymity"
            ),
            models.CheckConstraint(condition=Q(key_version__gte=1), name="speakup_report_key_version"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False, delete_after__isnull=False),
                name="speakup_report_closed_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return str(self.code)

    @property
    def acknowledge_by(self) -> date:
        """The last day to acknowledge receipt (7 days, EU Directive 2019/1937)."""
        return self.created_on + timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)

    @property
    def newest_key_version(self) -> int:
        return self.keys.aggregate(v=models.Max("version"))["v"] or 0

    def acknowledge(self) -> bool:
        """Mark receipt as acknowledged; False when it already was (or the report is past that)."""
        if self.status != Report.Status.NEW:
            return False
        self.status = Report.Status.ACKNOWLEDGED
        self.acknowledged_at = timezone.now()
        self.save(update_fields=["status", "acknowledged_at"])
        return True

    def close(self) -> None:
        """Close the report; it is deleted `channel.retention_days` after today."""
        self.status = Report.Status.CLOSED
        self.closed_at = timezone.now()
        self.delete_after = timezone.localdate() + timedelta(days=self.channel.retention_days)
        self.save(update_fields=["status", "closed_at", "delete_after"])


class ReportKey(models.Model):
    """One version of a report's X25519 key pair. A new version is made when a handler is removed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="keys")
    version = models.PositiveIntegerField()
    public_key = models.BinaryField(max_length=32)
    for_reporter = models.BinaryField(help_text="The private key, sealed to the reporter's public key")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="speakup_report_key_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="speakup_report_key_version_positive"),
        ]

    def __str__(self) -> str:
        return f"key v{self.version} of report {self.report_id}"


class HandlerGrant(models.Model):
    """A report's private key (one version), sealed to one handler's public key."""

    report_key = models.ForeignKey(ReportKey, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="speakup_grants")
    sealed = models.BinaryField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report_key", "user"], name="speakup_grant_once")]
        # The inbox starts from the person: "which reports may I read?"
        indexes = [models.Index(fields=["user", "report_key"], name="speakup_grant_by_user")]

    def __str__(self) -> str:
        return f"grant of {self.report_key_id} to {self.user_id}"


class Message(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.BinaryField()
    key_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_reporter=True, author__isnull=True) | Q(from_reporter=False),
                name="speakup_message_reporter_has_no_author",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} on report {self.report_id}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The original name is sealed in `name`; on disk the file has a random name and no extension.
    return f"speakup/{secrets.token_hex(16)}"


class AttachmentType(models.TextChoices):
    """The only content types accepted; anything else is refused at upload."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


class Attachment(models.Model):
    ContentType = AttachmentType

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200, help_text="The sealed bytes, never plaintext")
    name = models.BinaryField(help_text="The original file name, sealed")
    content_type = models.CharField(max_length=40, choices=AttachmentType.choices)
    size = models.PositiveIntegerField(help_text="Size of the original file in bytes")
    key_version = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=[c.value for c in AttachmentType]), name="speakup_attachment_type"
            ),
        ]

    def __str__(self) -> str:
        return f"attachment {self.pk} on report {self.report_id}"


class SpentFormToken(models.Model):
    """A report form that was sent, so the same form sent again (a browser resending it, a double click, a retry
    after a lost answer) stores no second report and shows the same receipt code.

    Kept: a digest of the form token's one-time number, the receipt locked with a key derived from that number
    (which only the reporter's form holds; the server keeps neither), and the day. Nothing links it to the
    report, and purge_reports deletes it once no form could still be sent (days later).
    """

    digest = models.CharField(max_length=64, unique=True)
    receipt = models.BinaryField()
    spent_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"form sent on {self.spent_on}"
