"""A file someone asked for that the worker makes (a PDF of a plan, an annual account): its progress, then the file.

A document belongs to the person who asked for it: nobody else sees its page or its file, in their
organisation or any other. It is kept for `KEPT` after it is made, so a download can be repeated; then it is no
longer shown, and it is deleted by the worker the next time it makes one or by `manage.py purge_documents`
(hourly), whichever comes first (`Document.objects.expired()`).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

KEPT = timedelta(hours=1)
# The longest address a document keeps (the download's URL with its query).
PATH_LENGTH = 2000
# Longer than any document takes: past it, a page still waiting says so (no worker running, or a lost task).
LATE = timedelta(minutes=2)


class DocumentQuerySet(models.QuerySet["Document"]):
    def kept(self) -> "DocumentQuerySet":
        """Documents not expired: what a page or a download may still show, whether or not it was deleted yet."""
        return self.exclude(finished_at__lt=timezone.now() - KEPT)

    def expired(self) -> "DocumentQuerySet":
        """Documents made (or failed) longer than KEPT ago, and any still waiting after a day (a lost task)."""
        now = timezone.now()
        return self.filter(
            Q(finished_at__lt=now - KEPT) | Q(finished_at__isnull=True, created_at__lt=now - timedelta(days=1))
        )


class Document(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be made")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="documents")
    # What the worker asks for again, as the person who asked: the download's own address with its query.
    path = models.CharField(max_length=PATH_LENGTH)
    # The page of Samen the person asked from (its path), for a link back to it; "" when unknown or another site.
    came_from = models.CharField(max_length=PATH_LENGTH, blank=True)
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(null=True, editable=False)
    # Why it could not be made, as the HTTP status the download would have had (404, 403, 500).
    refused_with = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When a worker took it: the one that sets it makes the file, a second delivery of the task does nothing.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "ready", "failed"]), name="document_status_valid"
            ),
            # A ready document has its file; one that failed says why; one waiting has neither yet.
            models.CheckConstraint(
                condition=(
                    Q(status="ready", body__isnull=False, finished_at__isnull=False)
                    | Q(status="failed", refused_with__isnull=False, finished_at__isnull=False)
                    | Q(status="waiting", body__isnull=True, finished_at__isnull=True)
                ),
                name="document_status_matches_contents",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.code)

    @property
    def is_over(self) -> bool:
        return self.status != self.Status.WAITING

    @property
    def is_late(self) -> bool:
        return not self.is_over and timezone.now() - self.created_at > LATE
