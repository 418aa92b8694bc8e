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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

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


@dataclass
class Node:
    pk: int
    hop: int
    # The organisation one hop nearer the centre that brought this one in (None for the centre).
    parent: int | None = None
    x: float = 0.0
    y: float = 0.0
    organisation: ImportedOrganisation | None = None


@dataclass
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


def walk(seeds: list[int], depth: int, filters: Filters = Filters(), cap: int = NODE_CAP) -> Subgraph:
    """The organisations within `depth` hops of `seeds` along relations that match `filters`, at most `cap`."""
    depth = max(1, min(MAX_DEPTH, depth))
    nodes = {pk: Node(pk, 0) for pk in dict.fromkeys(seeds)}
    capped = len(nodes) > cap
    if capped:
        nodes = dict(list(nodes.items())[:cap])
    frontier = list(nodes)
    for hop in range(1, depth + 1):
        if not frontier or len(nodes) >= cap:
            capped = capped or bool(frontier)
            break
        found, more = _next_hop(frontier, list(nodes), filters, cap - len(nodes))
        capped = capped or more
        new = []
        for pk, parent in found:
            nodes[pk] = Node(pk, hop, parent)
            new.append(pk)
        frontier = new
    edges = _edges(list(nodes), filters)
    organisations = ImportedOrganisation.objects.in_bulk(list(nodes))
    for pk, node in nodes.items():
        node.organisation = organisations.get(pk)
    graph = Subgraph(
        nodes=nodes, edges=edges, depth=depth, cap=cap, capped=capped, centre=[pk for pk in nodes if nodes[pk].hop == 0]
    )
    place(graph)
    return graph


def _next_hop(
    frontier: list[int], visited: list[int], filters: Filters, room: int
) -> tuple[list[tuple[int, int]], bool]:
    """The organisations one hop out, at most `room`: those linked to most of `frontier` first, each with one of
    the organisations that links it; and whether there were more.

    Counted and ranked by the database (a hub's tens of thousands of relations never come to Python): each
    direction gives (organisation outside, organisation in the frontier) pairs, UNION makes them distinct.
    """
    outgoing = filters.apply(Relation.objects.filter(source_id__in=frontier)).annotate(
        n=F("target_id"), f=F("source_id")
    )
    incoming = filters.apply(Relation.objects.filter(target_id__in=frontier)).annotate(
        n=F("source_id"), f=F("target_id")
    )
    out_sql, out_params = outgoing.values_list("n", "f").query.sql_with_params()
    in_sql, in_params = incoming.values_list("n", "f").query.sql_with_params()
    placeholders = ", ".join(["%s"] * len(visited))
    sql = (
        f"SELECT n, MIN(f) FROM ({out_sql} UNION {in_sql}) pairs "  # noqa: S608 -- the ORM's SQL, values as parameters
        f"WHERE n NOT IN ({placeholders}) GROUP BY n ORDER BY COUNT(*) DESC, n LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*out_params, *in_params, *visited, room + 1])
        rows = cursor.fetchall()
    return [(n, f) for n, f in rows[:room]], len(rows) > room


def _edges(pks: list[int], filters: Filters) -> list[Edge]:
    if len(pks) < 2:
        return []
    # Both ends in `pks`, but only the source looked up in the index: probing every (target, source) pair
    # of 500 × 500 costs 250,000 index searches, while reading each source's relations and checking the
    # target costs one range per source. `target_id + 0` keeps the planner off the target's index.
    rows = (
        filters.apply(Relation.objects.filter(source_id__in=pks))
        .alias(target_key=F("target_id") + 0)
        .filter(target_key__in=pks)
        .values_list("source_id", "target_id", "kind")
        .annotate(n=Count("id"))
        .order_by("source_id", "target_id", "kind")
    )
    return [Edge(source, target, kind, n) for source, target, kind, n in rows]


def place(graph: Subgraph) -> None:
    """Ring layout: hop k on a circle of radius ≥ k × RING_STEP, wide enough to give each node NODE_ROOM."""
    rings: dict[int, list[Node]] = defaultdict(list)
    for node in graph.nodes.values():
        rings[node.hop].append(node)
    radius = 0.0
    angles: dict[int, float] = {}
    for hop in sorted(rings):
        ring = rings[hop]
        if hop == 0:
            ring.sort(key=lambda n: n.pk)
        else:
            # Near the organisation that brought each one in, so edges between rings stay short.
            ring.sort(key=lambda n: (angles.get(n.parent or 0, 0.0), n.pk))
        needed = len(ring) * NODE_ROOM / (2 * math.pi)
        if hop == 0:
            radius = 0.0 if len(ring) == 1 else max(RING_STEP / 2, needed)
        else:
            radius = max(radius + RING_STEP, needed)
        for index, node in enumerate(ring):
            angle = 2 * math.pi * index / len(ring) - math.pi / 2
            angles[node.pk] = angle
            node.x, node.y = round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1)
