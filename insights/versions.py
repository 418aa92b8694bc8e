"""The data version of the sector figures, and the figures cached under it (docs/decisions/0016).

Computing a network's figures reads every member's cases, partnerships, assessments and roadmap steps
(~150 ms of CPU at 600 members). They change far less often than the page is read, so the whole set of
figures (every year, category and size, suppression applied — what `sector.figures` returns) is cached
under a key of everything it depends on:

- the network, the year asked and the language of the labels;
- the members counted and their size categories (`sector.participants`, read on every request: an opt-in
  or a revocation changes the key at once) and the network's minimum group size;
- today's date ("current" assessments and partnerships, and the years, are as of today);
- the data version: the sum of the members' counters and the sector counter (`DataVersion`). A save or a
  delete of a case, partnership, assessment, consent, roadmap completion or step, violation type or
  organisation bumps the counters of the organisations it concerns (signals below); counters only grow,
  so any bump changes the sum.

Writes that bypass signals (QuerySet.update, bulk_create: the loaders' retirements, data migrations) are
caught by the cache's lifetime, `MAX_AGE`. The version is read before the data, so a figure cached
under a version is never older than that version.

Every page and the PDF select from one cached set, so all views of the same moment agree, and suppression
works exactly as before (the cache stores its result; it never recomputes a part).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from insights import sector
from insights.models import DataVersion
from organisations.models import Organisation
from samen import counters

# Figures are recomputed at least this often (seconds), whatever the version says.
MAX_AGE = 600


def org_key(pk: int) -> str:
    return f"org:{pk}"


def version(members: Iterable[int]) -> tuple[int, int]:
    """(sum of the counters of `members` and of the sector, how many counters): one query."""
    return counters.version(DataVersion, [org_key(pk) for pk in members] + [DataVersion.SECTOR])


def cached_figures(network: Organisation, year: int) -> sector.SectorFigures:
    """`sector.figures(network, year)`, from the cache when nothing it depends on has changed."""
    minimum = sector.minimum_of(network)
    sizes = sector.participants(network)
    # Read before the data: a change committed after this bumps the version past what is cached here.
    data_version = version(sizes)
    material = (
        network.pk,
        year,
        translation.get_language(),
        sorted(sizes.items()),
        (minimum.organisations, minimum.units),
        timezone.localdate().isoformat(),
        data_version,
    )
    figures = counters.cached(
        "insights:sector", material, MAX_AGE, lambda: sector.figures(network, year, minimum=minimum, sizes=sizes)
    )
    figures.network = network
    return figures


# ---- what bumps which counter -------------------------------------------------------------------------------------


def _keys_of(sender: type, instance: Any) -> list[str]:
    from assessments.models import Assessment
    from cases.models import Case
    from organisations.models import Consent, Partnership
    from roadmap.models import Completion

    if sender is Case or sender is Completion:
        return [org_key(instance.organisation_id)]
    if sender is Partnership:
        return [org_key(instance.organisation_id), org_key(instance.partner_id)]
    if sender is Assessment:
        return [org_key(pk) for pk in (instance.organisation_id, instance.requester_id) if pk]
    if sender is Consent:
        # A passport shared with the whole sector counts for every member that partners with its organisation.
        sector_wide = instance.scope == Consent.Scope.SECTOR
        return [org_key(instance.organisation_id)] + ([DataVersion.SECTOR] if sector_wide else [])
    if sender is Organisation:
        return [org_key(instance.pk)]
    return [DataVersion.SECTOR]  # roadmaps, steps, violation types


def _changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: fixtures, not changes
    counters.bump(DataVersion, _keys_of(sender, instance))


def connect() -> None:
    """Called from InsightsConfig.ready()."""
    from assessments.models import Assessment
    from cases.models import Case
    from framework.models import ViolationType
    from organisations.models import Consent, Partnership
    from roadmap.models import Completion, Roadmap, Step

    for model in (Case, Partnership, Assessment, Consent, Completion, Step, Roadmap, ViolationType, Organisation):
        post_save.connect(_changed, sender=model, dispatch_uid=f"insights-version-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"insights-version-delete-{model._meta.label}")
