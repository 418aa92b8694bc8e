"""The part of the ecosystem a map shows: a bounded walk over relations, and where to draw each organisation.

The browser never receives the whole graph (200,000 relations and more). The server walks out from
a centre (one organisation, an alliance's members, or the organisations most active on a goal) one
hop at a time, each hop one query over `RelationQuerySet.touching` (served by the two indexes on
relations), and stops adding organisations at `cap`: the nearest hops first, and within a hop those
with most relations to what was already found. The map says when it stopped early.

Relations between the same two organisations (one per activity or transaction) are drawn as one
edge per kind, with how many relations it stands for.

The layout is rings: the centre in the middle, each hop on a circle around it, an organisation
placed near the one that brought it in, so the server can draw the SVG overview and the browser
starts from the same positions without computing a layout of its own.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.db.models import Count, Q, QuerySet

from ecosystem.adjacency import KINDS, MASK, SHIFT, Network, network, unpack
from ecosystem.models import ActivityCountry, ActivitySector, ImportedOrganisation, Relation
from organisations.models import Organisation

MAX_DEPTH = 3
NODE_CAP = 500
# A goal (sector or country) starts from the organisations with most relations on it.
GOAL_SEEDS = 30
# Rings: the smallest radius step, and the room each organisation takes on its ring.
RING_STEP = 160.0
NODE_ROOM = 26.0


@dataclass(frozen=True)
class Filters:
    """Which relations the walk follows. Empty values do not filter."""

    kind: str = ""  # Relation.Kind value
    role: int | None = None  # an IATI role (1–4) of either end of a participation relation
    year_from: int | None = None
    year_to: int | None = None
    country: str = ""  # ISO 3166-1 alpha-2 of the activity
    sector: str = ""  # a sector code in any vocabulary (DAC 5- or 3-digit, SDG goal)

    def apply(self, relations: QuerySet[Relation]) -> QuerySet[Relation]:
        if self.kind:
            relations = relations.filter(kind=self.kind)
        if self.role:
            relations = relations.filter(Q(source_role=self.role) | Q(target_role=self.role))
        if self.year_from:
            # A relation without dates is kept: the period filter leaves out only what is known to be outside.
            relations = relations.filter(Q(end__isnull=True) | Q(end__gte=date(self.year_from, 1, 1)))
        if self.year_to:
            relations = relations.filter(Q(start__isnull=True) | Q(start__lte=date(self.year_to, 12, 31)))
        if self.country:
            relations = relations.filter(
                activity_id__in=ActivityCountry.objects.filter(country=self.country).values("activity_id")
            )
        if self.sector:
            relations = relations.filter(
                activity_id__in=ActivitySector.objects.filter(code=self.sector).values("activity_id")
            )
        return relations

    @property
    def active(self) -> bool:
        return any((self.kind, self.role, self.year_from, self.year_to, self.country, self.sector))


@dataclass(slots=True)
class Node:
    pk: int
    hop: int
    # The organisation one hop nearer the centre that brought this one in (None for the centre).
    parent: int | None = None
    x: float = 0.0
    y: float = 0.0
    organisation: ImportedOrganisation | None = None


@dataclass(slots=True)
class Edge:
    source: int
    target: int
    kind: str
    relations: int


@dataclass
class Subgraph:
    nodes: dict[int, Node]
    edges: list[Edge]
    depth: int
    cap: int
    capped: bool
    centre: list[int] = field(default_factory=list)

    def neighbours(self) -> dict[int, set[int]]:
        adjacency: dict[int, set[int]] = {pk: set() for pk in self.nodes}
        for edge in self.edges:
            adjacency[edge.source].add(edge.target)
            adjacency[edge.target].add(edge.source)
        return adjacency

    def ordered(self) -> list[Node]:
        """Nodes by hop, then name."""
        return sorted(self.nodes.values(), key=lambda n: (n.hop, n.organisation.name if n.organisation else "", n.pk))


def nodes_of(samen_ids: Iterable[int]) -> QuerySet[ImportedOrganisation]:
    """The imported organisations of these Samen organisations: linked by the import, or with the same
    identifier (a Samen organisation may have set its identifier after the last import)."""
    samen_ids = list(samen_ids)
    identifiers = Organisation.objects.filter(pk__in=samen_ids).exclude(iati_identifier="").values("iati_identifier")
    return ImportedOrganisation.objects.filter(Q(samen_organisation_id__in=samen_ids) | Q(identifier__in=identifiers))


def samen_links(organisations: Iterable[ImportedOrganisation]) -> dict[int, int]:
    """Imported organisation pk → Samen organisation pk, by the same rule as `nodes_of`."""
    organisations = list(organisations)
    links = {o.pk: o.samen_organisation_id for o in organisations if o.samen_organisation_id}
    unlinked = {o.identifier: o.pk for o in organisations if not o.samen_organisation_id and o.identifier}
    if unlinked:
        found = Organisation.objects.filter(iati_identifier__in=list(unlinked)).values_list("pk", "iati_identifier")
        for pk, identifier in found:
            links[unlinked[identifier]] = pk
    return links


def goal_seeds(filters: Filters, limit: int = GOAL_SEEDS) -> list[int]:
    """The organisations with most relations that match `filters` (a sector or a country): a goal's centre."""
    relations = filters.apply(Relation.objects.all())
    counts: Counter[int] = Counter()
    for column in ("source_id", "target_id"):
        for pk, n in relations.values_list(column).annotate(n=Count("id")).order_by("-n", column)[:limit]:
            counts[pk] += n
    return [pk for pk, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]]


def walk(
    seeds: list[int],
    depth: int,
    filters: Filters = Filters(),
    cap: int = NODE_CAP,
    organisations: bool = True,
    complete: bool = True,
) -> Subgraph:
    """The organisations within `depth` hops of `seeds` along relations that match `filters`, at most `cap`.

    Walked over the network in memory (ecosystem/adjacency.py). With `organisations` False the nodes'
    `organisation` stays None (a caller that shows only some of them loads those itself); with `complete`
    False there are no edges and no layout yet (ecosystem/summary.py adds the edges it draws and lays out).
    """
    depth = max(1, min(MAX_DEPTH, depth))
    net = network()
    passes = net.test(filters)
    nodes = {pk: Node(pk, 0) for pk in dict.fromkeys(seeds)}
    capped = len(nodes) > cap
    if capped:
        nodes = dict(list(nodes.items())[:cap])
    frontier = list(nodes)
    for hop in range(1, depth + 1):
        if not frontier or len(nodes) >= cap:
            capped = capped or (bool(frontier) and _has_next_hop(net, frontier, nodes, passes))
            break
        found, more = _next_hop(net, frontier, nodes, passes, cap - len(nodes))
        capped = capped or more
        new = []
        for pk, parent in found:
            nodes[pk] = Node(pk, hop, parent)
            new.append(pk)
        frontier = new
    edges = _edges(net, nodes, passes) if complete else []
    if organisations:
        found_organisations = ImportedOrganisation.objects.in_bulk(list(nodes))
        for pk, node in nodes.items():
            node.organisation = found_organisations.get(pk)
    graph = Subgraph(
        nodes=nodes, edges=edges, depth=depth, cap=cap, capped=capped, centre=[pk for pk in nodes if nodes[pk].hop == 0]
    )
    if complete:
        place(graph)
    return graph


def edges_touching(
    graph: Subgraph, individual: set[int], filters: Filters = Filters(), net: Network | None = None
) -> list[Edge]:
    """The edges of `graph` with at least one end in `individual`, one per (source, target, kind): read from the
    relations of those organisations only, so a walk of thousands costs the degree of the few hundred drawn."""
    net = net or network()
    passes = net.test(filters)
    nodes = graph.nodes
    edges: list[Edge] = []
    if passes is None:
        # The hot loop of a first look at a map (thousands of pairs): `_add` inlined, names bound locally.
        members = set(nodes)
        add = edges.append
        participation_kind, transaction_kind = KINDS
        # Outgoing relations to anyone on the map; incoming ones from those not drawn one by one (the others'
        # outgoing relations hold them already).
        directions = ((net.out, net.out_set, members, True), (net.into, net.into_set, members - individual, False))
        for u in individual:
            for packed_by, keys, among, outgoing in directions:
                found = packed_by.get(u)
                if not found:
                    continue
                for v in keys[u] & among:
                    packed = found[v]
                    source, target = (u, v) if outgoing else (v, u)
                    if packed & MASK:
                        add(Edge(source, target, participation_kind, packed & MASK))
                    if packed >> SHIFT:
                        add(Edge(source, target, transaction_kind, packed >> SHIFT))
    else:
        counts: Counter[tuple[int, int, int]] = Counter()
        source_of, target_of, kinds = net.source, net.target, net.kind
        for u in individual:
            for r in net.links.get(u, ()):
                source, target = source_of[r], target_of[r]
                if source == u:
                    if target in nodes and passes(r):
                        counts[(u, target, kinds[r])] += 1
                elif source in nodes and source not in individual and passes(r):
                    counts[(source, u, kinds[r])] += 1
        edges = [Edge(u, v, KINDS[kind], n) for (u, v, kind), n in counts.items()]
    return edges


def _reached(net: Network, pk: int, passes: Callable[[int], bool] | None) -> Iterable[int]:
    if passes is None:
        return net.neighbours.get(pk, ())
    return {net.other(r, pk) for r in net.links.get(pk, ()) if passes(r)}


def _has_next_hop(
    net: Network, frontier: list[int], nodes: dict[int, Node], passes: Callable[[int], bool] | None
) -> bool:
    return any(n not in nodes for f in frontier for n in _reached(net, f, passes))


def _next_hop(
    net: Network, frontier: list[int], nodes: dict[int, Node], passes: Callable[[int], bool] | None, room: int
) -> tuple[list[tuple[int, int]], bool]:
    """The organisations one hop out, at most `room`: those linked to most of `frontier` first (then by key), each
    with the organisation of the frontier with the smallest key that links it; and whether there were more."""
    counts: dict[int, int] = {}
    parents: dict[int, int] = {}
    for f in sorted(frontier):
        for n in _reached(net, f, passes):
            if n in nodes:
                continue
            if n in counts:
                counts[n] += 1
            else:
                counts[n] = 1
                parents[n] = f
    ranked = sorted(counts, key=lambda n: (-counts[n], n))
    return [(n, parents[n]) for n in ranked[:room]], len(ranked) > room


def _add(edges: list[Edge], source: int, target: int, packed: int) -> None:
    participation, transaction = unpack(packed)
    if participation:
        edges.append(Edge(source, target, KINDS[0], participation))
    if transaction:
        edges.append(Edge(source, target, KINDS[1], transaction))


def _edges(net: Network, nodes: dict[int, Node], passes: Callable[[int], bool] | None) -> list[Edge]:
    """One edge per (source, target, kind) among `nodes`, with how many relations it stands for."""
    edges: list[Edge] = []
    if passes is None:
        members = set(nodes)
        for u in nodes:
            targets = net.out.get(u)
            if targets:
                for v in net.out_set[u] & members:
                    _add(edges, u, v, targets[v])
    else:
        counts: Counter[tuple[int, int, int]] = Counter()
        source_of, target_of, kinds = net.source, net.target, net.kind
        for u in nodes:
            for r in net.links.get(u, ()):
                if source_of[r] == u and target_of[r] in nodes and passes(r):
                    counts[(u, target_of[r], kinds[r])] += 1
        edges = [Edge(u, v, KINDS[kind], n) for (u, v, kind), n in counts.items()]
    edges.sort(key=lambda e: (e.source, e.target, e.kind))
    return edges


def place(graph: Subgraph) -> None:
    """Ring layout of all nodes of `graph` (see `place_items`)."""
    items = [(node.pk, node.hop, node.parent) for node in graph.nodes.values()]
    for pk, (x, y) in place_items(items).items():
        graph.nodes[pk].x, graph.nodes[pk].y = x, y


K = TypeVar("K")


def place_items(items: list[tuple[K, int, K | None]]) -> dict[K, tuple[float, float]]:
    """Ring layout of (key, hop, parent key) items: hop k on a circle of radius ≥ k × RING_STEP, wide enough to
    give each NODE_ROOM, each item near its parent so that edges between rings stay short."""
    rings: dict[int, list[tuple[K, K | None]]] = defaultdict(list)
    for key, hop, parent in items:
        rings[hop].append((key, parent))
    radius = 0.0
    angles: dict[K, float] = {}
    positions: dict[K, tuple[float, float]] = {}
    for hop in sorted(rings):
        ring = rings[hop]
        if hop == 0:
            ring.sort(key=lambda item: item[0])  # type: ignore[arg-type,return-value]
        else:
            ring.sort(key=lambda item: (angles.get(item[1], 0.0) if item[1] is not None else 0.0, item[0]))
        needed = len(ring) * NODE_ROOM / (2 * math.pi)
        if hop == 0:
            radius = 0.0 if len(ring) == 1 else max(RING_STEP / 2, needed)
        else:
            radius = max(radius + RING_STEP, needed)
        for index, (key, _) in enumerate(ring):
            angle = 2 * math.pi * index / len(ring) - math.pi / 2
            angles[key] = angle
            positions[key] = (round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))
    return positions
