"""The trend of a health check as a server-rendered SVG line chart (same rules as samen/charts.py).

No style attributes (the CSP forbids inline style), every text escaped, a <title> for assistive
technology; each line has its own dash pattern and marker shape as well as its colour, so the
chart reads without colour too. The page shows the figures in a table next to it.
"""

from collections.abc import Sequence
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from samen.charts import FONT, GRID, INK, MUTED

COLOURS = ["#0b5b5b", "#b35c00", "#5b3fa0", "#1d6fb8", "#a3264b", "#3d6b1f"]
DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 2"]
_ids = count(1)


def _marker(shape: int, x: float, y: float, colour: str) -> str:
    if shape % 3 == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'
    if shape % 3 == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'


def trend_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    maximum: float = 100,
    width: int = 640,
) -> SafeString:
    """One line per (name, values) over the `labels` (rounds); a None value leaves a gap in the line."""
    left, right, top, plot_height = 44, 16, 12, 180
    plot_width = width - left - right
    legend_top = top + plot_height + 34
    height = legend_top + 22 * len(series) + 4
    chart_id = f"health-trend-{next(_ids)}"
    step = plot_width / (len(labels) - 1) if len(labels) > 1 else 0

    def x_of(index: int) -> float:
        return left + (index * step if len(labels) > 1 else plot_width / 2)

    def y_of(value: float) -> float:
        return top + plot_height - max(0.0, min(value, maximum)) / maximum * plot_height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}" {FONT} font-size="13">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for tick in (0, maximum / 2, maximum):
        y = y_of(tick)
        parts += [
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" stroke="{GRID}"/>',
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{int(tick)}</text>',
        ]
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{top + plot_height + 20}" text-anchor="middle" fill="{INK}">'
            f"{escape(label)}</text>"
        )
    for number, (name, values) in enumerate(series):
        colour, dash = COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        # Consecutive known values make a line; a gap (None) breaks it.
        segment: list[str] = []
        for index, value in enumerate([*values, None]):
            if value is not None:
                segment.append(f"{x_of(index):.1f},{y_of(value):.1f}")
                continue
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attribute}/>'
                )
            segment = []
        for index, value in enumerate(values):
            if value is not None:
                parts.append(_marker(number, x_of(index), y_of(value), colour))
        y = legend_top + 22 * number
        parts += [
            f'<line x1="0" y1="{y + 7}" x2="28" y2="{y + 7}" stroke="{colour}" stroke-width="2.5"{dash_attribute}/>',
            _marker(number, 14, y + 7, colour),
            f'<text x="36" y="{y + 12}" fill="{INK}">{escape(name)}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped
