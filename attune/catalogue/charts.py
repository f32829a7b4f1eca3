"""The Hexagon chart: six ratings (1-5) on six axes, as server-rendered SVG.

Always drawn beside a table of the same ratings, which is what screen readers use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

SIZE = 320
CENTRE = SIZE / 2
RADIUS = 110
MAX_RATING = 5


def _point(index: int, value: float) -> tuple[float, float]:
    # Start at the top and go clockwise, one axis every 60 degrees.
    angle = -math.pi / 2 + index * math.pi / 3
    distance = RADIUS * value / MAX_RATING
    return CENTRE + distance * math.cos(angle), CENTRE + distance * math.sin(angle)


def _polygon(values: Sequence[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, v) for i, v in enumerate(values)))


def hexagon_chart(labels: Sequence[str], ratings: Sequence[int | None], *, title: str) -> Markup:
    """A hexagon-shaped radar chart: grid rings 1-5, one axis per indicator, the team's shape."""
    parts = [
        f'<svg class="attune-hexagon" viewBox="0 0 {SIZE} {SIZE}" aria-hidden="true" '
        f'focusable="false" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for ring in range(1, MAX_RATING + 1):
        parts.append(
            f'<polygon points="{_polygon([ring] * 6)}" fill="none" stroke="#d8dde0" '
            f'stroke-width="1"/>'
        )
    for index, label in enumerate(labels):
        x, y = _point(index, MAX_RATING)
        lx, ly = _point(index, MAX_RATING + 0.9)
        anchor = "middle" if abs(lx - CENTRE) < 5 else ("start" if lx > CENTRE else "end")
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d8dde0"/>'
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" font-size="13" '
            f'fill="#212b32">{escape(label)}</text>'
        )
    values = [float(r or 0) for r in ratings]
    parts.append(
        f'<polygon points="{_polygon(values)}" fill="#005eb8" fill-opacity="0.25" '
        f'stroke="#005eb8" stroke-width="3"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
