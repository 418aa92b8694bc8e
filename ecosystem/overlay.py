"""The integrity overlay: what Samen knows about the viewer's partners on the map, and only what the viewer may see.

For each organisation on the map that is linked to a Samen organisation in a current partnership with
the viewer:
- whether it has a current assessment (final, still valid); its tier (the reviewer's rating) only from
  an assessment the viewer may see (`Assessment.objects.visible_to`: its own request, or shared with it
  by an active consent of the assessed organisation);
- the open and overdue actions in action plans the viewer and that partner own together;
- whether an integrity agreement of their partnership is in place (signed, not past its review date);
- whether the partner has an open speak-up channel, its own or its alliance's: existence only.

Nothing here reads cases or reports: the overlay says whether someone can speak up, never whether
anyone did.

"Blind spots" are partners of the viewer's partners, found along the public IATI relations, that have
neither a current assessment nor a speak-up channel (an organisation not on Samen has neither).

A map reads all of this through `read_viewer`, which keeps it per process under the versions of what it
reads (docs/decisions/0025): the network's, today's date, the sector's cover (`OverlayVersion`) and the
viewer's overview version (its partnerships, plans, actions and agreements, ADR 0023); at most MAX_AGE old.
"""

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from actions.models import Action, ActionPlan
from agreements.models import Agreement
from assessments.models import Assessment, shares_an_assessment
from ecosystem.adjacency import Network, network
from ecosystem.graph import Subgraph, samen_links
from ecosystem.models import ImportedOrganisation, OverlayVersion
from ecosystem.summary import Recent
from organisations import dashboard as overview
from organisations.models import Alliance, Organisation, Partnership
from samen import counters
from speakup.models import Channel

# Blind spots are looked for among at most this many partners of partners.
BLIND_SPOT_CAP = 500
# What a viewer's map reads is read again at least this often (seconds), whatever the versions say: for writes
# that send no signal.
MAX_AGE = 300


@dataclass
class Integrity:
    """What the viewer may know about one partner."""

    assessed: bool = False
    tier: str = ""  # a Rating value, "" when no assessment the viewer may see gives one
    open_actions: int = 0
    overdue_actions: int = 0
    agreement: bool = False
    channel: bool = False


def current_partner_keys(viewer: Organisation) -> "QuerySet[Any]":
    """The keys of the viewer's current partners, as a subquery: each side of the partnerships from its own index."""
    return Partnership.objects.current_partner_keys_of(viewer)


def current_partner_ids(viewer: Organisation) -> set[int]:
    return set(current_partner_keys(viewer))


def current_partners_among(viewer: Organisation, organisation_ids: set[int]) -> set[int]:
    """Those of `organisation_ids` that are current partners of `viewer`: only the partnerships with them are read
    (a large funder has thousands of partners; the API asks about a page of organisations, or one)."""
    pairs = Partnership.objects.current().filter(
        Q(organisation=viewer, partner__in=organisation_ids) | Q(partner=viewer, organisation__in=organisation_ids)
    )
    return {pk for pair in pairs.values_list("organisation_id", "partner_id") for pk in pair} - {viewer.pk}


# Past this many keys, the overlay's queries read the viewer's current partners as a subquery and drop the
# others in Python: Django prepares every literal key of an IN list one by one (a large funder's map holds
# ~800 partners: about 10 ms a query, six queries).
LITERAL_KEYS = 200

Keys = set[int] | QuerySet[Any]


def assessed_ids(organisation_ids: set[int], among: Keys | None = None) -> set[int]:
    """Organisations among these with a current (final, still valid) assessment: existence only. `among`: what
    the query filters on, when not the keys themselves (a subquery that holds them)."""
    today = timezone.localdate()
    found = (
        Assessment.objects.final()
        .filter(organisation_id__in=organisation_ids if among is None else among, valid_until__gte=today)
        .values_list("organisation_id", flat=True)
    )
    return set(found) & organisation_ids


def channel_ids(organisation_ids: set[int], among: Keys | None = None) -> set[int]:
    """Organisations among these with an open speak-up channel of their own or of an alliance they belong to."""
    keys = organisation_ids if among is None else among
    own = Channel.objects.filter(organisation_id__in=keys, is_open=True).values_list("organisation_id", flat=True)
    alliances = Alliance.objects.filter(speakup_channels__is_open=True, alliance_memberships__organisation_id__in=keys)
    via_alliance = alliances.values_list("alliance_memberships__organisation_id", flat=True)
    return (set(own) | set(via_alliance)) & organisation_ids


def overlay(viewer: Organisation, organisation_ids: set[int], partners: set[int] | None = None) -> dict[int, Integrity]:
    """The overlay for those of `organisation_ids` (Samen organisations) that are current partners of `viewer`.

    `partners`: the viewer's current partners, when the caller has read them in this request already.
    """
    partners = (current_partners_among(viewer, organisation_ids) if partners is None else partners) & organisation_ids
    if not partners:
        return {}
    result = {pk: Integrity() for pk in partners}
    today = timezone.localdate()
    # What the queries filter on; rows of partners not asked about are skipped below.
    among: Keys = partners if len(partners) <= LITERAL_KEYS else current_partner_keys(viewer)
    for pk in assessed_ids(partners, among):
        result[pk].assessed = True
    tiers = (
        Assessment.objects.visible_to(viewer)
        .final()
        # Literal keys: the visibility rule joined to the partners' subquery makes PostgreSQL plan badly.
        .filter(organisation_id__in=partners, valid_until__gte=today)
        .exclude(final_rating="")
        .order_by("organisation_id", "-finalised_at")
        .values_list("organisation_id", "final_rating")
    )
    for pk, rating in tiers:
        if pk in result:
            result[pk].tier = result[pk].tier or rating
    plans = ActionPlan.objects.filter(
        Q(organisation=viewer, partner_id__in=among) | Q(partner=viewer, organisation_id__in=among)
    )
    counts = (
        Action.objects.filter(plan__in=plans)
        .open()
        .values_list("plan__organisation_id", "plan__partner_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    )
    for owner, co_owner, open_count, overdue in counts:
        partner = co_owner if owner == viewer.pk else owner
        if partner in result:
            result[partner].open_actions += open_count
            result[partner].overdue_actions += overdue
    agreements = (
        Agreement.objects.visible_to(viewer)
        .in_place(today)
        .filter(partnership__isnull=False)
        .filter(
            Q(partnership__organisation=viewer, partnership__partner_id__in=among)
            | Q(partnership__partner=viewer, partnership__organisation_id__in=among)
        )
        .values_list("partnership__organisation_id", "partnership__partner_id")
    )
    for owner, co_owner in agreements:
        partner = co_owner if owner == viewer.pk else owner
        if partner in result:
            result[partner].agreement = True
    for pk in channel_ids(partners, among):
        result[pk].channel = True
    return result


def blind_spots(
    viewer: Organisation,
    cap: int = BLIND_SPOT_CAP,
    found: tuple[set[int], dict[int, int]] | None = None,
    covered: Callable[[], set[int]] | None = None,
) -> tuple[list[ImportedOrganisation], bool]:
    """Partners of the viewer's partners (along IATI relations) with neither a current assessment nor a channel.

    Returns the organisations (by name) and whether the search stopped at `cap` partners of partners.
    `found`: `viewer_nodes(viewer)`, when the caller has it. The partners of partners are read from the network
    in memory (ecosystem/adjacency.py): a large funder's thousands of partners are thousands of keys, each
    direction's neighbours up to the cap, in key order, as the database would give them. `covered`: gives
    `covered_nodes()`, which a map computes once for its own blind spots and this list.
    """
    mine, partner_nodes = found or viewer_nodes(viewer)
    if not partner_nodes:
        return [], False
    partners = set(partner_nodes.values())
    net = network()
    known = partner_nodes.keys() | mine
    second: set[int] = set()
    for adjacent in (net.out_set, net.into_set):
        reached: set[int] = set()
        for pk in partner_nodes:
            reached.update(adjacent.get(pk, ()))
        second.update(sorted(reached - known)[: cap + 1])
    capped = len(second) > cap
    candidates = list(ImportedOrganisation.objects.filter(pk__in=sorted(second)[:cap]).order_by("name", "pk"))
    links = samen_links(candidates)
    # Imported organisations linked to a Samen organisation with a current assessment or an open channel.
    has_cover = (covered or covered_nodes)()
    return [o for o in candidates if links.get(o.pk) not in partners | {viewer.pk} and o.pk not in has_cover], capped


def viewer_nodes(viewer: Organisation) -> tuple[set[int], dict[int, int]]:
    """The imported organisations that are the viewer, and those that are its current partners (imported pk →
    Samen pk), by the rule of `samen_links`: linked by the import, else by the same identifier. At most five
    queries whatever the size of the map or the number of partners."""
    partners = current_partner_ids(viewer)
    # The partners as a subquery, not as thousands of literal keys (a large funder has thousands of partners).
    keys = current_partner_keys(viewer)
    samen = Organisation.objects.filter(Q(pk__in=keys) | Q(pk=viewer.pk)).exclude(iati_identifier="")
    # Two queries each, each on an index (an OR of both would read the whole table on SQLite).
    linked = [
        *ImportedOrganisation.objects.filter(samen_organisation_id__in=keys).values_list(
            "pk", "samen_organisation_id", "identifier"
        ),
        *ImportedOrganisation.objects.filter(samen_organisation_id=viewer.pk).values_list(
            "pk", "samen_organisation_id", "identifier"
        ),
    ]
    # Not linked by the import: found by the identifier of a partner (or the viewer), and only the identifiers
    # found are then read back to their organisations (not every partner's, as thousands of literal values).
    by_identifier = list(
        ImportedOrganisation.objects.filter(
            samen_organisation__isnull=True, identifier__in=samen.values("iati_identifier")
        ).values_list("pk", "samen_organisation_id", "identifier")
    )
    identifiers = dict(
        samen.filter(iati_identifier__in={identifier for _pk, _link, identifier in by_identifier}).values_list(
            "iati_identifier", "pk"
        )
        if by_identifier
        else []
    )
    rows = [*linked, *by_identifier]
    mine: set[int] = set()
    found: dict[int, int] = {}
    for pk, link, identifier in rows:
        samen_pk = link or identifiers.get(identifier)
        if samen_pk == viewer.pk:
            mine.add(pk)
        elif samen_pk is not None and samen_pk in partners:
            found[pk] = samen_pk
    return mine, found


def covered_nodes() -> set[int]:
    """Imported organisations linked to a Samen organisation with a current assessment or an open speak-up
    channel (its own or its alliance's): two queries, existence only."""
    today = timezone.localdate()
    assessed = Assessment.objects.final().filter(valid_until__gte=today).values("organisation_id")
    own = Channel.objects.filter(is_open=True, organisation__isnull=False).values("organisation_id")
    via_alliance = Alliance.objects.filter(speakup_channels__is_open=True).values(
        "alliance_memberships__organisation_id"
    )
    covered = Organisation.objects.filter(Q(pk__in=assessed) | Q(pk__in=own) | Q(pk__in=via_alliance))
    # Two queries, each on an index (see `viewer_nodes`).
    linked = ImportedOrganisation.objects.filter(samen_organisation__in=covered.values("pk"))
    by_identifier = ImportedOrganisation.objects.filter(
        samen_organisation__isnull=True, identifier__in=covered.exclude(iati_identifier="").values("iati_identifier")
    ).exclude(identifier="")
    return set(linked.values_list("pk", flat=True)) | set(by_identifier.values_list("pk", flat=True))


def for_graph(
    viewer: Organisation,
    graph: Subgraph,
    found: tuple[set[int], dict[int, int]] | None = None,
    second: set[int] | None = None,
    covered: Callable[[], set[int]] | None = None,
    integrity: dict[int, Integrity] | None = None,
) -> tuple[dict[int, Integrity], set[int], set[int]]:
    """The overlay by node, the viewer's own nodes and the blind-spot nodes, for the organisations on a map.

    A constant number of queries, however many organisations the map holds: the viewer's and its
    partners' nodes are looked up from the partnerships (or given: `found`, from `viewer_nodes`), not
    from the map's thousands of nodes. Blind spots are found along `graph.edges`, which must hold
    every edge of the partners on the map; `second`, when given, are the organisations related to
    any of the partners on the map (a caller that keeps it saves going through the edges); `integrity`, when
    given, the overlay of every partner by Samen pk (`ViewerOverlay.integrity`).
    """
    mine, partners = found or viewer_nodes(viewer)
    mine = mine & graph.nodes.keys()
    on_map = {pk: samen_pk for pk, samen_pk in partners.items() if pk in graph.nodes}
    # The partners on the map came from `viewer_nodes`'s read of the current partnerships (or the caller's).
    samen = set(on_map.values())
    by_samen = overlay(viewer, samen, partners=samen) if integrity is None else integrity
    by_node = {pk: by_samen[samen_pk] for pk, samen_pk in on_map.items() if samen_pk in by_samen}
    if second is None:
        second = _related(graph, set(by_node))
    else:
        # Given: the organisations related to any partner on the map; keep those of partners with an overlay.
        second = second if len(by_node) == len(on_map) else _related(graph, set(by_node))
    second = second - set(by_node) - mine
    spots = second - (covered or covered_nodes)() if second else set()
    return by_node, mine, spots


def _related(graph: Subgraph, organisations: set[int]) -> set[int]:
    found: set[int] = set()
    for edge in graph.edges:
        if edge.source in organisations:
            found.add(edge.target)
        if edge.target in organisations:
            found.add(edge.source)
    return found


# ---- read once per version (docs/decisions/0025) ---------------------------------------------------------------


@dataclass
class ViewerOverlay:
    """Everything the map shows of one viewer's partners, as read at `key` (the versions of what it reads)."""

    key: Hashable
    read_at: float
    own: set[int]  # the imported organisations that are the viewer
    partners: dict[int, int]  # imported organisation → the current partner (Samen pk) it is
    integrity: dict[int, Integrity]  # by Samen pk: every partner with an imported organisation
    covered: set[int]  # imported organisations with an assessment or a channel on Samen: the sector's
    _blind_spots: tuple[list[ImportedOrganisation], bool] | None = field(default=None, repr=False)

    @property
    def nodes(self) -> tuple[set[int], dict[int, int]]:
        return self.own, self.partners

    def blind_spots(self, viewer: Organisation) -> tuple[list[ImportedOrganisation], bool]:
        if self._blind_spots is None:
            self._blind_spots = blind_spots(viewer, found=self.nodes, covered=lambda: self.covered)
        return self._blind_spots


VIEWERS: Recent[ViewerOverlay] = Recent(128)
COVERS: Recent[tuple[float, set[int]]] = Recent(4)


def read_viewer(viewer: Organisation, net: Network | None = None) -> ViewerOverlay:
    """What the map shows of `viewer`'s partners, from this process's memory while nothing it reads has changed.

    Three small queries when nothing has (the network's version, unless the caller has read `net` in this request;
    the cover counter; the viewer's overview counters): the versions are read before the data, so what is kept is
    never older than its key.
    """
    (cover,) = counters.numbers(OverlayVersion, [OverlayVersion.COVER])
    sector = ((net or network()).version, timezone.localdate().isoformat(), cover)
    key = (viewer.pk, sector, overview.versions_of(viewer.pk))
    now = time.monotonic()
    found = VIEWERS.get(key)
    if found is not None and now - found.read_at < MAX_AGE:
        return found
    covered = COVERS.get(sector)
    if covered is None or now - covered[0] >= MAX_AGE:
        covered = (now, covered_nodes())
        COVERS.put(sector, covered)
    own, partners = viewer_nodes(viewer)
    samen = set(partners.values())
    read = ViewerOverlay(
        key=key,
        read_at=now,
        own=own,
        partners=partners,
        integrity=overlay(viewer, samen, partners=samen),
        covered=covered[1],
    )
    VIEWERS.put(key, read)
    return read


def cover_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    """A save or delete that may change who is covered, or what a viewer sees of its partners (apps.py)."""
    if kwargs.get("raw"):
        return
    from organisations.models import Consent

    if sender is Assessment and instance.status != Assessment.Status.FINAL:
        return  # only final assessments are shown
    if sender is Consent and not shares_an_assessment(instance.subject):
        return
    counters.bump(OverlayVersion, [OverlayVersion.COVER])
