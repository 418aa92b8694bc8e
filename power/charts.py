"""The gaps chart of a power-awareness session as server-rendered SVG (same rules as samen/charts.py).

One row per decision, largest gap first: on a scale from "entirely the first organisation" (1) to
"entirely the second" (5), each organisation's mean as a marker (a circle for the first, a square for
the second, so it reads without colour), a thin line for its spread (one standard deviation either
side), and a band between the two means: the gap. No style attributes (the CSP forbids inline style),
every text escaped, a <title> for assistive technology; the page puts the table of figures beside it.
"""

from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from power.results import DecisionResult
from samen.charts import FONT, GRID, INK, MUTED

COLOURS = ("#0b5b5b", "#b35c00")
GAP = "#e8d7c2"
_ids = count(1)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}"


def gaps_chart(
    results: list[DecisionResult], *, names: tuple[str, str], ends: tuple[str, str, str], title: str, width: int = 720
) -> SafeString:
    """`names` are the two organisations; `ends` the labels of 1, 3 and 5 on the scale."""
    label_width, gap_width, row, top = 250, 48, 34, 44
    plot = width - label_width - gap_width - 16
    height = top + row * len(results) + 48
    chart_id = f"power-gaps-{next(_ids)}"

    def x_of(value: float) -> float:
        return label_width + (min(max(value, 1.0), 5.0) - 1) / 4 * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}" {FONT} font-size="13">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    # Legend: the marker of each organisation.
    parts += [
        f'<circle cx="{label_width + 6}" cy="14" r="6" fill="{COLOURS[0]}"/>',
        f'<text x="{label_width + 18}" y="19" fill="{INK}">{escape(_shorten(names[0], 30))}</text>',
        f'<rect x="{label_width + plot / 2}" y="8" width="12" height="12" fill="{COLOURS[1]}"/>',
        f'<text x="{label_width + plot / 2 + 18}" y="19" fill="{INK}">{escape(_shorten(names[1], 30))}</text>',
        f'<text x="{width - 8}" y="{top - 8}" text-anchor="end" fill="{MUTED}">Δ</text>',
    ]
    bottom = top + row * len(results)
    for value in range(1, 6):
        x = x_of(value)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>')
    # The ends on the first line below the axis, the middle on the second: long names do not collide.
    for value, label, anchor, line in ((1, ends[0], "start", 0), (5, ends[2], "end", 0), (3, ends[1], "middle", 1)):
        parts.append(
            f'<text x="{x_of(value):.1f}" y="{bottom + 18 + 16 * line}" text-anchor="{anchor}" fill="{MUTED}">'
            f"{escape(_shorten(label, 28))}</text>"
        )
    for index, result in enumerate(results):
        y = top + index * row + row / 2
        parts.append(
            f'<text x="{label_width - 10}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(_shorten(result.decision.text, 32))}</text>"
        )
        means = [side.mean for side in result.sides]
        if len(means) == 2 and means[0] is not None and means[1] is not None:
            left, right = sorted((x_of(means[0]), x_of(means[1])))
            parts.append(
                f'<rect x="{left:.1f}" y="{y - 5:.1f}" width="{max(right - left, 1):.1f}" height="10" fill="{GAP}"/>'
            )
        for number, side in enumerate(result.sides[:2]):
            if side.mean is None:
                continue
            colour, offset = COLOURS[number], -6 if number == 0 else 6
            low, high = x_of(side.mean - (side.spread or 0)), x_of(side.mean + (side.spread or 0))
            parts.append(
                f'<line x1="{low:.1f}" y1="{y + offset:.1f}" x2="{high:.1f}" y2="{y + offset:.1f}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
            x = x_of(side.mean)
            if number == 0:
                parts.append(f'<circle cx="{x:.1f}" cy="{y + offset:.1f}" r="6" fill="{colour}"/>')
            else:
                parts.append(f'<rect x="{x - 6:.1f}" y="{y + offset - 6:.1f}" width="12" height="12" fill="{colour}"/>')
        gap = result.gap
        parts.append(
            f'<text x="{width - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{_number(gap) if gap is not None else '–'}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped
