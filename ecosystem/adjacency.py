"""The whole network of relations in each process's memory, read again only when the data changes.

A map walks up to three hops out from a centre and draws the relations among everything it found.
Asked of the database hop by hop, that is a few queries whose cost grows with the hubs on the way (a
ministry has tens of thousands of relations) plus the ORM's cost of building queries with IN lists
of hundreds of keys: 150 ms and more at 200,000 relations. Held in memory as adjacency lists, the
same walk is a few milliseconds of Python.

`network()` returns the `Network` of the current data version: one cheap query per call reads the
version (the token in `GraphVersion` and the largest relation key), and only when it differs from
the one in memory are the relations read again (about half a second at 200,000 relations, once per
process and import). What is kept per relation: both ends, kind, both roles, dates (as day numbers)
and activity; per organisation: its relations, its distinct neighbours, its outgoing relations
counted per target and kind, and its type. Sector and country filters read the activities of a
code once and keep them with the network.

All of it is public IATI data; nothing here knows about Samen organisations.
"""

import gc
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import connection

from ecosystem.models import ActivityCountry, ActivitySector, GraphVersion, ImportedOrganisation, Relation

if TYPE_CHECKING:
    from ecosystem.graph import Filters

KINDS = (Relation.Kind.PARTICIPATION.value, Relation.Kind.TRANSACTION.value)
KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}


@dataclass
class Network:
    version: str
    source: array = field(default_factory=lambda: array("q"))
    target: array = field(default_factory=lambda: array("q"))
    kind: bytearray = field(default_factory=bytearray)
    source_role: bytearray = field(default_factory=bytearray)
    target_role: bytearray = field(default_factory=bytearray)
    # Days since 1 January of year 1 (date.toordinal); 0 when not given.
    start: array = field(default_factory=lambda: array("i"))
    end: array = field(default_factory=lambda: array("i"))
    activity: array = field(default_factory=lambda: array("q"))
    # Organisation → its relations (indexes into the arrays above), both directions.
    links: dict[int, list[int]] = field(default_factory=dict)
    # Organisation → the distinct organisations it relates to, either direction.
    neighbours: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Organisation → {target: relations packed per kind (see `pack`)} of its outgoing relations, and the
    # targets as a set (intersected with a walk's organisations at C speed).
    out: dict[int, dict[int, int]] = field(default_factory=dict)
    out_set: dict[int, frozenset[int]] = field(default_factory=dict)
    # Organisation → {source: relations packed per kind} of its incoming relations, and the sources as a set.
    into: dict[int, dict[int, int]] = field(default_factory=dict)
    into_set: dict[int, frozenset[int]] = field(default_factory=dict)
    types: dict[int, str] = field(default_factory=dict)
    _activities: dict[tuple[str, str], frozenset[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.source)

    def other(self, relation: int, organisation: int) -> int:
        source = self.source[relation]
        return self.target[relation] if source == organisation else source

    def activities(self, what: str, code: str) -> frozenset[int]:
        """The activities with this sector (`what` = "sector") or recipient country ("country")."""
        key = (what, code)
        if key not in self._activities:
            if what == "sector":
                rows = list(ActivitySector.objects.filter(code=code).values_list("activity_id", flat=True))
            else:
                rows = list(ActivityCountry.objects.filter(country=code).values_list("activity_id", flat=True))
            self._activities[key] = frozenset(rows)
        return self._activities[key]

    def test(self, filters: "Filters") -> Callable[[int], bool] | None:
        """A test of one relation against `filters` (the same rules as `Filters.apply`); None when nothing filters."""
        if not filters.active:
            return None
        kind = KIND_CODES[filters.kind] if filters.kind else None
        role = filters.role or 0
        after = date(filters.year_from, 1, 1).toordinal() if filters.year_from else 0
        before = date(filters.year_to, 12, 31).toordinal() if filters.year_to else 0
        allowed: frozenset[int] | None = None
        if filters.country:
            allowed = self.activities("country", filters.country)
        if filters.sector:
            sector = self.activities("sector", filters.sector)
            allowed = sector if allowed is None else allowed & sector
        kinds, source_roles, target_roles = self.kind, self.source_role, self.target_role
        starts, ends, activities = self.start, self.end, self.activity

        def passes(r: int) -> bool:
            if kind is not None and kinds[r] != kind:
                return False
            if role and source_roles[r] != role and target_roles[r] != role:
                return False
            if after and ends[r] and ends[r] < after:
                return False
            if before and starts[r] and starts[r] > before:
                return False
            return allowed is None or activities[r] in allowed

        return passes


# Relations between two organisations, counted per kind in one integer: participation in the low bits.
SHIFT = 32
MASK = (1 << SHIFT) - 1


def unpack(packed: int) -> tuple[int, int]:
    """(participation relations, transaction relations) of a packed count."""
    return packed & MASK, packed >> SHIFT


_lock = threading.Lock()
_current: Network | None = None


def current_version() -> str:
    """The data version: the token the importer and saves write, and the largest relation key."""
    version = GraphVersion._meta.db_table
    relation = Relation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT token FROM {version} WHERE id = 1), (SELECT MAX(id) FROM {relation})"  # noqa: S608 -- table names
        )
        token, largest = cursor.fetchone()
    return f"{token or ''}:{largest or 0}"


def network() -> Network:
    """The network of the current data version, read from the database when it changed since the last call."""
    global _current
    version = current_version()
    found = _current
    if found is not None and found.version == version:
        return found
    with _lock:
        if _current is None or _current.version != version:
            _current = _load_frozen(version)
        return _current


def _load_frozen(version: str) -> Network:
    """`load`, then the network (and whatever else lives in the process) moved out of the cyclic garbage
    collector's sight with `gc.freeze()`: its hundreds of thousands of containers are kept until the next
    version, and every full collection would walk them all again — half the time of a first look at a map
    at 200,000 relations, spent in the collector. The previous network is unfrozen first, so it is freed."""
    gc.unfreeze()
    enabled = gc.isenabled()
    gc.disable()  # building it allocates no cycles: nothing for the collector to find meanwhile
    try:
        net = load(version)
    finally:
        if enabled:
            gc.enable()
    gc.collect()
    gc.freeze()
    return net


def forget() -> None:
    """Drop the network in memory (tests and benchmarks that want a cold start)."""
    global _current
    _current = None


def _day(value: object, seen: dict[object, int]) -> int:
    if value is None:
        return 0
    day = seen.get(value)
    if day is None:
        day = (date.fromisoformat(value) if isinstance(value, str) else value).toordinal()  # type: ignore[attr-defined]
        seen[value] = day
    return day


def load(version: str) -> Network:
    net = Network(version=version)
    quote = connection.ops.quote_name
    names = ("source_id", "target_id", "kind", "source_role", "target_role", "start", "end", "activity_id")
    columns = ", ".join(quote(name) for name in names)
    days: dict[object, int] = {}
    links: dict[int, list[int]] = {}
    out: dict[int, dict[int, int]] = {}
    into: dict[int, dict[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {Relation._meta.db_table} ORDER BY id")  # noqa: S608 -- column names
        index = 0
        while rows := cursor.fetchmany(10_000):
            for source, target, kind, source_role, target_role, start, end, activity in rows:
                code = KIND_CODES[kind]
                net.source.append(source)
                net.target.append(target)
                net.kind.append(code)
                net.source_role.append(source_role or 0)
                net.target_role.append(target_role or 0)
                net.start.append(_day(start, days))
                net.end.append(_day(end, days))
                net.activity.append(activity)
                links.setdefault(source, []).append(index)
                links.setdefault(target, []).append(index)
                step = 1 << (SHIFT * code)
                targets = out.setdefault(source, {})
                targets[target] = targets.get(target, 0) + step
                sources = into.setdefault(target, {})
                sources[source] = sources.get(source, 0) + step
                index += 1
    net.links = links
    for pk, relations in links.items():
        net.neighbours[pk] = tuple({net.other(r, pk) for r in relations})
    net.out, net.into = out, into
    net.out_set = {pk: frozenset(targets) for pk, targets in out.items()}
    net.into_set = {pk: frozenset(sources) for pk, sources in into.items()}
    net.types = dict(ImportedOrganisation.objects.exclude(type="").values_list("pk", "type"))
    return net
