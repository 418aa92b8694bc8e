"""What the map draws of a large neighbourhood: the nearest organisations one by one, the rest in groups with counts.

A walk may find up to `WALK_CAP` organisations (ecosystem/graph.py); a browser stays fluent with a few
hundred drawn elements, and a table of thousands of rows helps nobody. So when the walk found more than
`DRAW_CAP`:
- the first `SHOWN` organisations in the walk's order (the centre, then hop by hop, those with most
  relations to what was already found first) are drawn one by one, and so are the viewer's own
  organisation and its partners wherever they are (the overlay is never hidden in a group);
- every other organisation joins the group of its nearest drawn ancestor along the walk (the
  organisation that brought it in, or that one's, …) and of its organisation type: "312 NGOs reached
  through Ministry X". A group has the count of its members, the hop of its nearest member, and the
  relations of its members to what is drawn, added up per drawn organisation and kind;
- a group is opened on request (`expand`): up to `EXPAND_CAP` of its members (in walk order) are drawn
  one by one, the rest stay in the group, which then counts only them;
- if there would still be more than DRAW_CAP elements, groups of the same ancestor are merged across types,
  and if that is not enough either, the groups are one per type, all reached through the centre.

Members of a group are counted once, in one group; relations inside a group or between two groups are
not drawn (only the relations with at least one end drawn one by one are read, which keeps a walk of
thousands as cheap as the few hundred drawn). The counts
in the groups and the organisations drawn add up to what the walk found.
"""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ecosystem.graph import Edge, Node, Subgraph, place_items

T = TypeVar("T")
V = TypeVar("V")

DRAW_CAP = 500
DRAWINGS_KEPT = 8
SHOWN = 200
EXPAND_CAP = 200
ALL_TYPES = "all"

# IATI organisation type codes (OrganisationType) to the groups the map colours and groups by.
TYPE_GROUPS = {
    "10": "government",
    "11": "government",
    "15": "government",
    "21": "ngo",
    "22": "ngo",
    "23": "ngo",
    "24": "ngo",
    "40": "multilateral",
    "60": "foundation",
    "70": "private",
    "71": "private",
    "72": "private",
    "73": "private",
}


def type_group(code: str) -> str:
    return TYPE_GROUPS.get(code, "other")


@dataclass
class Group:
    anchor: int  # the drawn organisation its members were reached through
    kind: str  # a type group, or ALL_TYPES
    members: list[int]
    hop: int
    x: float = 0.0
    y: float = 0.0

    @property
    def key(self) -> tuple[int, str]:
        return (self.anchor, self.kind)


# An element of the drawing: ("n", organisation pk) or ("g", (anchor pk, kind)).
Ref = tuple[str, object]


@dataclass(slots=True)
class SummaryEdge:
    source: Ref
    target: Ref
    kind: str
    relations: int


@dataclass
class Summary:
    graph: Subgraph
    shown: list[int]  # organisations drawn one by one, in walk order
    groups: list[Group] = field(default_factory=list)
    edges: list[SummaryEdge] = field(default_factory=list)
    # What the views derive from a summary and keep with it (figures, names, edges as drawn): see views/map.py.
    extra: dict[str, object] = field(default_factory=dict)
    # What is made of each drawing of it (for a viewer, query, language and overlay: the nodes and edges, the
    # JSON, the files), the last DRAWINGS_KEPT drawings: a new overlay version makes a new drawing.
    drawings: "Recent[dict[str, object]]" = field(default_factory=lambda: Recent(DRAWINGS_KEPT))

    def remember(self, key: str, make: Callable[[], T]) -> T:
        """`make()` the first time, the same value after (a summary is shared by the requests that ask for it)."""
        if key not in self.extra:
            self.extra[key] = make()
        return self.extra[key]  # type: ignore[return-value]

    def of_drawing(self, drawing: str, name: str, make: Callable[[], T]) -> T:
        """`make()` the first time for this drawing, the same value after, while the drawing is kept."""
        kept = self.drawings.get(drawing)
        if kept is None:
            kept = {}
            self.drawings.put(drawing, kept)
        if name not in kept:
            kept[name] = make()
        return kept[name]  # type: ignore[return-value]

    @property
    def grouped(self) -> int:
        return sum(len(g.members) for g in self.groups)


def summarise(
    graph: Subgraph,
    types: dict[int, str],
    keep: frozenset[int] | set[int] = frozenset(),
    expand: frozenset[tuple[int, str]] | set[tuple[int, str]] = frozenset(),
    limit: int | None = None,
    shown: int | None = None,
    edges: Callable[[set[int]], list[Edge]] | None = None,
) -> Summary:
    """Split `graph` into organisations drawn one by one and groups (see the module docstring); lay both out.

    `edges(individual)` gives the edges of the walk with an end among `individual` (the organisations drawn one
    by one); by default they are taken from `graph.edges`. Relations between two groups are not drawn.
    """
    limit = DRAW_CAP if limit is None else limit
    shown = SHOWN if shown is None else shown
    order = list(graph.nodes)
    if edges is None:
        complete = graph.edges

        def edges(individual: set[int]) -> list[Edge]:
            return [e for e in complete if e.source in individual or e.target in individual]

    if len(order) <= limit:
        summary = Summary(graph=graph, shown=order)
        graph.edges = sorted(edges(set(order)), key=lambda e: (e.source, e.target, e.kind))
        summary.edges = [SummaryEdge(("n", e.source), ("n", e.target), e.kind, e.relations) for e in graph.edges]
        _place(summary)
        return summary
    individual = set(order[:shown]) | (keep & set(order)) | set(graph.centre)

    def grouping() -> dict[tuple[int, str], Group]:
        groups = _group(graph, order, individual, types, by_type=True)
        if len(individual) + len(groups) > limit:
            groups = _group(graph, order, individual, types, by_type=False)
        if len(individual) + len(groups) > limit:
            # Still too many (many drawn organisations each with a few beyond): one group per type further out.
            groups = _group(graph, order, individual, types, by_type=True, anchor=graph.centre[0])
        return groups

    groups = grouping()
    opened = False
    for key in expand:
        group = groups.get(key)
        if group is not None:
            individual.update(group.members[:EXPAND_CAP])  # the rest stays in a smaller group
            opened = True
    if opened:
        groups = grouping()
    summary = Summary(graph=graph, shown=[pk for pk in order if pk in individual], groups=list(groups.values()))
    graph.edges = edges(individual)
    summary.edges = _edges(graph, individual, groups)
    _place(summary)
    return summary


def _group(
    graph: Subgraph,
    order: list[int],
    individual: set[int],
    types: dict[int, str],
    by_type: bool,
    anchor: int | None = None,
) -> dict[tuple[int, str], Group]:
    nodes = graph.nodes
    anchors: dict[int, int] = {}
    groups: dict[tuple[int, str], Group] = {}
    for pk in order:
        if pk in individual:
            continue
        if anchor is None:
            parent = nodes[pk].parent
            # Parents come earlier in the walk: their anchor is known already.
            found = parent if parent is None or parent in individual else anchors[parent]
            if found is None:  # a seed beyond the cap of seeds: its group's anchor is the first centre
                found = graph.centre[0]
            anchors[pk] = found
        else:
            found = anchor
        key = (found, type_group(types.get(pk, "")) if by_type else ALL_TYPES)
        group = groups.get(key)
        if group is None:
            groups[key] = Group(anchor=found, kind=key[1], members=[pk], hop=nodes[pk].hop)
        else:
            group.members.append(pk)
    return groups


def _edges(graph: Subgraph, individual: set[int], groups: dict[tuple[int, str], Group]) -> list[SummaryEdge]:
    where: dict[int, Ref] = {pk: ("g", key) for key, group in groups.items() for pk in group.members}
    totals: dict[tuple[Ref, Ref, str], int] = defaultdict(int)
    for edge in graph.edges:
        source = ("n", edge.source) if edge.source in individual else where[edge.source]
        target = ("n", edge.target) if edge.target in individual else where[edge.target]
        if source[0] == "g" and target[0] == "g":
            continue  # between or inside groups: not drawn
        totals[(source, target, edge.kind)] += edge.relations
    return [SummaryEdge(s, t, kind, n) for (s, t, kind), n in totals.items()]


def _place(summary: Summary) -> None:
    """Ring layout of what is drawn: organisations as the walk placed them among themselves, groups beside
    their anchor on the ring of their hop."""
    nodes = summary.graph.nodes
    items: list[tuple[Ref, int, Ref | None]] = [
        (("n", pk), nodes[pk].hop, ("n", nodes[pk].parent) if nodes[pk].parent is not None else None)
        for pk in summary.shown
    ]
    items += [(("g", g.key), g.hop, ("n", g.anchor)) for g in summary.groups]
    positions = place_items(items)
    for pk in summary.shown:
        nodes[pk].x, nodes[pk].y = positions[("n", pk)]
    for group in summary.groups:
        group.x, group.y = positions[("g", group.key)]


def members_of(summary: Summary, key: tuple[int, str]) -> list[Node]:
    """The members of one group, in walk order."""
    for group in summary.groups:
        if group.key == key:
            return [summary.graph.nodes[pk] for pk in group.members]
    return []


class Recent(Generic[V]):
    """The last `size` values asked for, by key (least recently used dropped first); shared by a process's
    threads. A key holds the data version, so a change makes the old ones unreachable."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
