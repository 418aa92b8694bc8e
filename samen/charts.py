"""Server-rendered SVG charts: the same chart serves the page and the PDF, and needs no JavaScript.

Charts carry presentation attributes only (no style attributes: the CSP forbids inline style), a
<title> for assistive technology, and are meant to stand next to the table of their figures.
"""

from collections.abc import Sequence
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"'
INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#d0d6de"
BAR = "#0b5b5b"
TARGET = "#b35c00"
_ids = count(1)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    maximum: float,
    title: str,
    target: float | None = None,
    target_label: str = "",
    width: int = 640,
) -> SafeString:
    """Horizontal bars, one per (label, value), on a scale from 0 to `maximum`, with an optional target line."""
    label_width, value_width, row, top = 220, 48, 30, 8
    plot = width - label_width - value_width
    height = top + row * len(items) + (26 if target is not None else 8)
    chart_id = f"chart-{next(_ids)}"
    scale = plot / maximum if maximum else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}" {FONT} font-size="13">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for step in range(int(maximum) + 1 if maximum <= 10 else 0):
        x = label_width + step * scale
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + row * len(items)}" stroke="{GRID}"/>')
    for index, (label, value) in enumerate(items):
        y = top + index * row
        bar = max(0.0, min(value, maximum)) * scale
        shown = label if len(label) <= 30 else label[:29] + "…"
        parts += [
            f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end" fill="{INK}">{escape(shown)}</text>',
            f'<rect x="{label_width}" y="{y + 6}" width="{bar:.1f}" height="{row - 12}" fill="{BAR}" rx="2"/>',
            f'<text x="{label_width + plot + 6}" y="{y + 19}" fill="{INK}">{_number(value)}</text>',
        ]
    if target is not None:
        x = label_width + target * scale
        bottom = top + row * len(items)
        parts += [
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom + 4}" stroke="{TARGET}" stroke-width="2" '
            'stroke-dasharray="6 3"/>',
            f'<text x="{x:.1f}" y="{bottom + 20}" text-anchor="middle" fill="{MUTED}">{escape(target_label)}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped


def stacked_bar(
    parts: Sequence[tuple[str, int, str]],
    *,
    title: str,
    width: int = 640,
) -> SafeString:
    """One bar split into (label, count, colour) parts, with a legend below."""
    total = sum(value for _, value, _ in parts)
    chart_id = f"chart-{next(_ids)}"
    height = 34 + 24 * ((len(parts) + 2) // 3)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}" {FONT} font-size="13">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="24" fill="{GRID}" rx="3"/>',
    ]
    x = 0.0
    for _label, value, colour in parts:
        share = width * value / total if total else 0
        if share:
            out.append(f'<rect x="{x:.1f}" y="0" width="{share:.1f}" height="24" fill="{escape(colour)}"/>')
        x += share
    for index, (label, value, colour) in enumerate(parts):
        lx, ly = (index % 3) * (width // 3), 34 + 24 * (index // 3)
        out += [
            f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{escape(colour)}" rx="2"/>',
            f'<text x="{lx + 20}" y="{ly + 12}" fill="{INK}">{escape(label)}: {value}</text>',
        ]
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every text above is escaped
