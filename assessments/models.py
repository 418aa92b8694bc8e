"""Assessments: a library's questionnaire answered by (or about) one organisation, reviewed and shared.

The assessed organisation owns the result. The requester is the funder that asked for it (none for a
self-assessment; the other partner for a mutual relationship check). Anyone else sees it only
through a `Consent` with subject "assessment:<code>" — the "passport".
"""

import calendar
import secrets
import uuid
from datetime import date, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framework.models import AnswerOption, AssessmentLibrary, Requirement
from organisations.models import Consent, Organisation, Partnership

if TYPE_CHECKING:
    from accounts.models import User


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    FINAL = "final", _("Final")


# Answers may change only while the assessed organisation holds the assessment.
OPEN_STATUSES = {Status.DRAFT, Status.IN_PROGRESS, Status.RETURNED}


class Rating(models.TextChoices):
    # The vocabulary of the PSEA capacity tiers, used for every library's reviewer rating.
    LOW = "low", _("Low risk")
    MODERATE = "moderate", _("Moderate risk")
    HIGH = "high", _("High risk")


class AssessmentClosed(Exception):
    """Raised when something tries to change the answers of a submitted or final assessment."""


def consent_subject(code: uuid.UUID | str) -> str:
    return f"assessment:{code}"


def shares_an_assessment(subject: str) -> bool:
    """Whether a consent's subject names an assessment (`consent_subject`)."""
    return subject.startswith(consent_subject(""))


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year without it."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def shared_condition(viewer: Organisation) -> Q | None:
    """A filter for the assessments an active consent shares with `viewer`; None when there are none.

    Consents name their subject as text, so the codes are read first (one query): an organisation
    receives a handful of shares, not thousands.
    """
    pairs = (
        Consent.objects.granting(viewer)
        .filter(subject__startswith="assessment:")
        .exclude(organisation=viewer)
        .values_list("organisation_id", "subject")
    )
    condition = Q()
    for owner_id, subject in pairs:
        try:
            code = uuid.UUID(subject.removeprefix("assessment:"))
        except ValueError:
            continue
        # The consent counts only when the assessed organisation itself gave it.
        condition |= Q(organisation_id=owner_id, code=code)
    return condition or None


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def of(self, organisation: Organisation) -> "AssessmentQuerySet":
        return self.filter(organisation=organisation)

    def requested_by(self, organisation: Organisation) -> "AssessmentQuerySet":
        return self.filter(requester=organisation)

    def final(self) -> "AssessmentQuerySet":
        return self.filter(status=Status.FINAL)

    def shared_with(self, viewer: Organisation) -> "AssessmentQuerySet":
        """Final assessments of other organisations that an active consent lets `viewer` see."""
        condition = shared_condition(viewer)
        return self.final().filter(condition) if condition else self.none()

    def visible_to(self, viewer: Organisation) -> "AssessmentQuerySet":
        """Assessments of `viewer`, requested by it, or shared with it."""
        condition = Q(organisation=viewer) | Q(requester=viewer)
        shared = shared_condition(viewer)
        if shared:
            condition |= Q(status=Status.FINAL) & shared
        return self.filter(condition)

    def expiring_by(self, day: date) -> "AssessmentQuerySet":
        return self.final().filter(valid_until__lte=day, valid_until__gte=timezone.localdate())


class Assessment(models.Model):
    Status = Status

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The exact library version: a new version of the library never changes these answers.
    library = models.ForeignKey(AssessmentLibrary, on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assessments")
    requester = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments_requested"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    round = models.PositiveSmallIntegerField(default=1, help_text="Goes up each time the assessment is returned")
    preliminary_rating = models.CharField(_("preliminary rating"), max_length=16, choices=Rating.choices, blank=True)
    final_rating = models.CharField(_("final rating"), max_length=16, choices=Rating.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["requester", "status"]),
            # Which organisations hold a current final assessment, and its rating (the map's overlay and cover,
            # the partners' standing): answered from the index, not from 20,000 rows.
            models.Index(
                fields=["organisation", "valid_until", "final_rating", "created_at"],
                condition=Q(status="final"),
                name="assessment_final_current",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="assessment_status_valid"),
            models.CheckConstraint(condition=~Q(requester=models.F("organisation")), name="assessment_two_parties"),
            models.CheckConstraint(
                condition=~Q(status="final") | Q(finalised_at__isnull=False, valid_until__isnull=False),
                name="assessment_final_has_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.library} — {self.organisation}"

    @property
    def subject(self) -> str:
        return consent_subject(self.code)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_mutual(self) -> bool:
        return self.library.scoring == AssessmentLibrary.Scoring.MUTUAL

    @property
    def reviewer_id(self) -> int:
        """The organisation that reviews: the requester, or the organisation itself for a self-assessment."""
        return self.requester_id or self.organisation_id

    def answering_ids(self) -> list[int]:
        """Organisations that answer: the assessed one, and in a mutual check the other partner too."""
        if self.is_mutual and self.requester_id:
            return [self.organisation_id, self.requester_id]
        return [self.organisation_id]

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    def require_open(self) -> None:
        if not self.is_open:
            raise AssessmentClosed(str(_("This assessment was submitted; its answers can no longer change.")))

    def answer(
        self,
        requirement: Requirement,
        *,
        organisation: Organisation,
        by: "User",
        level: int | None = None,
        option: AnswerOption | None = None,
        comment: str = "",
        existing: "Answer | None" = None,
        looked_up: bool = False,
    ) -> "Answer | None":
        """Record one answer (or change it), keeping its history; returns it, or None when nothing changed.

        A caller that already loaded the answers of a whole area passes the one it found (or None)
        as `existing` with `looked_up=True`, sparing a query per requirement.
        """
        self.require_open()
        if requirement.library_id != self.library_id:
            raise ValueError("The requirement belongs to another library")
        if organisation.pk not in self.answering_ids():
            raise ValueError("This organisation does not answer this assessment")
        if not looked_up:
            existing = Answer.objects.filter(
                assessment=self, requirement=requirement, organisation=organisation
            ).first()
        if existing is not None:
            existing.assessment = self  # its save() checks that the assessment is still open
        answer = existing or Answer(assessment=self, requirement=requirement, organisation=organisation)
        option_id = option.pk if option else None
        if answer.pk and (answer.level, answer.option_id, answer.comment) == (level, option_id, comment):
            return None
        now = timezone.now()
        answer.level, answer.option, answer.comment = level, option, comment
        answer.answered_by, answer.answered_at = by, now
        with transaction.atomic():
            answer.save()
            AnswerChange.objects.create(
                answer=answer, level=level, option=option, comment=comment, changed_by=by, changed_at=now
            )
            if self.status == Status.DRAFT or self.status == Status.RETURNED:
                self.status = Status.IN_PROGRESS
                self.save(update_fields=["status"])
        return answer

    def submit(self) -> None:
        self.require_open()
        self.status = Status.SUBMITTED
        self.submitted_at = timezone.now()
        self.save(update_fields=["status", "submitted_at"])

    def return_with_comments(self) -> None:
        if self.status != Status.SUBMITTED:
            raise AssessmentClosed("Only a submitted assessment can be returned")
        self.status = Status.RETURNED
        self.round += 1
        self.save(update_fields=["status", "round"])

    def finalise(self, rating: str = "") -> None:
        if self.status != Status.SUBMITTED:
            raise AssessmentClosed("Only a submitted assessment can be made final")
        self.status = Status.FINAL
        self.finalised_at = timezone.now()
        self.final_rating = rating or self.preliminary_rating
        self.valid_until = add_years(timezone.localdate(), self.library.validity_years)
        self.save(update_fields=["status", "finalised_at", "final_rating", "valid_until"])


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    # The answering side: the assessed organisation, or either partner in a mutual check.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    option = models.ForeignKey(AnswerOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "requirement", "organisation"], name="answer_unique"),
            models.CheckConstraint(condition=Q(level__isnull=True) | Q(level__lte=5), name="answer_level_0_5"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.level if self.level is not None else self.option_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        # The last line of defence: even code that skips Assessment.answer cannot change a closed one.
        if not self.assessment.is_open:
            raise AssessmentClosed("Answers of a submitted assessment cannot change")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AnswerChange(models.Model):
    """One change to one answer: who answered what, and when."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="changes")
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    option = models.ForeignKey(AnswerOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.answer} at {self.changed_at:%Y-%m-%d %H:%M}"


# Evidence files ----------------------------------------------------------------------------------


def evidence_path(instance: "Evidence", filename: str) -> str:
    # A random name: the person's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{instance.assessment.code}/{secrets.token_hex(16)}{suffix}"


def private_storage() -> FileSystemStorage:
    """Files under MEDIA_ROOT, which no URL serves: only the access-checked download view reads them."""
    return FileSystemStorage(base_url=None)


class Evidence(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=evidence_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


# Review and acceptance ---------------------------------------------------------------------------


class ReviewComment(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="review_comments")
    requirement = models.ForeignKey(Requirement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Acceptance(models.Model):
    """A receiving organisation accepts a shared assessment as its own due diligence: a request spared."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="acceptances")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="accepted_assessments")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["assessment", "organisation"], name="acceptance_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} accepts {self.assessment}"


def reminder_window() -> timedelta:
    return timedelta(days=int(getattr(settings, "ASSESSMENT_REMINDER_DAYS", 60)))
