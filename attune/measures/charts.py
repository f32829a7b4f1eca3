"""Server-rendered SVG line charts of scores over time, readable without JavaScript.

Every chart is drawn next to a table of the same numbers (the table is the
accessible version; the SVG carries a title and is hidden from screen readers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36


@dataclass(frozen=True)
class Point:
    on: date
    value: float


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / span)


def _x(index: int, count: int) -> float:
    usable = WIDTH - LEFT - RIGHT
    return LEFT + (usable * index / (count - 1) if count > 1 else usable / 2)


def line_chart(
    points: Sequence[Point],
    *,
    low: float,
    high: float,
    title: str,
    cutoff: float | None = None,
    cutoff_label: str = "",
) -> Markup:
    """An SVG of the points in date order, with the clinical cut-off as a dashed line."""
    parts = [
        f'<svg class="attune-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (low, (low + high) / 2, high):
        y = _y(tick, low, high)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d8dde0" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#4c6272">{tick:g}</text>'
        )
    if cutoff is not None and low <= cutoff <= high:
        y = _y(cutoff, low, high)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d5281b" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - RIGHT}" y="{y - 5:.1f}" text-anchor="end" font-size="12" '
            f'fill="#d5281b">{escape(cutoff_label or f"Cut-off {cutoff:g}")}</text>'
        )
    coords = [(_x(i, len(points)), _y(p.value, low, high)) for i, p in enumerate(points)]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#005eb8" stroke-width="3"/>')
    last = len(points) - 1
    for index, ((x, y), point) in enumerate(zip(coords, points, strict=True)):
        # The first and last dates hang inwards so they are never cut off at the edges.
        anchor = "start" if index == 0 and last else ("end" if index == last and last else "middle")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#005eb8"/>'
            f'<text x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}" font-size="12" '
            f'fill="#4c6272">{point.on:%-d %b %y}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
