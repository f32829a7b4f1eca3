"""Charts drawn on the server as SVG, so they need no JavaScript.

Each chart is a picture of numbers that the page always shows beside it in
a table: the table is what screen reader users (and anyone who wants the
exact figures) read. So every chart is ``aria-hidden="true"``, and its
``<title>`` only gives sighted mouse users a tooltip.

The SVG suits a strict Content Security Policy: no scripts, no ``style``
attributes or elements, only presentation attributes such as ``fill=``. All
sizes are in a ``viewBox``, so a chart scales to its container (give it
``width: 100%`` in the stylesheet through the ``attune-chart`` class). Every
piece of text is escaped: labels can come from what users typed. Colours are
the NHS palette: blue bars, secondary-text grey for words, light grey grid.

Values of ``None`` (a figure not shown, for example to protect small numbers)
are drawn as no bar with the words "not shown".

This module is pure Python: no models, no ORM.
"""

import math
from collections.abc import Sequence

from markupsafe import Markup

BAR = "#005eb8"  # NHS blue
TEXT = "#4c6272"  # NHS secondary text
GRID = "#d8dde0"  # NHS grey 4
FONT = "Frutiger W01, Arial, sans-serif"
NOT_SHOWN = "not shown"
NO_DATA = "No data to show"

WIDTH = 640
_MARGIN = 8


def _n(number: float) -> str:
    """A coordinate for an attribute: at most two decimals, no trailing zeros."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _figure(value: float, unit: str) -> str:
    """A value as people read it: "1,234", "12.5", "40%", "6 weeks"."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _check(values: Sequence[float | None]) -> list[float | None]:
    checked: list[float | None] = []
    for value in values:
        if value is not None:
            if not math.isfinite(value) or value < 0:
                raise ValueError("Chart values must be finite and not negative.")
            value = float(value)
        checked.append(value)
    return checked


def _ticks(values: Sequence[float | None]) -> list[float]:
    """Gridline values from 0 to a round number at or above the largest value."""
    present = [value for value in values if value is not None]
    largest = max(present, default=0.0)
    whole = all(float(value).is_integer() for value in present)
    if largest <= 0:
        return [0.0, 1.0]
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(step, 1.0)  # no "half a referral" gridlines
    count = math.ceil(largest / step - 1e-9)
    return [step * k for k in range(count + 1)]


def _svg(width: float, height: float, title: str, body: Sequence[Markup]) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="attune-chart" '
        'aria-hidden="true" focusable="false" font-family="{font}" font-size="14" '
        'fill="{text}"><title>{title}</title>{body}</svg>'
    ).format(
        w=_n(width),
        h=_n(height),
        font=FONT,
        text=TEXT,
        title=title,
        body=Markup("").join(body),
    )


def _no_data(title: str) -> Markup:
    text = Markup('<text x="{x}" y="30">{words}</text>').format(x=_MARGIN, words=NO_DATA)
    return _svg(WIDTH, 48, title, [text])


def _text(x: float, y: float, words: str, *, anchor: str = "start", size: int = 14) -> Markup:
    return Markup('<text x="{x}" y="{y}" text-anchor="{a}" font-size="{s}">{w}</text>').format(
        x=_n(x), y=_n(y), a=anchor, s=size, w=words
    )


def _wrapped(x: float, y: float, words: str, *, characters: int, size: int = 12) -> Markup:
    """Centred text broken at spaces into lines of about ``characters`` each."""
    lines: list[str] = []
    for word in words.split():
        if lines and len(lines[-1]) + 1 + len(word) <= characters:
            lines[-1] += " " + word
        else:
            lines.append(word)
    spans = [
        Markup('<tspan x="{x}" dy="{dy}">{line}</tspan>').format(
            x=_n(x), dy="0" if n == 0 else "1.2em", line=line
        )
        for n, line in enumerate(lines or [""])
    ]
    return Markup('<text x="{x}" y="{y}" text-anchor="middle" font-size="{s}">{t}</text>').format(
        x=_n(x), y=_n(y), s=size, t=Markup("").join(spans)
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str = GRID) -> Markup:
    return Markup(
        '<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{c}" stroke-width="1"/>'
    ).format(x1=_n(x1), y1=_n(y1), x2=_n(x2), y2=_n(y2), c=colour)


def _rect(x: float, y: float, width: float, height: float, *, outline: bool = False) -> Markup:
    stroke = Markup(' stroke="#ffffff" stroke-width="1"') if outline else Markup("")
    return Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"{stroke}/>').format(
        x=_n(x), y=_n(y), w=_n(width), h=_n(height), fill=BAR, stroke=stroke
    )


def bar_chart(
    labels: Sequence[str], values: Sequence[float | None], *, title: str, unit: str = ""
) -> Markup:
    """Horizontal bars, one per label, each label on its own line above its bar.

    Labels sit above the bars, so long ones (a referral source, an outcome
    measure) have the chart's whole width. ``unit`` follows each value: "%"
    right after the number, anything else after a space ("6 weeks").
    """
    if len(labels) != len(values):
        raise ValueError("Give one value for each label.")
    checked = _check(values)
    if not labels:
        return _no_data(title)
    ticks = _ticks(checked)
    top = ticks[-1]
    left = _MARGIN
    plot = WIDTH - left - 96  # room for the value after the longest bar
    row = 52
    bottom = _MARGIN + row * len(labels)
    height = bottom + 28

    parts: list[Markup] = []
    for tick in ticks:
        x = left + plot * tick / top
        parts.append(_line(x, _MARGIN, x, bottom))
        parts.append(_text(x, bottom + 18, _figure(tick, ""), anchor="middle", size=12))
    for n, (label, value) in enumerate(zip(labels, checked, strict=True)):
        y = _MARGIN + row * n
        parts.append(_text(left, y + 15, label))
        bar_y = y + 22
        if value is None:
            parts.append(_text(left, bar_y + 16, NOT_SHOWN))
            continue
        length = plot * value / top
        parts.append(_rect(left, bar_y, length, 22))
        parts.append(_text(left + length + 6, bar_y + 16, _figure(value, unit)))
    parts.append(_line(left, _MARGIN, left, bottom, TEXT))
    return _svg(WIDTH, height, title, parts)


def _columns(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    unit: str,
    touching: bool,
) -> Markup:
    if len(labels) != len(values):
        raise ValueError("Give one value for each label.")
    checked = _check(values)
    if not labels:
        return _no_data(title)
    ticks = _ticks(checked)
    top = ticks[-1]
    left = 56  # room for the gridline values
    slot = max(52.0, (WIDTH - left - _MARGIN) / len(labels))
    width = left + slot * len(labels) + _MARGIN
    plot_top = 28  # room for the value above the tallest column
    plot = 240
    baseline = plot_top + plot
    height = baseline + 64  # room for labels over up to three lines
    characters = max(4, int(slot / 7))

    parts: list[Markup] = []
    for tick in ticks:
        y = baseline - plot * tick / top
        parts.append(_line(left, y, width - _MARGIN, y))
        parts.append(_text(left - 6, y + 4, _figure(tick, ""), anchor="end", size=12))
    column = slot if touching else slot * 0.7
    for n, (label, value) in enumerate(zip(labels, checked, strict=True)):
        middle = left + slot * n + slot / 2
        parts.append(_wrapped(middle, baseline + 18, label, characters=characters))
        if value is None:
            parts.append(_wrapped(middle, baseline - 22, NOT_SHOWN, characters=characters))
            continue
        length = plot * value / top
        parts.append(
            _rect(middle - column / 2, baseline - length, column, length, outline=touching)
        )
        parts.append(
            _text(middle, baseline - length - 6, _figure(value, unit), anchor="middle", size=12)
        )
    parts.append(_line(left, baseline, width - _MARGIN, baseline, TEXT))
    return _svg(width, height, title, parts)


def column_chart(
    labels: Sequence[str], values: Sequence[float | None], *, title: str, unit: str = ""
) -> Markup:
    """Vertical columns for a time series, such as referrals by month, oldest first.

    Labels are broken at spaces ("Apr 2025" over two lines when columns are
    narrow). The chart widens past 640 units when there are many columns;
    the ``viewBox`` scales it back to fit.
    """
    return _columns(labels, values, title=title, unit=unit, touching=False)


def histogram(bins: Sequence[tuple[str, int | None]], *, title: str, unit: str = "") -> Markup:
    """Touching columns for a distribution, such as weeks waited: ``[("0–4 weeks", 12), ...]``."""
    labels = [label for label, _ in bins]
    values = [count for _, count in bins]
    return _columns(labels, values, title=title, unit=unit, touching=True)
