"""A line chart of one figure over the years, drawn on the server as SVG (the pages' CSP allows no scripts).

Every text that reaches the SVG (portal names, the figure's name) is escaped; points carry a ``<title>`` so
hovering shows the value without any script.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 70, 190, 30, 50
COLORS = ("#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98", "#17a589", "#566573", "#d35400")


def nice_max(value: float) -> float:
    """A round axis maximum ≥ value: 1, 2, 2.5, 5 or 10 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:g}"


def line_chart(series: dict[str, dict[int, float]], unit: str, title: str) -> Markup:
    """``series``: label → {year: value}. Years on x, values on y (from 0), one coloured line per label."""
    years = sorted({y for points in series.values() for y in points})
    if not years:
        return Markup("")
    top = nice_max(max(v for points in series.values() for v in points.values()))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (year - years[0]) / (years[-1] - years[0])

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = [
        Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="'
        )
        + escape(title)
        + Markup('">'),
        Markup(f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'),
    ]
    for i in range(5):  # horizontal grid lines and value labels
        value = top * i / 4
        gy = y(value)
        parts.append(
            Markup(
                f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{LEFT + plot_w}" y2="{gy:.1f}" stroke="#dddddd"/>'
                f'<text x="{LEFT - 8}" y="{gy + 4:.1f}" text-anchor="end" font-size="12" fill="#444">'
            )
            + escape(_fmt(value) + ("%" if unit == "%" else ""))
            + Markup("</text>")
        )
    for year in years:
        parts.append(
            Markup(
                f'<text x="{x(year):.1f}" y="{TOP + plot_h + 22}" text-anchor="middle" font-size="12" '
                f'fill="#444">{year}</text>'
            )
        )
    parts.append(
        Markup(
            f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#444"/>'
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#444"/>'
            f'<text x="{LEFT}" y="{TOP - 12}" font-size="12" fill="#444">'
        )
        + escape(f"{title} ({unit})")
        + Markup("</text>")
    )
    for i, (label, points) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        coords = [(x(year), y(points[year]), year, points[year]) for year in sorted(points)]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _, _ in coords)
            parts.append(
                Markup(
                    f'<polyline class="series" points="{path}" fill="none" stroke="{color}" stroke-width="3"/>'
                )
            )
        for cx, cy, year, value in coords:
            parts.append(
                Markup(f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{color}"><title>')
                + escape(f"{label} {year}: {_fmt(value)}{unit}")
                + Markup("</title></circle>")
            )
        ly = TOP + 10 + i * 22
        parts.append(
            Markup(
                f'<rect x="{WIDTH - RIGHT + 16}" y="{ly - 9}" width="14" height="14" fill="{color}"/>'
                f'<text class="legend" x="{WIDTH - RIGHT + 36}" y="{ly + 3}" font-size="13" fill="#222">'
            )
            + escape(label)
            + Markup("</text>")
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
