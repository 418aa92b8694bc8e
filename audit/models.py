"""An append-only log of security events, each entry chained to the previous one by a hash.

The log names actors and organisations by plain values, not foreign keys: deleting a person
must not rewrite history, and `audit` depends on no other app of Samen.
"""

import hashlib
import json
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class Event(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN_THROTTLED = "login_throttled", _("Login refused: too many attempts")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Two-factor authentication turned on")
    TWO_FACTOR_DISABLED = "2fa_disabled", _("Two-factor authentication turned off")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", _("New recovery codes made")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation withdrawn")
    CONSENT_GIVEN = "consent_given", _("Consent to share given")
    CONSENT_REVOKED = "consent_revoked", _("Consent to share revoked")
    EXPORT = "export", _("Data exported")
    PARTNERS_IMPORTED = "partners_imported", _("Partners imported from a file")
    SPEAKUP_KEY_CREATED = "speakup_key_created", _("Handler key created")
    SPEAKUP_KEY_RECOVERED = "speakup_key_recovered", _("Handler key recovered with the recovery key")
    SPEAKUP_RECOVERY_KEY_REPLACED = "speakup_recovery_key_replaced", _("New recovery key made")
    SPEAKUP_UNLOCK_FAILED = "speakup_unlock_failed", _("Failed attempt to unlock reports")
    SPEAKUP_HANDLER_ADDED = "speakup_handler_added", _("Handler added to a speak-up channel")
    SPEAKUP_HANDLER_REMOVED = "speakup_handler_removed", _("Handler removed from a speak-up channel")
    SPEAKUP_CHANNEL_CHANGED = "speakup_channel_changed", _("Speak-up channel changed")
    REPORT_OPENED = "report_opened", _("Report opened")
    REPORT_ACKNOWLEDGED = "report_acknowledged", _("Receipt of a report acknowledged")
    REPORT_REPLIED = "report_replied", _("Reply sent to a reporter")
    REPORT_CLOSED = "report_closed", _("Report closed")
    REPORT_ATTACHMENT_DOWNLOADED = "report_attachment_downloaded", _("Report attachment downloaded")
    REPORT_DELETED = "report_deleted", _("Report deleted after its retention period")
    CASE_OPENED = "case_opened", _("Case opened")
    CASE_VIEWED = "case_viewed", _("Case read")
    CASE_CHANGED = "case_changed", _("Case changed")
    CASE_STEP_DONE = "case_step_done", _("Case step done")
    CASE_STEP_UNDONE = "case_step_undone", _("Case step reopened")
    CASE_NOTE_ADDED = "case_note_added", _("Note added to a case")
    CASE_ATTACHMENT_DOWNLOADED = "case_attachment_downloaded", _("Case attachment downloaded")
    CASE_ASSIGNED = "case_assigned", _("Person assigned to a case")
    CASE_UNASSIGNED = "case_unassigned", _("Person taken off a case")
    CASE_EXCLUDED = "case_excluded", _("Person excluded from a case")
    CASE_CONFLICT_DECLARED = "case_conflict_declared", _("Conflict of interest declared on a case")
    CASE_ACCESS_DENIED = "case_access_denied", _("Case asked for without access")
    CASE_PLAYBOOK_SWITCHED = "case_playbook_switched", _("Case switched to another playbook")
    CASE_CONCLUDED = "case_concluded", _("Case concluded")
    CASE_SHARED = "case_shared", _("Limited case summary shared")
    CASE_SHARE_READ = "case_share_read", _("Shared case summary read")
    CASE_SHARE_ANSWERED = "case_share_answered", _("Shared case summary answered")
    CASE_REFERRED = "case_referred", _("Case referred to another organisation")
    CASE_REFERRAL_ANSWERED = "case_referral_answered", _("Case referral accepted or declined")
    CASE_EXPORTED = "case_exported", _("Case summary exported")
    PLAYBOOK_CHANGED = "playbook_changed", _("Playbook changed")
    ANNUAL_ACCOUNT_CHANGED = "annual_account_changed", _("Annual account changed")
    DILEMMA_SUBMITTED = "dilemma_submitted", _("Dilemma submitted for review")
    DILEMMA_REVIEWED = "dilemma_reviewed", _("Dilemma reviewed")
    DILEMMA_SHARED = "dilemma_shared", _("Dilemma shared beyond the organisation")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    IATI_IMPORTED = "iati_imported", _("IATI file imported into the ecosystem")
    WEBHOOK_CREATED = "webhook_created", _("Webhook endpoint added")
    WEBHOOK_CHANGED = "webhook_changed", _("Webhook endpoint turned on or off")
    WEBHOOK_DELETED = "webhook_deleted", _("Webhook endpoint deleted")


class EntryQuerySet(models.QuerySet["Entry"]):
    def for_organisation(self, slug: str) -> "EntryQuerySet":
        return self.filter(organisation=slug)

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class Entry(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    event = models.CharField(max_length=40, choices=Event.choices)
    actor = models.CharField(max_length=254, blank=True, help_text="Email of the person who acted")
    organisation = models.CharField(max_length=80, blank=True, db_index=True, help_text="Organisation slug")
    target = models.CharField(max_length=254, blank=True, help_text="What the event is about")
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "entries"
        # Two writers racing for the same predecessor cannot both win: one retries.
        constraints = [models.UniqueConstraint(fields=["prev_hash"], name="audit_entry_one_successor")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event} {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")

    def compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.prev_hash,
                self.created_at.isoformat(),
                self.event,
                self.actor,
                self.organisation,
                self.target,
                self.detail,
            ],
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def record(
    event: str,
    *,
    actor: str = "",
    organisation: str = "",
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> Entry:
    """Append one event to the chain."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                last = Entry.objects.order_by("-id").values_list("hash", flat=True).first()
                entry = Entry(
                    # Microseconds dropped: the hash must survive a database that stores fewer digits.
                    created_at=timezone.now().replace(microsecond=0),
                    event=event,
                    actor=actor,
                    organisation=organisation,
                    target=target,
                    detail=detail or {},
                    prev_hash=last or GENESIS,
                )
                entry.hash = entry.compute_hash()
                entry.save()
                return entry
        except IntegrityError:
            continue  # another writer appended first; chain onto theirs
    raise RuntimeError("Could not append to the audit log after 5 attempts")


def first_broken_link() -> Entry | None:
    """The first entry whose hash or link to its predecessor does not hold, or None."""
    expected_prev = GENESIS
    last = 0
    # Pages by key: constant memory on any database, whatever kind of cursor it gives.
    while page := list(Entry.objects.filter(id__gt=last).order_by("id")[:2000]):
        for entry in page:
            if entry.prev_hash != expected_prev or entry.compute_hash() != entry.hash:
                return entry
            expected_prev = entry.hash
        last = page[-1].id
    return None
