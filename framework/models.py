"""The shared language of integrity: the taxonomy of violations and the glossary.

The content lives in versioned YAML files (framework/content/) and reaches the database only
through `manage.py load_framework`. Entries removed from the files are *retired*, never deleted:
cases, statistics and dilemmas of later apps point at them and must keep their meaning.
"""

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONTENT_LANGUAGES = ("nl", "en")


def active_content_language() -> str:
    """The language content is shown in: the active UI language if the content has it, else the default."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in CONTENT_LANGUAGES else CONTENT_LANGUAGES[0]


def other_content_language() -> str:
    first = active_content_language()
    return next(c for c in CONTENT_LANGUAGES if c != first)


def in_reading_language(texts: dict[str, str]) -> str:
    """The text of the active content language, else the first other one there is (`{"nl": …, "en": …}`)."""
    first = active_content_language()
    for code in (first, *[c for c in CONTENT_LANGUAGES if c != first]):
        if texts.get(code):
            return texts[code]
    return ""


class Localised:
    """`name = Localised()` on a Bilingual model reads `name_nl` or `name_en` for the active language."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.field = name

    def __get__(self, instance: "Bilingual | None", owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance.localised(self.field)


class Bilingual(models.Model):
    """Picks `<field>_nl` or `<field>_en` for the active language, falling back to the other one."""

    class Meta:
        abstract = True

    def localised(self, field: str) -> str:
        return in_reading_language({code: getattr(self, f"{field}_{code}", "") for code in CONTENT_LANGUAGES})

    def other_language(self, field: str) -> str:
        """The same text in the language that is *not* active (the sector works in both)."""
        return getattr(self, f"{field}_{other_content_language()}", "")


class ResearchCategory(models.TextChoices):
    """The nine categories of Dutch public-sector integrity research: a mapping target for statistics."""

    CORRUPTION = "corruption", _("Corruption")
    FRAUD_THEFT = "fraud_theft", _("Fraud and theft")
    WASTE_ABUSE_RESOURCES = "waste_abuse_resources", _("Waste and abuse of resources")
    MISUSE_AUTHORITY = "misuse_authority", _("Misuse of authority")
    INAPPROPRIATE_BEHAVIOUR = "inappropriate_behaviour", _("Inappropriate behaviour towards others")
    CONFLICTING_FUNCTIONS = "conflicting_functions", _("Conflicting functions")
    MISUSE_INFORMATION = "misuse_information", _("Misuse of information")
    PRIVATE_TIME_MISCONDUCT = "private_time_misconduct", _("Misconduct in private time")
    GIFTS = "gifts", _("Gifts")


class LoadedFile(models.Model):
    """One content file as last loaded: lets the loader skip files whose bytes did not change."""

    name = models.CharField(max_length=200, unique=True, help_text="Path relative to the content folder")
    kind = models.CharField(max_length=40)
    version = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind} v{self.version})"


M = TypeVar("M", bound=models.Model)


class ContentQuerySet(models.QuerySet[M]):
    def active(self) -> "ContentQuerySet[M]":
        return self.filter(retired=False)


class ViolationType(Bilingual):
    """A top type of integrity violation (Partos Code: abuse of power, financial, interpersonal, …)."""

    code = models.SlugField(max_length=60, unique=True)
    order = models.PositiveIntegerField(default=0)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    definition_nl = models.TextField()
    definition_en = models.TextField()
    example_nl = models.TextField(blank=True)
    example_en = models.TextField(blank=True)
    research_categories = models.JSONField(
        default=list, blank=True, help_text="Codes of ResearchCategory this type maps to"
    )
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200, help_text="The content file that defines it")

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("framework:violation_type", args=[self.code])

    @property
    def research_category_labels(self) -> list[str]:
        return [
            str(ResearchCategory(code).label) for code in self.research_categories if code in ResearchCategory.values
        ]

    name = Localised()

    @property
    def name_other(self) -> str:
        return self.other_language("name")

    definition = Localised()

    example = Localised()


class ViolationSubtype(Bilingual):
    type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, related_name="subtypes")
    code = models.SlugField(max_length=60, unique=True)
    order = models.PositiveIntegerField(default=0)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    definition_nl = models.TextField()
    definition_en = models.TextField()
    example_nl = models.TextField(blank=True)
    example_en = models.TextField(blank=True)
    research_category = models.CharField(max_length=40, choices=ResearchCategory.choices, blank=True)
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["type__order", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(research_category="") | Q(research_category__in=ResearchCategory.values),
                name="framework_subtype_known_research_category",
            )
        ]

    def __str__(self) -> str:
        return self.name

    name = Localised()

    @property
    def name_other(self) -> str:
        return self.other_language("name")

    definition = Localised()

    example = Localised()


class GlossaryTerm(Bilingual):
    slug = models.SlugField(max_length=80, unique=True)
    term_nl = models.CharField(max_length=200)
    term_en = models.CharField(max_length=200)
    definition_nl = models.TextField()
    definition_en = models.TextField()
    # Not symmetrical: a term shows the related terms its own entry names, so loading one entry never
    # rewrites another's links.
    related = models.ManyToManyField("self", symmetrical=False, blank=True)
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("framework:term", args=[self.slug])

    term = Localised()

    @property
    def term_other(self) -> str:
        return self.other_language("term")

    definition = Localised()

    @property
    def definition_other(self) -> str:
        return self.other_language("definition")


# --- Assessment libraries ------------------------------------------------------------------------


def version_key(version: str) -> tuple[int, ...]:
    """ "1.10" → (1, 10): versions compare part by part as numbers, so 1.10 is newer than 1.9."""
    parts = []
    for part in version.split("."):
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


class RiskTier(models.TextChoices):
    """The tiers of a weighted library's thresholds (UN PSEA capacity assessment)."""

    HIGH = "high", _("High risk")
    MODERATE = "moderate", _("Moderate risk")
    LOW = "low", _("Low risk")


class AssessmentLibraryQuerySet(models.QuerySet["AssessmentLibrary"]):
    def current(self) -> "AssessmentLibraryQuerySet":
        """The newest version of each library that is not retired.

        Versions are text ("1.10"), so the newest is picked in Python; there are a handful of libraries
        with a handful of versions each, and the result is still a queryset others can filter further.
        """
        newest: dict[str, tuple[tuple[int, ...], int]] = {}
        for pk, code, version in self.filter(retired=False).values_list("pk", "code", "version"):
            key = version_key(version)
            if code not in newest or key > newest[code][0]:
                newest[code] = (key, pk)
        return self.filter(pk__in=[pk for _key, pk in newest.values()])


class AssessmentLibrary(Bilingual):
    """One version of a questionnaire (baseline, PSEA capacity, relationship check), loaded from a YAML file.

    A new version is a new row with its own areas and requirements: assessments point at the exact
    requirement rows they were answered against, so a new version never changes an old answer.
    """

    class Scoring(models.TextChoices):
        MATURITY = "maturity", _("Maturity (0–5 per requirement)")
        WEIGHTED = "weighted", _("Weighted (sum of answer weights, risk tier)")
        MUTUAL = "mutual", _("Mutual (both partners answer, differences shown)")

    code = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_nl = models.TextField()
    description_en = models.TextField()
    scoring = models.CharField(max_length=20, choices=Scoring.choices)
    validity_years = models.PositiveSmallIntegerField(default=3)
    target_level = models.PositiveSmallIntegerField(default=3, help_text="The level that means 'meets' (0–5)")
    thresholds = models.JSONField(
        default=list, blank=True, help_text='Weighted scoring: [{"tier": "high", "min": null, "max": 8}, …]'
    )
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200, help_text="The content file that defines it")

    objects = AssessmentLibraryQuerySet.as_manager()

    class Meta:
        ordering = ["code", "version"]
        verbose_name_plural = "assessment libraries"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_library_code_version"),
            models.CheckConstraint(condition=Q(target_level__lte=5), name="framework_library_target_level_0_5"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def get_absolute_url(self) -> str:
        """The page of exactly this version (the plain URL shows whatever version is current)."""
        return f"{reverse('framework:library', args=[self.code])}?version={self.version}"

    name = Localised()

    @property
    def name_other(self) -> str:
        return self.other_language("name")

    description = Localised()

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)

    @property
    def threshold_rows(self) -> list[tuple[str, str, str]]:
        """(tier, label, range) per tier, lowest totals first: "≤ 8", "9–14", "≥ 15"."""
        rows = []
        for tier in sorted(self.thresholds, key=lambda t: -1 if t.get("min") is None else t["min"]):
            low, high = tier.get("min"), tier.get("max")
            if low is None:
                span = f"≤ {high}"
            elif high is None:
                span = f"≥ {low}"
            else:
                span = f"{low}–{high}"
            label = RiskTier(tier["tier"]).label if tier["tier"] in RiskTier.values else tier["tier"]
            rows.append((str(tier["tier"]), str(label), span))
        return rows

    def tier_for(self, total: float) -> str | None:
        """The risk tier ("high", "moderate", "low") a weighted total falls in; None without thresholds.

        Bounds are inclusive and the loader makes them cover every whole number without gaps; a
        fractional total between two tiers (8.5 between "≤ 8" and "9–14") belongs to the upper one.
        """
        tiers = sorted(self.thresholds, key=lambda t: -1 if t.get("min") is None else t["min"])
        for tier in tiers:
            low, high = tier.get("min"), tier.get("max")
            if low is not None and total < low and tier is tiers[0]:
                return None
            if high is None or total <= high:
                return str(tier["tier"])
        return None


class MaturityLevel(Bilingual):
    """One step of the 0–5 scale (CHS grid), with what it means for the person answering."""

    library = models.ForeignKey(AssessmentLibrary, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    label_nl = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    description_nl = models.TextField()
    description_en = models.TextField()

    class Meta:
        ordering = ["library", "level"]
        constraints = [
            models.UniqueConstraint(fields=["library", "level"], name="framework_level_unique"),
            models.CheckConstraint(condition=Q(level__lte=5), name="framework_level_0_5"),
        ]

    def __str__(self) -> str:
        return f"{self.level} · {self.label}"

    label = Localised()

    description = Localised()


class LibraryArea(Bilingual):
    library = models.ForeignKey(AssessmentLibrary, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField(default=0)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        ordering = ["library", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["library", "code"], name="framework_area_unique")]

    def __str__(self) -> str:
        return self.name

    name = Localised()

    description = Localised()


class Requirement(Bilingual):
    class AnswerKind(models.TextChoices):
        MATURITY = "maturity", _("Maturity level 0–5")
        CHOICE = "choice", _("One of the answer options")

    library = models.ForeignKey(AssessmentLibrary, on_delete=models.CASCADE, related_name="requirements")
    area = models.ForeignKey(LibraryArea, on_delete=models.CASCADE, related_name="requirements")
    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField(default=0, help_text="Position within the whole library")
    text_nl = models.TextField()
    text_en = models.TextField()
    guidance_nl = models.TextField(blank=True)
    guidance_en = models.TextField(blank=True)
    evidence_examples_nl = models.TextField(blank=True, help_text="One example per line")
    evidence_examples_en = models.TextField(blank=True, help_text="One example per line")
    weight = models.FloatField(default=1)
    answer_kind = models.CharField(max_length=20, choices=AnswerKind.choices, default=AnswerKind.MATURITY)
    # Taxonomy codes (violation types or sub-types) the requirement guards against: where a gap or an action
    # on it links to dilemmas and other material on the same topic (framework.topics). Wording, not structure.
    topics = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["library", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["library", "code"], name="framework_requirement_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="framework_requirement_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.text[:60]}"

    text = Localised()

    guidance = Localised()

    @property
    def evidence_examples(self) -> list[str]:
        """The examples of evidence in the active language, one per item."""
        return [line.strip() for line in self.localised("evidence_examples").splitlines() if line.strip()]


class AnswerOption(Bilingual):
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField(default=0)
    label_nl = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300)
    weight = models.IntegerField()

    class Meta:
        ordering = ["requirement", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["requirement", "code"], name="framework_option_unique")]

    def __str__(self) -> str:
        return self.label

    label = Localised()


class SuggestedAction(Bilingual):
    """What an organisation can do when a requirement is not met: the seed of an action in the actieplan."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="suggested_actions")
    order = models.PositiveIntegerField(default=0)
    title_nl = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    description_nl = models.TextField()
    description_en = models.TextField()

    class Meta:
        ordering = ["requirement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "order"], name="framework_suggested_action_unique")
        ]

    def __str__(self) -> str:
        return self.title

    title = Localised()

    description = Localised()
