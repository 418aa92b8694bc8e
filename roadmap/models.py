"""The integrity-system roadmap (stappenplan): steps to build an integrity system, and each organisation's progress.

The steps are framework content: they live in framework/content/roadmap/*.yaml and reach the database
only through `manage.py load_framework` (see roadmap/loader.py). Steps removed from the file are
retired, never deleted, so what an organisation marked done keeps its meaning.

Proportionality: every step names the size categories (CBF A–D) it applies to, and may say per size
how to do it; a small organisation sees a smaller, lighter set of steps.
"""

import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from framework.models import Bilingual, ContentQuerySet, Localised, active_content_language
from organisations.models import Organisation

SIZES = ("A", "B", "C", "D")
# An organisation that has not said its size is treated as the smallest: it sees the fewest steps.
ASSUMED_SIZE = "A"

# The stable code of an organisation's roadmap action plan: derived, so reading a page writes nothing.
PLAN_NAMESPACE = uuid.UUID("5c0c6b53-0f2e-4a57-9a0e-3d5f1e7a2b61")


def plan_code(organisation: Organisation) -> uuid.UUID:
    """The `source_code` of the organisation's roadmap action plan: the same for good."""
    return uuid.uuid5(PLAN_NAMESPACE, str(organisation.code))


def size_of(organisation: Organisation) -> str:
    return organisation.size_category or ASSUMED_SIZE


class Roadmap(Bilingual):
    """One roadmap file: its name, description and version."""

    code = models.SlugField(max_length=60, unique=True)
    version = models.CharField(max_length=40)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200, help_text="The content file that defines it")

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    name = Localised()

    description = Localised()


class Block(Bilingual):
    """One of the four blocks of the Partos Code: repressive, preventive, moral learning, accountability."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="blocks")
    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField(default=0)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    retired = models.BooleanField(default=False)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["roadmap", "code"], name="roadmap_block_unique")]

    def __str__(self) -> str:
        return self.name

    name = Localised()

    description = Localised()


class Phase(Bilingual):
    """A stage of building the system; steps are taken phase by phase."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="phases")
    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField(default=0)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    retired = models.BooleanField(default=False)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["roadmap", "code"], name="roadmap_phase_unique")]

    def __str__(self) -> str:
        return self.name

    name = Localised()

    description = Localised()


class StepQuerySet(ContentQuerySet["Step"]):
    def for_size(self, size: str) -> "StepQuerySet":
        """The active steps that apply to an organisation of size category `size`."""
        return self.active().filter(sizes__contains=size)  # type: ignore[return-value]

    def in_order(self) -> "StepQuerySet":
        return self.select_related("block", "phase").order_by("phase__order", "order")


class Step(Bilingual):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="steps")
    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="steps")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="steps")
    code = models.SlugField(max_length=80, unique=True)
    order = models.PositiveIntegerField(default=0)
    # The size categories it applies to, as letters: "ABCD", "CD". Filtered with `contains`.
    sizes = models.CharField(max_length=4)
    title_nl = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    why_nl = models.TextField()
    why_en = models.TextField()
    done_nl = models.TextField(help_text="What “done” looks like")
    done_en = models.TextField(help_text="What “done” looks like")
    evidence_examples_nl = models.TextField(blank=True, help_text="One example per line")
    evidence_examples_en = models.TextField(blank=True, help_text="One example per line")
    # How the step is done per size category: {"A": {"nl": "…", "en": "…"}, …}; sizes without a note do it as written.
    how = models.JSONField(default=dict, blank=True)
    # Slugs of guide pages; shown as links only when the page exists (the guide loads separately).
    guide_pages = models.JSONField(default=list, blank=True)
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200, help_text="The content file that defines it")

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["phase__order", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(sizes__regex=r"^A?B?C?D?$") & ~Q(sizes=""), name="roadmap_step_sizes")
        ]

    def __str__(self) -> str:
        return self.title

    title = Localised()

    why = Localised()

    @property
    def done_looks_like(self) -> str:
        return self.localised("done")

    @property
    def evidence_examples(self) -> list[str]:
        return [line.strip() for line in self.localised("evidence_examples").splitlines() if line.strip()]

    def applies_to(self, size: str) -> bool:
        return size in self.sizes

    def how_for(self, size: str) -> str:
        """How an organisation of `size` does this step, if the roadmap says so for that size."""
        texts = self.how.get(size) or {}
        first = active_content_language()
        return texts.get(first) or next((t for t in texts.values() if t), "")

    @property
    def size_list(self) -> list[str]:
        return list(self.sizes)


# What organisations did ----------------------------------------------------------------------------


def evidence_path(instance: "Completion", filename: str) -> str:
    # A random name: the person's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()
    return f"roadmap/{instance.organisation.code}/{secrets.token_hex(16)}{suffix}"


def private_storage() -> FileSystemStorage:
    """Files under MEDIA_ROOT, which no URL serves: only the access-checked download view reads them."""
    return FileSystemStorage(base_url=None)


class Completion(models.Model):
    """An organisation marked a step done, with a note and evidence (a file, a link, or both)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roadmap_completions")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="completions")
    note = models.TextField(_("note"))
    link = models.URLField(_("link to evidence"), max_length=500, blank=True)
    file = models.FileField(upload_to=evidence_path, storage=private_storage, max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "step"], name="roadmap_completion_unique")]

    def __str__(self) -> str:
        return f"{self.step_id} done by {self.organisation_id}"

    def undo(self) -> None:
        """The step is open again; its evidence file goes with the record."""
        if self.file:
            self.file.delete(save=False)
        self.delete()


class StepAction(models.Model):
    """A step turned into an action of the organisation's roadmap action plan: one per step."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "step"], name="roadmap_step_action_unique")]

    def __str__(self) -> str:
        return f"{self.step_id} → action {self.action_id}"
