"""The shared language of integrity: the taxonomy of violations and the glossary.

The content lives in versioned YAML files (framework/content/) and reaches the database only
through `manage.py load_framework`. Entries removed from the files are *retired*, never deleted:
cases, statistics and dilemmas of later apps point at them and must keep their meaning.
"""

from typing import TypeVar

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


class Bilingual(models.Model):
    """Picks `<field>_nl` or `<field>_en` for the active language, falling back to the other one."""

    class Meta:
        abstract = True

    def localised(self, field: str) -> str:
        first = active_content_language()
        for code in (first, *[c for c in CONTENT_LANGUAGES if c != first]):
            value = getattr(self, f"{field}_{code}", "")
            if value:
                return value
        return ""

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

    @property
    def name(self) -> str:
        return self.localised("name")

    @property
    def name_other(self) -> str:
        return self.other_language("name")

    @property
    def definition(self) -> str:
        return self.localised("definition")

    @property
    def example(self) -> str:
        return self.localised("example")


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

    @property
    def name(self) -> str:
        return self.localised("name")

    @property
    def name_other(self) -> str:
        return self.other_language("name")

    @property
    def definition(self) -> str:
        return self.localised("definition")

    @property
    def example(self) -> str:
        return self.localised("example")


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

    @property
    def term(self) -> str:
        return self.localised("term")

    @property
    def term_other(self) -> str:
        return self.other_language("term")

    @property
    def definition(self) -> str:
        return self.localised("definition")

    @property
    def definition_other(self) -> str:
        return self.other_language("definition")
