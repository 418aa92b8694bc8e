"""The map's drawings and downloads, from a prepared view: the SVG overview, GraphML, and the rows of the CSVs.

The SVG is drawn from the server's ring layout (ecosystem/graph.py), so it needs no JavaScript and is
the same picture the page shows and the download gives. Groups of organisations (ecosystem/summary.py)
are dashed squares with their count, as on the interactive map. It carries presentation attributes only (the
CSP forbids style attributes) and a <title> for assistive technology; the table beside it on the page
holds the same organisations and relations in words.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from django.utils.html import escape

if TYPE_CHECKING:
    from ecosystem.views.map import MapEdge, MapNode

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"'
EDGE = "#9aa4b0"
INK = "#1b1f24"
MARGIN = 60
# Names are written beside the organisations only while they stay readable.
MAX_LABELS = 40

GRAPHML = "http://graphml.graphdrawing.org/xmlns"


def overview_svg(nodes: Sequence["MapNode"], edges: Sequence["MapEdge"], title: str) -> str:
    if not nodes:
        return ""
    xs = [n.x for n in nodes]
    ys = [n.y for n in nodes]
    left, top = min(xs) - MARGIN, min(ys) - MARGIN
    width, height = max(xs) - left + MARGIN, max(ys) - top + MARGIN
    width, height = max(width, 240), max(height, 240)
    place = {n.code: n for n in nodes}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="ecosystem-overview-title" {FONT} font-size="12" class="ecosystem-overview">',
        f'<title id="ecosystem-overview-title">{escape(title)}</title>',
        f'<g stroke="{EDGE}" stroke-width="1" fill="none">',
        *_edge_paths(edges, place),
        "</g><g>",
    ]
    for node in nodes:
        radius = node.size / 2
        if node.group:
            # A group: a dashed square with its count, as the interactive map draws it.
            parts.append(
                f'<rect x="{node.x - radius:.1f}" y="{node.y - radius:.1f}" width="{node.size:.1f}" '
                f'height="{node.size:.1f}" rx="4" fill="{node.colour}" stroke="{INK}" stroke-width="1.5" '
                f'stroke-dasharray="3 2"><title>{escape(node.name)}</title></rect>'
                f'<text x="{node.x}" y="{node.y + 4:.1f}" text-anchor="middle" fill="#ffffff" '
                f'aria-hidden="true">{node.members}</text>'
            )
            continue
        parts.append(
            f'<circle cx="{node.x:.0f}" cy="{node.y:.0f}" r="{radius:.1f}" fill="{node.colour}" stroke="#ffffff" '
            f'stroke-width="1.5"><title>{escape(node.name)}</title></circle>'
        )
    parts.append("</g>")
    labelled = [n for n in nodes if n.hop == 0 and not n.group] + [n for n in nodes if n.hop == 1 and not n.group]
    if len(labelled) <= MAX_LABELS:
        parts.append(f'<g fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke">')
        for node in labelled:
            name = node.name if len(node.name) <= 28 else node.name[:27] + "…"
            parts.append(
                f'<text x="{node.x}" y="{node.y + node.size / 2 + 13:.1f}" text-anchor="middle">{escape(name)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _edge_paths(edges: Sequence["MapEdge"], place: dict[str, "MapNode"]) -> list[str]:
    """The relations as two paths, the transactions dashed, each relation a segment in whole units of the drawing.

    One element per relation made the overview of a large funder's map 412 KB of `<line>`s (6,400 of them, some
    the same segment twice); a segment of a path is a third of that, and a segment drawn once is drawn once.
    """
    segments: dict[bool, dict[tuple[str, str], str]] = {False: {}, True: {}}
    for edge in edges:
        a, b = place[edge.source], place[edge.target]
        start, end = f"{a.x:.0f} {a.y:.0f}", f"{b.x:.0f} {b.y:.0f}"
        key = (start, end) if start <= end else (end, start)
        segments[edge.kind == "transaction"].setdefault(key, f"M{start}L{end}")
    paths = []
    for dashed, drawn in segments.items():
        if drawn:
            dash = ' stroke-dasharray="4 3"' if dashed else ""
            paths.append(f'<path d="{"".join(drawn.values())}"{dash}/>')
    return paths


def graphml(nodes: Sequence["MapNode"], edges: Sequence["MapEdge"]) -> bytes:
    """GraphML (graphml.graphdrawing.org): the organisations with their figures, the relations with their counts."""
    ElementTree.register_namespace("", GRAPHML)
    root = ElementTree.Element(f"{{{GRAPHML}}}graphml")
    keys = [
        ("name", "node", "string"),
        ("identifier", "node", "string"),
        ("type", "node", "string"),
        ("hop", "node", "int"),
        ("figure", "node", "double"),
        ("x", "node", "double"),
        ("y", "node", "double"),
        ("kind", "edge", "string"),
        ("relations", "edge", "int"),
    ]
    for name, scope, kind in keys:
        ElementTree.SubElement(
            root, f"{{{GRAPHML}}}key", {"id": name, "for": scope, "attr.name": name, "attr.type": kind}
        )
    graph = ElementTree.SubElement(root, f"{{{GRAPHML}}}graph", {"id": "ecosystem", "edgedefault": "directed"})

    def data(parent: ElementTree.Element, key: str, value: object) -> None:
        ElementTree.SubElement(parent, f"{{{GRAPHML}}}data", {"key": key}).text = str(value)

    for node in nodes:
        element = ElementTree.SubElement(graph, f"{{{GRAPHML}}}node", {"id": node.code})
        for key, value in (
            ("name", node.name),
            ("identifier", node.identifier),
            ("type", node.type),
            ("hop", node.hop),
            ("figure", node.figure),
            ("x", node.x),
            ("y", node.y),
        ):
            data(element, key, value)
    for index, edge in enumerate(edges, start=1):
        element = ElementTree.SubElement(
            graph, f"{{{GRAPHML}}}edge", {"id": f"e{index}", "source": edge.source, "target": edge.target}
        )
        data(element, "kind", edge.kind)
        data(element, "relations", edge.relations)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def node_rows(nodes: Iterable["MapNode"]) -> Iterable[list[object]]:
    for node in nodes:
        yield [node.code, node.name, node.identifier, node.type, node.hop, node.figure, node.blind_spot]


def edge_rows(edges: Iterable["MapEdge"], names: dict[str, str]) -> Iterable[list[object]]:
    for edge in edges:
        yield [
            edge.source,
            names.get(edge.source, ""),
            edge.target,
            names.get(edge.target, ""),
            edge.kind,
            edge.relations,
        ]
