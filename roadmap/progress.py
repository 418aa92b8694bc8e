"""Where an organisation stands on the roadmap: its steps, what it did, progress per block, its next steps.

Everything here costs a fixed number of queries, whatever the number of steps or organisations.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from organisations.models import Organisation
from roadmap.models import Block, Completion, Roadmap, Step, size_of
from samen.charts import bar_chart, stacked_bar

NEXT_STEPS = 3
DONE_COLOUR, OPEN_COLOUR = "#14532d", "#b35c00"

# The guide app (written alongside) owns its pages; the roadmap only links to them. Its model and URL
# are named here, in one place, rather than imported: the guide is a peer feature app, and a step
# must render (without the link) when the guide or the page is not there.
GUIDE_MODEL = ("guide", "GuidePage")
GUIDE_URL = "guide:page"


@dataclass
class BlockProgress:
    block: Block
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Standing:
    roadmap: Roadmap
    size: str
    size_known: bool
    steps: list[Step]
    completions: dict[int, Completion]
    blocks: list[BlockProgress] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.pk in self.completions)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def next_steps(self) -> list[Step]:
        """The first open steps in the order of the roadmap (phase, then order), for this size."""
        return [s for s in self.steps if s.pk not in self.completions][:NEXT_STEPS]

    def is_done(self, step: Step) -> bool:
        return step.pk in self.completions

    def rows(self) -> list[tuple[Step, Completion | None]]:
        return [(s, self.completions.get(s.pk)) for s in self.steps]

    def block_chart(self) -> SafeString:
        return bar_chart(
            [(b.block.name, b.percent) for b in self.blocks],
            maximum=100,
            title=_("Roadmap steps done per block, in percent"),
        )

    def overall_chart(self) -> SafeString:
        return stacked_bar(
            [(_("Done"), self.done, DONE_COLOUR), (_("To do"), self.total - self.done, OPEN_COLOUR)],
            title=_("Roadmap steps done of %(total)s") % {"total": self.total},
        )


def current_roadmap() -> Roadmap | None:
    return Roadmap.objects.active().order_by("code").first()


def standing(organisation: Organisation, roadmap: Roadmap | None = None) -> Standing | None:
    """The organisation's roadmap, or None when no roadmap is loaded. Three queries."""
    roadmap = roadmap or current_roadmap()
    if roadmap is None:
        return None
    size = size_of(organisation)
    steps = list(Step.objects.filter(roadmap=roadmap).for_size(size).in_order())
    completions = {
        c.step_id: c
        for c in Completion.objects.filter(organisation=organisation, step__roadmap=roadmap).select_related("done_by")
    }
    result = Standing(
        roadmap=roadmap, size=size, size_known=bool(organisation.size_category), steps=steps, completions=completions
    )
    by_block: dict[int, BlockProgress] = {}
    for step in steps:
        progress = by_block.setdefault(step.block_id, BlockProgress(step.block, 0, 0))
        progress.total += 1
        progress.done += step.pk in completions
    result.blocks = sorted(by_block.values(), key=lambda p: (p.block.order, p.block.code))
    return result


def guide_links(slugs: list[str], organisation: Organisation) -> list[tuple[str, str]]:
    """(title, url) of the guide pages among `slugs` that exist; one query, none without a guide."""
    if not slugs:
        return []
    try:
        model: type[Model] = apps.get_model(*GUIDE_MODEL)
    except LookupError:
        return []
    pages = {p.slug: p for p in model._default_manager.filter(slug__in=slugs, retired=False)}  # type: ignore[attr-defined]
    links = []
    for slug in slugs:
        page = pages.get(slug)
        if page is None:
            continue
        try:
            url = reverse(GUIDE_URL, kwargs={"slug": organisation.slug, "page": slug})
        except NoReverseMatch:
            return []
        links.append((str(getattr(page, "title", "") or page), url))
    return links
