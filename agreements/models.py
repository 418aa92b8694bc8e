"""Integrity agreements between the parties of a partnership or an alliance, and the clause sets they are made from.

A clause set is one version of the clause templates in framework/content/agreements/, as the
loader validated it. An agreement points at the exact version it was made from, so its documents
read the same years later, whatever the files say by then.
"""

import calendar
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Alliance, Organisation, Partnership

# How far ahead the overview warns about a review date.
REVIEW_WARNING_DAYS = 60


class ClauseSetQuerySet(models.QuerySet["ClauseSet"]):
    def current(self, code: str) -> "ClauseSet | None":
        """The version of `code` that the clause files hold now: the one new agreements are made from."""
        return self.filter(code=code, retired=False).first()


class ClauseSet(models.Model):
    code = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    # The validated content: {"phrases": {code: {nl, en}}, "clauses": [...]}; see loader.py.
    content = models.JSONField()
    source = models.CharField(max_length=200, help_text="The content file it came from")
    # A version no longer in the files: kept for the agreements made from it, not offered for new ones.
    retired = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(default=timezone.now)

    objects = ClauseSetQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="clause_set_version_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def visible_to(self, organisation: Organisation) -> "AgreementQuerySet":
        """Agreements of a partnership the organisation is a party to, or of an alliance it leads or belongs to."""
        alliances = Alliance.objects.filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation))
        return self.filter(
            Q(partnership__in=Partnership.objects.involving(organisation).values("pk"))
            | Q(alliance__in=alliances.values("pk"))
        )

    def in_place(self, today: date | None = None) -> "AgreementQuerySet":
        """Signed (on or before today) and not past their review date.

        An agreement whose review date has passed is not treated as in place: the parties promised to
        look at it again, and the overlay should show that they have not.
        """
        today = today or timezone.localdate()
        return self.filter(signed_on__isnull=False, signed_on__lte=today).filter(
            Q(review_on__isnull=True) | Q(review_on__gte=today)
        )

    def in_place_for(self, partnership: Partnership, today: date | None = None) -> "AgreementQuerySet":
        """The agreements in place for this partnership (alliance agreements are not counted: they bind the
        members inside the alliance, not the two organisations' bilateral partnership)."""
        return self.in_place(today).filter(partnership=partnership)

    def due_for_review(self, today: date | None = None, within_days: int = REVIEW_WARNING_DAYS) -> "AgreementQuerySet":
        """Agreements whose review date has passed or falls within `within_days`."""
        today = today or timezone.localdate()
        return self.filter(review_on__isnull=False, review_on__lte=today + timedelta(days=within_days))


class Agreement(models.Model):
    class Language(models.TextChoices):
        NL = "nl", _("Dutch")
        EN = "en", _("English")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The organisation that made it; every party sees it.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agreements_made")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="agreements"
    )
    alliance = models.ForeignKey(Alliance, null=True, blank=True, on_delete=models.CASCADE, related_name="agreements")
    # The clause set (and so its version) the text comes from.
    clause_set = models.ForeignKey(ClauseSet, on_delete=models.PROTECT, related_name="agreements")
    choices = models.JSONField()
    # The parties as they were when the agreement was made: {"lead": name, "alliance": name,
    # "organisations": [{"name", "country"}]}. A later rename does not change a signed text.
    parties = models.JSONField()
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(partnership__isnull=False, alliance__isnull=True)
                    | Q(partnership__isnull=True, alliance__isnull=False)
                ),
                name="agreement_one_subject",
            ),
            models.CheckConstraint(condition=Q(language__in=["nl", "en"]), name="agreement_language_valid"),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(review_on__isnull=True)
                | Q(review_on__gte=models.F("signed_on")),
                name="agreement_review_after_signing",
            ),
        ]
        indexes = [models.Index(fields=["review_on"], name="agreement_review_on")]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%Y-%m-%d})"

    @property
    def clause_version(self) -> str:
        return self.clause_set.version

    @property
    def title(self) -> str:
        if self.parties.get("alliance"):
            return str(self.parties["alliance"])
        return " — ".join(str(o["name"]) for o in self.parties.get("organisations", []))

    def review_state(self, today: date | None = None) -> str:
        """'overdue', 'due' (within the warning period) or '' — for the badges on the lists."""
        if self.review_on is None:
            return ""
        today = today or timezone.localdate()
        if self.review_on < today:
            return "overdue"
        if self.review_on <= today + timedelta(days=REVIEW_WARNING_DAYS):
            return "due"
        return ""

    def default_review_on(self, signed_on: date) -> date:
        """The signing date plus the review period the parties chose."""
        months = int(self.choices.get("review_months", 12))
        years, month_index = divmod(signed_on.month - 1 + months, 12)
        year, month = signed_on.year + years, month_index + 1
        # 31 January plus one month is the last day of February.
        return date(year, month, min(signed_on.day, calendar.monthrange(year, month)[1]))

    def set_dates(self, signed_on: date | None, review_on: date | None) -> list[str]:
        """Record the dates; returns the names of the fields that changed."""
        changed = [
            name for name, value in (("signed_on", signed_on), ("review_on", review_on)) if getattr(self, name) != value
        ]
        self.signed_on, self.review_on = signed_on, review_on
        if changed:
            self.save(update_fields=changed)
        return changed

    def party_names(self) -> list[str]:
        return [str(o["name"]) for o in self.parties.get("organisations", [])]
