"""The ecosystem map: a part of the network around a centre, as a page, as JSON for the interactive map, and as files.

Every view reads the same query (centre, filters, figure) through `MapForm`, and `prepare` walks the
graph once (ecosystem/graph.py) and adds what the viewer may know (ecosystem/overlay.py). The page
works without JavaScript: a server-drawn SVG overview and tables of the same organisations and
relations; static/ecosystem/map.js fetches the JSON (`data`) and draws the interactive map on top.

Every member of the organisation reads the map (IATI data is public; the overlay holds only what the
organisation may see); outsiders get 404. An alliance is a centre only for its lead and members.

The page, the data and the exports are sized by the network drawn, not by the organisation: 0.3–1 MB for a
large funder. They are sent compressed to whoever accepts gzip (`gzip_page`, ADR 0021): a phone on a slow
line waits for a tenth of it. The data and the files are kept with their drawing, compressed once (ADR 0025).
"""

import json
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.text import compress_string
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from ecosystem import map_exports
from ecosystem.adjacency import network
from ecosystem.figures import BROKER_CAP, figures_for
from ecosystem.graph import MAX_DEPTH, Filters, Subgraph, edges_touching, goal_seeds, nodes_of, walk
from ecosystem.models import ImportedOrganisation, OrganisationType, Relation, Role
from ecosystem.overlay import Integrity, ViewerOverlay, for_graph, read_viewer
from ecosystem.summary import ALL_TYPES, DRAW_CAP, Recent, Summary, summarise, type_group
from organisations.access import get_alliance, get_membership
from organisations.models import Alliance, Membership, Organisation
from samen.choices import labels
from samen.csv_export import csv_text, filename

T = TypeVar("T")

# The walk finds at most this many organisations; beyond DRAW_CAP the map draws groups (ecosystem/summary.py).
WALK_CAP = 5000
# The drawings of the last maps asked for, per process: what is drawn one by one, the groups, their edges and
# the layout, for a centre, depth, filters, opened groups and the viewer's partners on the map, at one data
# version. The overlay is not in them: it is kept per viewer under its own versions (`read_viewer`, ADR 0025).
SUMMARIES: Recent[Summary] = Recent(64)
# Groups opened at once (each `expand` value names one).
MAX_EXPANDED = 10
PAGE_SIZE = 50
SEARCH_RESULTS = 20
# Files kept with a drawing are kept compressed too, from this size (Django's GZipMiddleware's: shorter is not
# worth it), for whoever accepts gzip.
GZIP_FROM = 200
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
BLIND_SPOTS_SHOWN = 50

SIZES = [
    ("partners", gettext_lazy("Partners on the map")),
    ("relations", gettext_lazy("Relations on the map")),
    ("funders", gettext_lazy("Funders and payers on the map")),
    ("funded", gettext_lazy("Organisations funded or paid on the map")),
]
COLOURS = [
    ("hop", gettext_lazy("Distance from the centre")),
    ("type", gettext_lazy("Organisation type")),
    ("integrity", gettext_lazy("Integrity overlay")),
]
HOP_COLOURS = ["#0b5b5b", "#2f6f9c", "#6a55b0", "#9c4a00"]
TYPE_COLOURS = {
    "government": "#1f5fa8",
    "ngo": "#0b6b40",
    "multilateral": "#6a3fa0",
    "foundation": "#9c4a00",
    "private": "#a3324a",
    "other": "#5c6670",
}
INTEGRITY_COLOURS = {
    "mine": "#0b5b5b",
    "assessed": "#1e7a34",
    "unassessed": "#9c4a00",
    "blind_spot": "#b3261e",
    "other": "#8a939e",
}


def type_legend() -> list[tuple[str, str]]:
    return [
        (TYPE_COLOURS["government"], _("Government and public sector")),
        (TYPE_COLOURS["ngo"], _("NGO")),
        (TYPE_COLOURS["multilateral"], _("Multilateral")),
        (TYPE_COLOURS["foundation"], _("Foundation")),
        (TYPE_COLOURS["private"], _("Private sector")),
        (TYPE_COLOURS["other"], _("Academic, other or not given")),
    ]


def integrity_legend() -> list[tuple[str, str]]:
    return [
        (INTEGRITY_COLOURS["mine"], _("Your organisation")),
        (INTEGRITY_COLOURS["assessed"], _("Partner with a current assessment")),
        (INTEGRITY_COLOURS["unassessed"], _("Partner without a current assessment")),
        (INTEGRITY_COLOURS["blind_spot"], _("Blind spot: partner of a partner, no assessment and no speak-up channel")),
        (INTEGRITY_COLOURS["other"], _("Other organisation")),
    ]


CENTRE_FIELDS = ("org", "alliance", "goal_sector", "goal_country")
FILTER_FIELDS = ("depth", "kind", "role", "year_from", "year_to", "country", "sector", "size", "colour")
# Kept by every form and link of the page, but not one of the filters the form shows.
EXPAND_FIELDS = ("expand",)


class MapForm(forms.Form):
    """The map's query: one centre (an organisation, an alliance or a goal), the filters and the figure shown."""

    org = forms.UUIDField(required=False, widget=forms.HiddenInput)
    alliance = forms.UUIDField(label=gettext_lazy("Alliance"), required=False)
    goal_sector = forms.CharField(
        label=gettext_lazy("Goal: sector or SDG code"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("A DAC sector code such as 15170, or an SDG goal number such as 16."),
    )
    goal_country = forms.CharField(
        label=gettext_lazy("Goal: country"),
        required=False,
        max_length=2,
        help_text=gettext_lazy("A two-letter country code, such as UG."),
    )
    depth = forms.TypedChoiceField(
        label=gettext_lazy("Depth"),
        choices=[(n, str(n)) for n in range(1, MAX_DEPTH + 1)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Relation"),
        choices=[("", gettext_lazy("All relations")), *Relation.Kind.choices],
        required=False,
    )
    role = forms.TypedChoiceField(
        label=gettext_lazy("Role in an activity"),
        choices=[("", gettext_lazy("Any role")), *Role.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    year_from = forms.IntegerField(label=gettext_lazy("From year"), required=False, min_value=1950, max_value=2100)
    year_to = forms.IntegerField(label=gettext_lazy("To year"), required=False, min_value=1950, max_value=2100)
    country = forms.CharField(label=gettext_lazy("Country"), required=False, max_length=2)
    sector = forms.CharField(label=gettext_lazy("Sector or SDG code"), required=False, max_length=20)
    size = forms.ChoiceField(label=gettext_lazy("Size by"), choices=SIZES, required=False)
    colour = forms.ChoiceField(label=gettext_lazy("Colour by"), choices=COLOURS, required=False)
    # Groups of the map opened one by one: "<anchor code>.<type group>", comma-separated.
    expand = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def clean_expand(self) -> list[tuple[str, str]]:
        keys = []
        for part in self.cleaned_data["expand"].split(","):
            if not part.strip():
                continue
            code, _dot, kind = part.strip().partition(".")
            try:
                code = str(uuid.UUID(code))
            except ValueError:
                raise forms.ValidationError(_("This group is not on the map.")) from None
            if kind not in (*TYPE_COLOURS, ALL_TYPES):
                raise forms.ValidationError(_("This group is not on the map."))
            keys.append((code, kind))
        return list(dict.fromkeys(keys))[:MAX_EXPANDED]

    def clean_country(self) -> str:
        return _country(self.cleaned_data["country"])

    def clean_goal_country(self) -> str:
        return _country(self.cleaned_data["goal_country"])

    def clean_sector(self) -> str:
        return self.cleaned_data["sector"].strip().upper()

    def clean_goal_sector(self) -> str:
        return self.cleaned_data["goal_sector"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            self.add_error("year_to", _("The last year comes after the first."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            kind=data["kind"],
            role=data["role"],
            year_from=data["year_from"],
            year_to=data["year_to"],
            country=data["country"] or data["goal_country"],
            sector=data["sector"] or data["goal_sector"],
        )

    def query(self, **changes: object) -> str:
        """The query string of this view with `changes` (a new centre, say); empty values left out."""
        values = {name: self.cleaned_data.get(name) for name in self.fields} | changes
        if isinstance(values.get("expand"), list):
            values["expand"] = expand_value(values["expand"])  # type: ignore[arg-type]
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def expand_value(keys: list[tuple[str, str]]) -> str:
    return ",".join(f"{code}.{kind}" for code, kind in keys)


def _country(value: str) -> str:
    value = value.strip().upper()
    if value and not (len(value) == 2 and value.isalpha()):
        raise forms.ValidationError(_("Use a two-letter country code, such as UG."))
    return value


@dataclass
class MapNode:
    code: str
    name: str
    identifier: str
    type: str
    type_label: str
    hop: int
    x: float
    y: float
    figure: float = 0
    size: float = 16
    colour: str = "#5c6670"
    integrity: Integrity | None = None
    mine: bool = False
    blind_spot: bool = False
    url: str = ""
    # A group of organisations (ecosystem/summary.py): how many, and how many of them are blind spots.
    group: bool = False
    members: int = 0
    blind_spots: int = 0


@dataclass(slots=True)
class MapEdge:
    source: str
    target: str
    kind: str
    relations: int
    source_name: str = ""
    target_name: str = ""


@dataclass
class MapView:
    membership: Membership
    form: MapForm
    centre_label: str = ""
    centre: ImportedOrganisation | None = None
    alliance: Alliance | None = None
    nodes: list[MapNode] = field(default_factory=list)
    edges: list[MapEdge] = field(default_factory=list)
    capped: bool = False
    depth: int = 2
    empty_reason: str = ""
    found: int = 0  # organisations the walk found: drawn one by one or counted in groups
    groups: int = 0
    grouped: int = 0
    summary: Summary | None = None
    drawing_key: str = ""
    # What the viewer may know of its partners and who is covered in the sector (read once the map is filled).
    overlay: ViewerOverlay | None = None

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def query(self) -> str:
        return self.form.query()

    def _pairs(self, names: tuple[str, ...]) -> list[tuple[str, str]]:
        if not self.form.is_valid():
            return []
        return [(n, str(self.form.cleaned_data[n])) for n in names if self.form.cleaned_data.get(n) not in (None, "")]

    @property
    def centre_hidden(self) -> list[tuple[str, str]]:
        """The centre, for the filter form to keep."""
        return self._pairs(CENTRE_FIELDS)

    @property
    def filter_hidden(self) -> list[tuple[str, str]]:
        """The filters, for the search and centre forms to keep."""
        return self._pairs(FILTER_FIELDS)

    @property
    def expand_hidden(self) -> list[tuple[str, str]]:
        """The opened groups, for the filter form to keep."""
        if not self.form.is_valid() or not self.form.cleaned_data.get("expand"):
            return []
        return [("expand", expand_value(self.form.cleaned_data["expand"]))]

    @property
    def shown(self) -> int:
        return sum(1 for n in self.nodes if not n.group)

    @property
    def title(self) -> str:
        return _("Ecosystem around %(centre)s") % {"centre": self.centre_label} if self.centre_label else _("Ecosystem")


def own_node(organisation: Organisation) -> ImportedOrganisation | None:
    """The viewer's organisation in the imported data: linked to it, or with its IATI identifier."""
    return nodes_of([organisation.pk]).order_by("pk").first()


def prepare(request: HttpRequest, slug: str) -> MapView:
    """Authorise (members; outsiders 404), read the query, walk the graph and add what the viewer may know."""
    membership = get_membership(request, slug)
    form = MapForm(request.GET)
    view = MapView(membership=membership, form=form)
    if not form.is_valid():
        return view
    data = form.cleaned_data
    view.depth = data["depth"] or 2
    filters = form.filters()
    seeds: list[int] = []
    if data["org"]:
        view.centre = ImportedOrganisation.objects.filter(code=data["org"]).first()
        if view.centre is None:
            raise Http404
    elif data["alliance"]:
        view.alliance = get_alliance(membership, data["alliance"])
        members = view.alliance.alliance_memberships.values_list("organisation_id", flat=True)
        seeds = list(nodes_of(members).order_by("pk").values_list("pk", flat=True))
        view.centre_label = view.alliance.name
        if not seeds:
            view.empty_reason = _("None of this alliance's members is in the imported IATI data.")
    elif data["goal_sector"] or data["goal_country"]:
        seeds = goal_seeds(filters)
        view.centre_label = " · ".join(
            part
            for part in (
                _("sector %(code)s") % {"code": data["goal_sector"]} if data["goal_sector"] else "",
                _("country %(code)s") % {"code": data["goal_country"]} if data["goal_country"] else "",
            )
            if part
        )
        if not seeds:
            view.empty_reason = _("No relation in the imported IATI data matches this goal.")
    else:
        view.centre = own_node(membership.organisation)
        if view.centre is None:
            view.empty_reason = _(
                "Your organisation is not in the imported IATI data yet (or its IATI identifier is not set). "
                "Search for an organisation to start from."
            )
    if view.centre is not None:
        seeds = [view.centre.pk]
        view.centre_label = view.centre.name
    if seeds:
        _fill(view, seeds, filters)
    return view


def _fill(view: MapView, seeds: list[int], filters: Filters) -> None:
    data = view.form.cleaned_data
    net = network()
    viewer = view.overlay = read_viewer(view.organisation, net)
    own, partners = viewer.nodes
    expand: set[tuple[int, str]] = set()
    if data["expand"]:
        codes_wanted = {code for code, _kind in data["expand"]}
        pks = dict(ImportedOrganisation.objects.filter(code__in=codes_wanted).values_list("code", "pk"))
        expand = {(pks[uuid.UUID(code)], kind) for code, kind in data["expand"] if uuid.UUID(code) in pks}
    keep = frozenset(own | set(partners))
    key = (net.version, tuple(seeds), view.depth, filters, frozenset(expand), keep)
    summary = SUMMARIES.get(key)
    if summary is None:
        graph = walk(seeds, view.depth, filters, cap=WALK_CAP, organisations=False, complete=False)
        summary = summarise(
            graph,
            net.types,
            keep=keep & graph.nodes.keys(),
            expand=expand,
            edges=lambda individual: edges_touching(graph, individual, filters, net),
        )
        SUMMARIES.put(key, summary)
    graph = summary.graph
    view.capped = graph.capped
    view.found = len(graph.nodes)
    on_map = set(partners) & graph.nodes.keys()
    integrity, mine, spots = for_graph(
        view.organisation,
        graph,
        (own, partners),
        second=summary.remember("second", lambda: _second(graph, on_map)),
        covered=lambda: viewer.covered,
        integrity=viewer.integrity,
    )
    view.groups, view.grouped = len(summary.groups), summary.grouped
    # The same drawing, query, language and overlay give the same nodes and edges (and JSON): kept with the summary,
    # under the versions the overlay was read at.
    view.drawing_key = f"drawing:{view.organisation.slug}:{get_language()}:{view.form.query()}:{hash(viewer.key)}"
    view.summary = summary

    def draw() -> tuple[list[MapNode], list[MapEdge]]:
        _draw(view, summary, integrity, mine, spots)
        return view.nodes, view.edges

    view.nodes, view.edges = summary.of_drawing(view.drawing_key, "drawn", draw)


def _draw(view: MapView, summary: Summary, integrity: dict[int, Integrity], mine: set[int], spots: set[int]) -> None:
    data = view.form.cleaned_data
    graph = summary.graph
    known = summary.remember("known", lambda: _known(summary.shown))
    size = data["size"] or "partners"
    figure = summary.remember(f"figure:{size}", lambda: _figure(graph, size, set(summary.shown)))
    largest = max(figure.values(), default=0) or 1
    base = reverse("ecosystem_map:map", kwargs={"slug": view.organisation.slug})
    # Each organisation's link centres the map on it and keeps the filters: the same query but the centre.
    kept = view.form.query(org="", alliance="", goal_sector="", goal_country="", expand="")
    rest = f"&{kept}" if kept else ""
    colour_by = data["colour"] or "hop"
    type_labels = labels(OrganisationType)  # translated once, not per organisation
    refs: dict[tuple[str, object], str] = {}
    names: dict[str, str] = {}
    for pk in summary.shown:
        if pk not in known:
            continue
        code, name, identifier, type_ = known[pk]
        node = graph.nodes[pk]
        item = MapNode(
            code=code,
            name=name,
            identifier=identifier,
            type=type_,
            type_label=type_labels.get(type_, ""),
            hop=node.hop,
            x=node.x,
            y=node.y,
            figure=figure.get(pk, 0),
            size=round(14 + 30 * math.sqrt(figure.get(pk, 0) / largest), 1),
            integrity=integrity.get(pk),
            mine=pk in mine,
            blind_spot=pk in spots,
            url=f"{base}?org={code}{rest}",
        )
        item.colour = _colour(item, colour_by)
        view.nodes.append(item)
        refs[("n", pk)] = code
        names[code] = name
    _add_groups(view, summary, known, spots, colour_by, base)
    for group in summary.groups:
        refs[("g", group.key)] = _group_code(known[group.anchor][0], group.kind)
    names |= {n.code: n.name for n in view.nodes if n.group}
    view.edges = summary.remember(f"edges:{get_language()}", lambda: _map_edges(summary, refs, names))


def _known(pks: list[int]) -> dict[int, tuple[str, str, str, str]]:
    """Code, name, identifier and type of the organisations drawn one by one."""
    rows = ImportedOrganisation.objects.filter(pk__in=pks).values_list("pk", "code", "name", "identifier", "type")
    return {pk: (str(code), name, identifier, type_) for pk, code, name, identifier, type_ in rows}


def _map_edges(summary: Summary, refs: dict[tuple[str, object], str], names: dict[str, str]) -> list[MapEdge]:
    return [
        MapEdge(refs[e.source], refs[e.target], e.kind, e.relations, names[refs[e.source]], names[refs[e.target]])
        for e in summary.edges
        if e.source in refs and e.target in refs
    ]


def _second(graph: Subgraph, partners: set[int]) -> set[int]:
    """Organisations of the walk related to one of `partners` (along the edges the map read)."""
    found: set[int] = set()
    for edge in graph.edges:
        if edge.source in partners:
            found.add(edge.target)
        if edge.target in partners:
            found.add(edge.source)
    return found


def _group_code(anchor_code: str, kind: str) -> str:
    return f"{anchor_code}.{kind}"


def group_labels() -> dict[str, str]:
    return {
        "government": _("government and public sector"),
        "ngo": _("NGOs"),
        "multilateral": _("multilateral"),
        "foundation": _("foundations"),
        "private": _("private sector"),
        "other": _("academic, other or type not given"),
        ALL_TYPES: _("all types"),
    }


def _add_groups(
    view: MapView,
    summary: Summary,
    known: dict[int, tuple[str, str, str, str]],
    spots: set[int],
    colour_by: str,
    base: str,
) -> None:
    """The groups as map nodes: a count, a label, and a link that opens the group (the same query with `expand`)."""
    if not summary.groups:
        return
    data = view.form.cleaned_data
    largest = max(len(g.members) for g in summary.groups)
    kinds = group_labels()
    for group in summary.groups:
        anchor_code, anchor_name = known[group.anchor][0], known[group.anchor][1]
        code = _group_code(anchor_code, group.kind)
        count = len(group.members)
        name = ngettext(
            "%(count)s organisation (%(type)s) reached through %(name)s",
            "%(count)s organisations (%(type)s) reached through %(name)s",
            count,
        ) % {"count": count, "type": kinds[group.kind], "name": anchor_name}
        opened = [*data["expand"], (anchor_code, group.kind)]
        item = MapNode(
            code=code,
            name=name,
            identifier="",
            type=group.kind,
            type_label=kinds[group.kind],
            hop=group.hop,
            x=group.x,
            y=group.y,
            figure=count,
            size=round(20 + 40 * math.sqrt(count / largest), 1),
            url=f"{base}?{view.form.query(expand=expand_value(opened))}",
            group=True,
            members=count,
            blind_spots=sum(1 for pk in group.members if pk in spots),
        )
        item.colour = (
            TYPE_COLOURS.get(group.kind, TYPE_COLOURS["other"]) if colour_by == "type" else _colour(item, colour_by)
        )
        view.nodes.append(item)


def _figure(graph: Subgraph, size: str, shown: set[int]) -> dict[int, float]:
    """The figure chosen for node sizes, of each organisation in `shown` (whose edges `graph` holds all of)."""
    if size == "relations":
        counts: dict[int, float] = dict.fromkeys(shown, 0)
        for edge in graph.edges:
            if edge.source in counts:
                counts[edge.source] += edge.relations
            if edge.target in counts:
                counts[edge.target] += edge.relations
        return counts
    values: dict[int, set[int]] = {pk: set() for pk in shown}
    for edge in graph.edges:
        source, target = edge.source, edge.target
        if size != "funded" and target in values:
            values[target].add(source)  # funders, partners
        if size != "funders" and source in values:
            values[source].add(target)  # funded, partners
    return {pk: len(found) for pk, found in values.items()}


def _colour(node: MapNode, colour_by: str) -> str:
    if colour_by == "type":
        return TYPE_COLOURS[type_group(node.type)]
    if colour_by == "integrity":
        if node.mine:
            return INTEGRITY_COLOURS["mine"]
        if node.integrity is not None:
            return INTEGRITY_COLOURS["assessed" if node.integrity.assessed else "unassessed"]
        return INTEGRITY_COLOURS["blind_spot" if node.blind_spot else "other"]
    return HOP_COLOURS[min(node.hop, len(HOP_COLOURS) - 1)]


def _bad_query(view: MapView) -> bool:
    return view.form.is_bound and not view.form.is_valid()


@login_required
@gzip_page
def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    view = prepare(request, slug)
    organisation = view.organisation
    query = request.GET.get("q", "").strip()[:200]
    found = list(ImportedOrganisation.objects.search(query)[:SEARCH_RESULTS]) if query else []
    base = reverse("ecosystem_map:map", kwargs={"slug": organisation.slug})
    results = [
        (
            o,
            f"{base}?{view.form.query(org=o.code, alliance='', goal_sector='', goal_country='')}"
            if view.form.is_valid()
            else f"{base}?org={o.code}",
        )
        for o in found
    ]
    alliances = Alliance.objects.filter(
        Q(lead=organisation) | Q(alliance_memberships__organisation=organisation)
    ).distinct()
    size_label = (
        str(dict(SIZES).get(view.form.cleaned_data.get("size") or "partners", "")) if view.form.is_valid() else ""
    )
    context = {
        "organisation": organisation,
        "membership": view.membership,
        "view": view,
        "form": view.form,
        "query": query,
        "results": results,
        "filter_fields": [view.form[name] for name in FILTER_FIELDS],
        "alliances": alliances,
        "svg": _overview(view),
        "lists": _lists(request, view, size_label),
        "colour_legend": _legend(view.form.cleaned_data.get("colour") if view.form.is_valid() else "hop"),
        "cap": WALK_CAP,
        "draw_cap": DRAW_CAP,
        "size_label": size_label,
    }
    return render(request, "ecosystem/map.html", context, status=400 if _bad_query(view) else 200)


def _lists(request: HttpRequest, view: MapView, size_label: str) -> str:
    """The tables under the map (the partners' overlay, organisations, relations) and the blind spots, rendered.

    As first opened (no other page of a table, no search) they are kept with the drawing: for a large funder
    these ~200 rows were two thirds of the page's time. Other pages are rendered each time.
    """
    organisation = view.organisation

    def render_lists() -> str:
        spots, spots_capped = (view.overlay or read_viewer(organisation)).blind_spots(organisation)
        partners = [n for n in view.nodes if n.integrity is not None]
        context = {
            "organisation": organisation,
            "view": view,
            "nodes_page": Paginator(view.nodes, PAGE_SIZE).get_page(request.GET.get("page")),
            "edges_page": Paginator(view.edges, PAGE_SIZE).get_page(request.GET.get("edges_page")),
            "partners": partners,
            "partners_page": Paginator(partners, PAGE_SIZE).get_page(request.GET.get("partners_page")),
            "spots": spots[:BLIND_SPOTS_SHOWN],
            "spots_count": len(spots),
            "spots_capped": spots_capped,
            "size_label": size_label,
        }
        return render_to_string("ecosystem/_map_lists.html", context, request=request)

    if set(request.GET) <= set(view.form.fields):
        return _kept(view, f"lists:{request.GET.urlencode()}", render_lists)
    return render_lists()


def _legend(colour_by: str | None) -> list[tuple[str, str]]:
    if colour_by == "type":
        return type_legend()
    if colour_by == "integrity":
        return integrity_legend()
    return [(colour, _("%(hop)s hops from the centre") % {"hop": hop}) for hop, colour in enumerate(HOP_COLOURS)]


@login_required
@gzip_page
def map_data(request: HttpRequest, slug: str) -> HttpResponse:
    """The prepared subgraph for static/ecosystem/map.js: nodes with positions, sizes and colours, edges."""
    view = prepare(request, slug)
    if _bad_query(view):
        return JsonResponse({"errors": view.form.errors.get_json_data()}, status=400)
    return _send(request, view, "json", lambda: _json(view, slug), "application/json")


def _kept(view: MapView, name: str, make: Callable[[], T]) -> T:
    """What a view makes of the drawing, kept with it: the same drawing, query, language and overlay give the same."""
    return make() if view.summary is None else view.summary.of_drawing(view.drawing_key, name, make)


def _send(
    request: HttpRequest,
    view: MapView,
    name: str,
    make: Callable[[], bytes | str],
    content_type: str,
    attachment: str = "",
) -> HttpResponse:
    """The file `make` gives, kept with the drawing, and compressed once for whoever accepts gzip (ADR 0021): a large
    funder's map data is 878 KB, 80 KB compressed, and compressing it took ~9 ms of every request. It holds no
    secret (no form token), so one compression serves every request for it."""
    content = _kept(view, name, lambda: _bytes(make()))
    response = HttpResponse(content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    if len(content) >= GZIP_FROM and ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")):
        response.content = _kept(view, f"{name}.gz", lambda: compress_string(content))
        response["Content-Encoding"] = "gzip"
    else:
        response.content = content
    if attachment:
        response["Content-Disposition"] = (
            content_disposition_header(as_attachment=True, filename=attachment) or "attachment"
        )
    return response


def _bytes(content: bytes | str) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


def _json(view: MapView, slug: str) -> bytes:
    nodes = []
    page_base = reverse("ecosystem_map:map", kwargs={"slug": slug})
    data_base = reverse("ecosystem_map:data", kwargs={"slug": slug})
    # Short ids of this drawing for the browser to join relations to organisations (a group opened is a new
    # drawing with ids of its own): a large funder's 6,400 relations named their ends by code, 1 MB of the 1.4.
    short = {node.code: f"n{index}" for index, node in enumerate(view.nodes)}
    for node in view.nodes:
        item: dict[str, Any] = {
            "id": short[node.code],
            "label": node.name,
            "identifier": node.identifier,
            "hop": node.hop,
            "figure": node.figure,
            "size": node.size,
            "colour": node.colour,
            "url": node.url,
            "blind_spot": node.blind_spot,
        }
        if node.group:
            item |= {"group": True, "members": node.members, "blind_spots": node.blind_spots}
            item["expand"] = node.url.replace(page_base, data_base, 1)
        if node.integrity is not None:
            item["integrity"] = {
                "assessed": node.integrity.assessed,
                "tier": node.integrity.tier,
                "open_actions": node.integrity.open_actions,
                "overdue_actions": node.integrity.overdue_actions,
                "agreement": node.integrity.agreement,
                "channel": node.integrity.channel,
            }
        nodes.append({"data": item, "position": {"x": round(node.x), "y": round(node.y)}})
    edges = [
        {"data": {"source": short[e.source], "target": short[e.target], "kind": e.kind, "relations": e.relations}}
        for e in view.edges
    ]
    return json.dumps(
        {
            "centre": view.centre_label,
            "nodes": nodes,
            "edges": edges,
            "capped": view.capped,
            "cap": WALK_CAP,
            "found": view.found,
            "groups": view.groups,
            "grouped": view.grouped,
        },
        separators=(",", ":"),
    ).encode()


def _export_name(view: MapView, what: str, extension: str) -> str:
    return filename(view.organisation.slug, "ecosystem", view.centre_label, what, extension=extension)


def _refuse_bad(view: MapView) -> HttpResponse | None:
    if _bad_query(view):
        return HttpResponse(_("The map's query is not valid."), status=400, content_type="text/plain; charset=utf-8")
    return None


CSV = "text/csv; charset=utf-8"


@login_required
@gzip_page
def export_nodes(request: HttpRequest, slug: str) -> HttpResponse:
    view = prepare(request, slug)
    header = [_("Code"), _("Name"), _("IATI identifier"), _("Type"), _("Hops"), _("Figure"), _("Blind spot")]
    return _refuse_bad(view) or _send(
        request,
        view,
        "nodes.csv",
        lambda: csv_text(header, map_exports.node_rows(view.nodes)),
        CSV,
        _export_name(view, "organisations", "csv"),
    )


@login_required
@gzip_page
def export_edges(request: HttpRequest, slug: str) -> HttpResponse:
    view = prepare(request, slug)
    names = {n.code: n.name for n in view.nodes}
    header = [_("From (code)"), _("From"), _("To (code)"), _("To"), _("Kind"), _("Relations")]
    return _refuse_bad(view) or _send(
        request,
        view,
        "edges.csv",
        lambda: csv_text(header, map_exports.edge_rows(view.edges, names)),
        CSV,
        _export_name(view, "relations", "csv"),
    )


@login_required
@gzip_page
def export_graphml(request: HttpRequest, slug: str) -> HttpResponse:
    view = prepare(request, slug)
    return _refuse_bad(view) or _send(
        request,
        view,
        "graphml",
        lambda: map_exports.graphml(view.nodes, view.edges),
        "application/graphml+xml; charset=utf-8",
        _export_name(view, "", "graphml"),
    )


def _overview(view: MapView) -> str:
    """The server-drawn overview of the map, kept with its drawing (the same nodes, edges and title)."""
    return _kept(view, "svg", lambda: map_exports.overview_svg(view.nodes, view.edges, view.title))


@login_required
@gzip_page
def export_svg(request: HttpRequest, slug: str) -> HttpResponse:
    view = prepare(request, slug)
    return _refuse_bad(view) or _send(
        request,
        view,
        "svg file",
        lambda: (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + (_overview(view) or '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>')
        ),
        "image/svg+xml; charset=utf-8",
        _export_name(view, "", "svg"),
    )


@login_required
def figures(request: HttpRequest, slug: str) -> HttpResponse:
    """Network figures of an organisation (?org=) or an alliance (?alliance=); the viewer's own by default."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    form = MapForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("Choose an organisation or an alliance from the map."), content_type="text/plain; charset=utf-8"
        )
    alliance = get_alliance(membership, form.cleaned_data["alliance"]) if form.cleaned_data["alliance"] else None
    subject: ImportedOrganisation | None = None
    if alliance is None:
        code = form.cleaned_data["org"]
        subject = ImportedOrganisation.objects.filter(code=code).first() if code else own_node(organisation)
        if code and subject is None:
            raise Http404
    cached = figures_for(organisation=subject, alliance=alliance) if (subject or alliance) else None
    computed = cached.figures if cached and cached.computed_at else None
    context: dict[str, Any] = {
        "organisation": organisation,
        "membership": membership,
        "subject": subject,
        "alliance": alliance,
        "cached": cached,
        "figures": computed,
        "overlap": _overlap(organisation, alliance) if alliance else [],
        "broker_cap": BROKER_CAP,
    }
    if computed and not computed.get("empty"):
        labels = role_labels()
        counts = computed["partners_by_role"]
        context["roles"] = [(label, counts.get(key, 0)) for key, label in labels.items()]
        concentration = computed["concentration"]
        if concentration:
            context["concentration"] = {**concentration, "percent": round(concentration["share"] * 100)}
        context["dependency"] = [{**row, "percent": round(row["share"] * 100)} for row in computed["dependency"]]
        context["brokers"] = computed["brokers"]["top"]
    return render(request, "ecosystem/map_figures.html", context)


def role_labels() -> dict[str, str]:
    return {
        "funding": _("fund it (along activities)"),
        "implementing": _("implement what it funds"),
        "extending": _("extend what it funds"),
        "accountable": _("are accountable for what it funds"),
        "funded": _("play another part in what it funds"),
        "providers": _("paid it (transactions)"),
        "receivers": _("were paid by it (transactions)"),
    }


def _overlap(organisation: Organisation, alliance: Alliance) -> list[tuple[Alliance, int]]:
    """The other alliances the viewer leads or belongs to, with how many members they share with `alliance`."""
    members = set(alliance.alliance_memberships.values_list("organisation_id", flat=True))
    visible = (
        Alliance.objects.filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation))
        .exclude(pk=alliance.pk)
        .distinct()
    )
    result = []
    for other in visible.prefetch_related("alliance_memberships"):
        shared = len(members & {m.organisation_id for m in other.alliance_memberships.all()})
        result.append((other, shared))
    return sorted(result, key=lambda item: (-item[1], item[0].name))
